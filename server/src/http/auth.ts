import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { User } from '../store/types';
import { forbidden, unauthorized, type ApiError } from '../lib/errors';
import { hashToken } from '../lib/ids';
// app.live is declared by plugins/app/live.ts: its types only (http/ never loads a plugin's code).
import type {} from '../plugins/app/live';

/** Who is calling: a signed-in user, the operator (CONSOLE_TOKEN), or nobody. */
export type Caller =
  { kind: 'user'; user: User; tokenHash: string } | { kind: 'operator' } | { kind: 'anonymous' };

/** How long a session lasts (30 days). */
export const SESSION_TTL_MS = 30 * 24 * 3600 * 1000;

const BEARER = /^Bearer\s+(\S+)\s*$/i;

function bearer(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (header === undefined || header === '') return null;
  const match = BEARER.exec(header);
  if (!match) throw unauthorized('Authorization must be "Bearer <sessionToken>"');
  return match[1];
}

/**
 * The key of a per-session limit: the hash of the bearer's token however the header is spelled (any case of
 * "Bearer", any spacing), so one session is one bucket; the client address without a well-formed bearer.
 */
export function sessionLimitKey(request: FastifyRequest): string {
  const match = BEARER.exec(request.headers.authorization ?? '');
  return match ? `session:${hashToken(match[1])}` : `ip:${request.ip}`;
}

/** The console token's digest, computed once (not on every request that carries a bearer). */
let consoleDigest: { token: string; digest: Buffer } | null = null;

/** Constant-time comparison of a bearer's hashToken (SHA-256, hex) with the console token's: any lengths compare. */
function isConsoleToken(bearerHash: string, consoleToken: string): boolean {
  if (consoleDigest?.token !== consoleToken) {
    consoleDigest = { token: consoleToken, digest: Buffer.from(hashToken(consoleToken), 'hex') };
  }
  return timingSafeEqual(Buffer.from(bearerHash, 'hex'), consoleDigest.digest);
}

/** 401 for a bearer that names no live session (unknown, expired or signed out). */
export const sessionExpired = (): ApiError => unauthorized('Session expired or signed out; sign in again');
const signInFirst = (): ApiError => unauthorized('Sign in first: send Authorization: Bearer <sessionToken>');
const notAUser = (): ApiError => forbidden('This needs a user session, not the console token');

/** Identifies the caller from `Authorization: Bearer ...`; a bearer that matches nothing is a 401. */
export async function identify(app: FastifyInstance, request: FastifyRequest): Promise<Caller> {
  const token = bearer(request);
  if (token === null) return { kind: 'anonymous' };
  const { consoleToken } = app.live.config;
  // One SHA-256 serves both the console comparison and the session lookup (sessions are stored as hashToken).
  const tokenHash = hashToken(token);
  if (consoleToken !== null && isConsoleToken(tokenHash, consoleToken)) return { kind: 'operator' };
  const user = await app.live.store.sessions.findUser(tokenHash, app.live.now());
  if (!user) throw sessionExpired();
  return { kind: 'user', user, tokenHash };
}

/**
 * The hash under which a user's session is stored, read from the bearer without a database read: for a route that
 * reads the session together with what it needs (the token route). 401 without a bearer, 403 for the console
 * token; the caller answers sessionExpired() when its read finds no live session.
 */
export function requireSessionHash(app: FastifyInstance, request: FastifyRequest): string {
  const token = bearer(request);
  if (token === null) throw signInFirst();
  const tokenHash = hashToken(token);
  const { consoleToken } = app.live.config;
  if (consoleToken !== null && isConsoleToken(tokenHash, consoleToken)) throw notAUser();
  return tokenHash;
}

/** Whether the request carries the console token; no database read, and a malformed header is simply not it. */
export function carriesConsoleToken(app: FastifyInstance, request: FastifyRequest): boolean {
  const { consoleToken } = app.live.config;
  const match = BEARER.exec(request.headers.authorization ?? '');
  return consoleToken !== null && match !== null && isConsoleToken(hashToken(match[1]), consoleToken);
}

/** The signed-in user, or 401 (403 for the operator, who is not a user). */
export async function requireUser(
  app: FastifyInstance,
  request: FastifyRequest,
): Promise<{ user: User; tokenHash: string }> {
  const caller = await identify(app, request);
  if (caller.kind === 'user') return caller;
  if (caller.kind === 'operator') throw notAUser();
  throw signInFirst();
}

/** Passes only for `Authorization: Bearer $CONSOLE_TOKEN`; 401 without a credential, 403 for a user. */
export async function requireOperator(app: FastifyInstance, request: FastifyRequest): Promise<void> {
  if (app.live.config.consoleToken === null) {
    throw forbidden('Operator endpoints are disabled: set CONSOLE_TOKEN on the server');
  }
  const caller = await identify(app, request);
  if (caller.kind === 'operator') return;
  if (caller.kind === 'user') throw forbidden('Only the operator (console token) may do this');
  throw unauthorized('Send Authorization: Bearer <console token>');
}

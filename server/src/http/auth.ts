import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Actor, OperatorRole, User } from '../store/types';
import { forbidden, unauthorized, type ApiError } from '../lib/errors';
import { hashToken } from '../lib/ids';
// app.live is declared by plugins/app/live.ts: its types only (http/ never loads a plugin's code).
import type {} from '../plugins/app/live';

/**
 * Who is calling: a signed-in user, an operator (an account's session; CONSOLE_TOKEN only while no account exists),
 * or nobody.
 */
export type Caller =
  | { kind: 'user'; user: User; tokenHash: string }
  | { kind: 'operator'; operator: Actor; tokenHash: string | null }
  | { kind: 'anonymous' };

/** What an operator route needs: one role or any of several (admin may do everything), or any operator. */
export type Need = OperatorRole | readonly OperatorRole[] | 'any';

/** Operator session tokens start with this ('.' is not in a user token's base64url, so the two never mix). */
export const OPERATOR_TOKEN_PREFIX = 'op.';

/** CONSOLE_TOKEN as an actor: the bootstrap admin, until the first operator account exists. */
export const CONSOLE_ACTOR: Actor = { kind: 'operator', id: null, name: 'CONSOLE_TOKEN', role: 'admin' };

/** The operator behind each request that identified as one (the audit log reads it), and its extra words. */
const operatorOfRequest = new WeakMap<FastifyRequest, Actor>();
const auditDetailOfRequest = new WeakMap<FastifyRequest, string>();

/** The operator who made this request, if it identified as one. */
export const operatorOf = (request: FastifyRequest): Actor | null => operatorOfRequest.get(request) ?? null;
/** Words the audit log keeps with this request's action (a force-end's reason, a warning's text). */
export const auditDetailOf = (request: FastifyRequest): string | null =>
  auditDetailOfRequest.get(request) ?? null;
/** Gives this request's audit entry its extra words. */
export function noteAuditDetail(request: FastifyRequest, detail: string): void {
  auditDetailOfRequest.set(request, detail);
}

/** Whether a role may do what `need` names: admin everything, the others their own role's routes. */
export const mayAct = (role: OperatorRole, need: Need): boolean =>
  need === 'any' || role === 'admin' || (typeof need === 'string' ? role === need : need.includes(role));

/** Stores whose operator accounts are known to exist: CONSOLE_TOKEN's bootstrap is over for good there. */
const bootstrapOver = new WeakSet<object>();

/** 401 unless CONSOLE_TOKEN still bootstraps: no operator account exists yet. */
async function requireBootstrap(app: FastifyInstance): Promise<void> {
  const { store } = app.live;
  if (!bootstrapOver.has(store) && (await store.operators.count()) === 0) return;
  bootstrapOver.add(store);
  throw unauthorized('CONSOLE_TOKEN only bootstraps the first admin: sign in with your operator account');
}

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
const notAUser = (): ApiError => forbidden('This needs a user session, not an operator credential');

/** Identifies the caller from `Authorization: Bearer ...`; a bearer that matches nothing is a 401. */
export async function identify(app: FastifyInstance, request: FastifyRequest): Promise<Caller> {
  const token = bearer(request);
  if (token === null) return { kind: 'anonymous' };
  const { consoleToken } = app.live.config;
  // One SHA-256 serves both the console comparison and the session lookup (sessions are stored as hashToken).
  const tokenHash = hashToken(token);
  if (token.startsWith(OPERATOR_TOKEN_PREFIX)) {
    const operator = await app.live.store.operators.findSession(tokenHash, app.live.now());
    if (!operator) throw sessionExpired();
    const actor: Actor = { kind: 'operator', id: operator.id, name: operator.name, role: operator.role };
    operatorOfRequest.set(request, actor);
    return { kind: 'operator', operator: actor, tokenHash };
  }
  if (consoleToken !== null && isConsoleToken(tokenHash, consoleToken)) {
    await requireBootstrap(app);
    operatorOfRequest.set(request, CONSOLE_ACTOR);
    return { kind: 'operator', operator: CONSOLE_ACTOR, tokenHash: null };
  }
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
  if (token.startsWith(OPERATOR_TOKEN_PREFIX)) throw notAUser();
  const tokenHash = hashToken(token);
  const { consoleToken } = app.live.config;
  if (consoleToken !== null && isConsoleToken(tokenHash, consoleToken)) throw notAUser();
  return tokenHash;
}

/**
 * Whether the request comes from an operator (a live operator session, or CONSOLE_TOKEN while it bootstraps); no
 * database read unless the bearer looks like an operator's, and a malformed or dead one is simply not one.
 */
export async function comesFromOperator(app: FastifyInstance, request: FastifyRequest): Promise<boolean> {
  const match = BEARER.exec(request.headers.authorization ?? '');
  if (match === null) return false;
  const { consoleToken } = app.live.config;
  const mayBe =
    match[1].startsWith(OPERATOR_TOKEN_PREFIX) ||
    (consoleToken !== null && isConsoleToken(hashToken(match[1]), consoleToken));
  return mayBe && (await identify(app, request).catch(() => null))?.kind === 'operator';
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

/**
 * The console's guard: passes for an operator whose role allows `need` and answers who it is; 401 without a
 * credential, 403 FORBIDDEN for a user or for a role that may not (nothing is changed: call it before any write).
 */
export async function requireOperator(
  app: FastifyInstance,
  request: FastifyRequest,
  need: Need = 'any',
): Promise<Actor> {
  const match = BEARER.exec(request.headers.authorization ?? '');
  if (app.live.config.consoleToken === null && !match?.[1].startsWith(OPERATOR_TOKEN_PREFIX)) {
    throw forbidden(
      'Operator endpoints need an operator session: add an account (npm run operator -- add <name> --role admin) ' +
        'or set CONSOLE_TOKEN to bootstrap the first admin',
    );
  }
  const caller = await identify(app, request);
  if (caller.kind === 'user') throw forbidden('Only an operator may do this');
  if (caller.kind === 'anonymous')
    throw unauthorized('Sign in to the console: send Authorization: Bearer <operator session>');
  requireRoleOf(caller, need);
  return caller.operator;
}

/** For a caller acting as an operator: 403 FORBIDDEN unless its role allows `need`; anyone else passes (their own
 * checks follow). */
export function requireRoleOf(caller: Caller, need: Need): void {
  if (caller.kind === 'operator' && !mayAct(caller.operator.role, need)) {
    throw forbidden(`Your operator role (${caller.operator.role}) may not do this: it needs ${String(need)}`);
  }
}

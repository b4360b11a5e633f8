/** Operator accounts: sign-in with lockout, sessions, accounts an admin manages, password changes. */
import { OPERATOR_TOKEN_PREFIX } from '../../http/auth';
import { ApiError, badRequest, forbidden, notFound } from '../../lib/errors';
import { hashToken, newSessionToken, randomId } from '../../lib/ids';
import { DECOY_HASH, hashPassword, passwordProblem, verifyPassword } from '../../lib/passwords';
import type { LiveContext } from '../../plugins/app/live';
import type { Operator, OperatorRole } from '../../store/types';
import {
  LOCK_AFTER_FAILURES,
  LOCK_MS,
  OPERATOR_SESSION_TTL_MS,
  refuseWhileLocked,
  wrongCredentials,
} from './rules';

/** 400 naming what is wrong with a new password. */
function checkPassword(password: string): void {
  const problem = passwordProblem(password);
  if (problem !== null) throw badRequest(`The password ${problem}`);
}

/**
 * Signs an operator in: 429 while locked, 401 for a wrong name or password (counted towards the lockout), 403 for a
 * disabled account; else a new session of OPERATOR_SESSION_TTL_MS.
 */
export async function signIn(
  live: LiveContext,
  name: string,
  password: string,
): Promise<{ sessionToken: string; expiresAt: number; operator: Operator }> {
  const account = await live.store.operators.byName(name);
  if (account === null) {
    // As slow as a real check, so a wrong name cannot be told from a wrong password by time.
    await verifyPassword(password, DECOY_HASH);
    throw wrongCredentials();
  }
  const now = live.now();
  refuseWhileLocked(account.lockedUntil, now);
  if (!(await verifyPassword(password, account.passwordHash))) {
    await live.store.operators.signInFailed(account.id, now, LOCK_AFTER_FAILURES, LOCK_MS);
    throw wrongCredentials();
  }
  if (account.disabled) throw forbidden('This operator account is disabled: ask an admin');
  await live.store.operators.signInSucceeded(account.id);
  const sessionToken = OPERATOR_TOKEN_PREFIX + newSessionToken(live.random);
  const expiresAt = now + OPERATOR_SESSION_TTL_MS;
  await live.store.operators.openSession(hashToken(sessionToken), account.id, now, expiresAt);
  const { passwordHash: _hash, failedSignIns: _failed, lockedUntil: _locked, ...operator } = account;
  return { sessionToken, expiresAt, operator };
}

/** Creates an account: 400 a weak password, 409 CONFLICT a taken name. */
export async function addOperator(
  live: LiveContext,
  asked: { name: string; role: OperatorRole; password: string },
): Promise<Operator> {
  checkPassword(asked.password);
  const operator: Operator = {
    id: `op_${randomId(live.random, 12)}`,
    name: asked.name,
    role: asked.role,
    disabled: false,
    createdAt: live.now(),
  };
  if (!(await live.store.operators.create(operator, await hashPassword(asked.password)))) {
    throw new ApiError(409, 'CONFLICT', `The operator name "${asked.name}" is taken`);
  }
  return operator;
}

/** Changes an account's role or disables it (which ends its sessions at once, on every instance); 404 if none. */
export async function changeOperator(
  live: LiveContext,
  id: string,
  change: { role?: OperatorRole; disabled?: boolean },
): Promise<Operator> {
  const updated = await live.store.operators.update(id, change);
  if (updated === null) throw notFound(`No operator ${id}`);
  if (change.disabled === true) await live.store.operators.endSessions(id);
  return updated;
}

/** Sets a new password; every other session of the account ends (`keep`: the caller's own, if it changes its own). */
export async function setPassword(
  live: LiveContext,
  id: string,
  password: string,
  keep?: string,
): Promise<void> {
  checkPassword(password);
  await live.store.operators.setPassword(id, await hashPassword(password));
  await live.store.operators.endSessions(id, keep);
}

/** The caller's own password change: 401 unless the current password is right. */
export async function changeOwnPassword(
  live: LiveContext,
  operator: { id: string; name: string },
  current: string,
  next: string,
  sessionHash: string,
): Promise<void> {
  const account = await live.store.operators.byName(operator.name);
  if (account === null || !(await verifyPassword(current, account.passwordHash))) throw wrongCredentials();
  await setPassword(live, operator.id, next, sessionHash);
}

/** Operator sign-in decisions without a database: lockout and what a failed sign-in answers. */
import { ApiError, unauthorized } from '../../lib/errors';

/** Failed sign-ins in a row that lock an account. */
export const LOCK_AFTER_FAILURES = 5;
/** How long a locked account refuses every sign-in, right password or not (15 minutes). */
export const LOCK_MS = 15 * 60 * 1000;
/** How long an operator session lasts (12 hours: a working day, then sign in again). */
export const OPERATOR_SESSION_TTL_MS = 12 * 3600 * 1000;

/** 401 for a wrong name or password: the same words for both, so names cannot be found by trying. */
export const wrongCredentials = (): ApiError => unauthorized('Wrong operator name or password');

/** 429 while the account is locked after repeated failures, saying when to try again. */
export function refuseWhileLocked(lockedUntil: number | null, now: number): void {
  if (lockedUntil === null || lockedUntil <= now) return;
  const minutes = Math.ceil((lockedUntil - now) / 60_000);
  throw new ApiError(
    429,
    'RATE_LIMITED',
    `Too many failed sign-ins: this account is locked; try again in ${minutes} min`,
  );
}

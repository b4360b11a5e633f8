/** Checking a ZEGO server callback before it is applied: its signature, its age and its nonce (replay-proof). */
import { createHash, timingSafeEqual } from 'node:crypto';
import { ApiError, unauthorized } from '../../lib/errors';
import type { LiveContext } from '../../plugins/app/live';

/**
 * How far a callback's timestamp may be from our clock (ms), either way. ZEGO's signature covers only the secret,
 * the timestamp and the nonce (not the room or the event), so a captured callback is refused by its age beyond this
 * window and, within it, by its nonce having been seen (kept in the database: every instance sees it).
 */
export const CALLBACK_WINDOW_MS = 5 * 60_000;

/** ZEGO's callback rule: signature = sha1(sorted [callbackSecret, timestamp, nonce] joined), hex. */
export function zegoCallbackSignature(secret: string, timestamp: string, nonce: string): string {
  const joined = [secret, timestamp, nonce].sort().join('');
  return createHash('sha1').update(joined).digest('hex');
}

/** Constant-time check of a callback's signature. */
export function verifyZegoCallback(
  secret: string,
  timestamp: string,
  nonce: string,
  signature: string,
): boolean {
  const expected = Buffer.from(zegoCallbackSignature(secret, timestamp, nonce), 'utf8');
  const given = Buffer.from(signature.toLowerCase(), 'utf8');
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/** The signed part of every ZEGO callback. */
export interface SignedCallback {
  timestamp: string | number;
  nonce: string | number;
  signature: string;
}

/**
 * Checks a callback (503 without ZEGO_CALLBACK_SECRET, 401 forged or expired, 409 replayed) and runs apply once;
 * when apply throws, the nonce is released so that ZEGO's retry of the same callback passes.
 */
export async function acceptZegoCallback<T>(
  live: LiveContext,
  body: SignedCallback,
  apply: () => Promise<T>,
): Promise<T> {
  const secret = live.config.zegoCallbackSecret;
  if (secret === null) {
    throw new ApiError(
      503,
      'ZEGO_NOT_CONFIGURED',
      'ZEGO callbacks are not configured: set ZEGO_CALLBACK_SECRET',
    );
  }
  const nonce = String(body.nonce);
  if (!verifyZegoCallback(secret, String(body.timestamp), nonce, body.signature)) {
    throw unauthorized('ZEGO callback signature does not match');
  }
  const now = live.now();
  const sentAt = Number(body.timestamp) * 1000;
  if (!Number.isFinite(sentAt) || Math.abs(now - sentAt) > CALLBACK_WINDOW_MS) {
    throw new ApiError(
      401,
      'CALLBACK_EXPIRED',
      `ZEGO callback timestamp is more than ${CALLBACK_WINDOW_MS / 60_000} minutes from the server's clock`,
    );
  }
  if (!(await live.store.callbackNonces.claim(nonce, now, now - 2 * CALLBACK_WINDOW_MS))) {
    throw new ApiError(409, 'CALLBACK_REPLAYED', 'This ZEGO callback (its nonce) was already received');
  }
  try {
    return await apply();
  } catch (error) {
    // Not applied: ZEGO's retry of the same callback must pass.
    await live.store.callbackNonces.release(nonce).catch(() => undefined);
    throw error;
  }
}

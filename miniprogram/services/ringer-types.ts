/** The ring's shape, platform-free (wx rings in ringer.ts, Alipay in alipay/services/socket.ts). */

/** Starts and stops the ring; stop() is safe to call any number of times. */
export interface Ringer {
  start(): void;
  stop(): void;
}

/** One ring: the tone and a buzz, then quiet until the next. */
export const RING_EVERY_MS = 1500;

/**
 * What the session does with each native live-pusher / live-player statechange code, in one table: reconnect,
 * interrupt, confirm a recovery, show a notice or an error. A code not listed only reaches the SDK.
 */

/** The session's reaction to one native code. */
export type NativeReaction =
  /** Something dropped: reconnect (`refresh`: with fresh URLs; `whilePublishing`: only when pushing). */
  | { kind: 'reconnect'; refresh: boolean; whilePublishing?: boolean }
  /** A phone call (`call`) or the system suspended the pusher (`suspend`, ends when the app is shown). */
  | { kind: 'interrupt'; by: 'call' | 'suspend' }
  /** The player is playing again: a reconnect may be over. */
  | { kind: 'recovered' }
  /** A transient notice (the catalog's text unless `text`). */
  | { kind: 'notice'; text?: string }
  /** An error the user must see (from the catalog). */
  | { kind: 'error' };

/** Codes of <live-pusher> statechange (WeChat's live-pusher documentation). */
export const PUSHER_CODES: Readonly<Record<number, NativeReaction>> = {
  [-1307]: { kind: 'reconnect', refresh: true, whilePublishing: true },
  5000: { kind: 'interrupt', by: 'suspend' },
  5001: { kind: 'interrupt', by: 'call' },
  [-1301]: { kind: 'error' },
  [-1302]: { kind: 'error' },
  [-1305]: { kind: 'error' },
  [-1306]: { kind: 'error' },
  [-1308]: { kind: 'error' },
  [-1309]: { kind: 'error' },
  1021: { kind: 'notice' },
  1101: { kind: 'notice', text: '网络不佳，画面可能卡顿' },
  1102: { kind: 'notice' },
  3001: { kind: 'notice' },
  3002: { kind: 'notice' },
  3003: { kind: 'notice' },
  3004: { kind: 'notice' },
  3005: { kind: 'notice' },
};

/** Codes of <live-player> statechange. */
export const PLAYER_CODES: Readonly<Record<number, NativeReaction>> = {
  // the player reconnects by itself; 2004 tells it worked, the backoff replays if it did not
  2103: { kind: 'reconnect', refresh: false },
  // the connection broke (3005) or the player gave up: play again with a fresh URL
  3005: { kind: 'reconnect', refresh: true },
  [-2301]: { kind: 'reconnect', refresh: true },
  [-2302]: { kind: 'reconnect', refresh: true },
  2004: { kind: 'recovered' },
  2101: { kind: 'notice' },
  2102: { kind: 'notice' },
  2104: { kind: 'notice' },
  2105: { kind: 'notice' },
};

/** The reaction to a pusher or player code, or null when the SDK alone cares. */
export function nativeReaction(source: 'pusher' | 'player', code: number | undefined): NativeReaction | null {
  if (code === undefined) return null;
  return (source === 'pusher' ? PUSHER_CODES : PLAYER_CODES)[code] ?? null;
}

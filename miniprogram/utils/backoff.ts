/**
 * The reconnect policy every part of the app shares (the live session's recovery, the event channel's socket): a
 * bounded list of waits, backed off, with jitter.
 */

/** The base waits between reconnect attempts; their count bounds the attempts before giving up. */
export const RECONNECT_BACKOFF_MS: readonly number[] = [1000, 2000, 4000, 8000, 16000];

/** Decides how long to wait before the next reconnect attempt, or that there is none. */
export interface ReconnectPolicy {
  /** `attempt` counts the attempts made so far (0 before the first); null: give up. */
  nextDelayMs(attempt: number): number | null;
  /** How many attempts it allows (for the give-up message). */
  readonly maxAttempts: number;
}

/**
 * Backoff over fixed base waits, shortened by up to `jitter` (0..1) at random, so the viewers of a room that
 * dropped together do not all come back in the same millisecond. Never longer than the base wait.
 */
export class BackoffPolicy implements ReconnectPolicy {
  constructor(
    private readonly waits: readonly number[] = RECONNECT_BACKOFF_MS,
    private readonly jitter = 0.2,
    private readonly random: () => number = Math.random,
  ) {}

  get maxAttempts(): number {
    return this.waits.length;
  }

  nextDelayMs(attempt: number): number | null {
    if (attempt >= this.waits.length) return null;
    const base = this.waits[attempt];
    return Math.round(base * (1 - this.jitter * Math.min(1, Math.max(0, this.random()))));
  }
}

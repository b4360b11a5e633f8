/**
 * The full-screen gift effects, one at a time: big gifts wait in a queue in the order they came and each plays for
 * EFFECT_MS. While the page is hidden nothing plays and nothing piles up (an effect nobody saw is skipped, not
 * replayed later in a burst), and the queue never holds more than EFFECT_QUEUE_MAX (the oldest waiting go first).
 * A plain class with one timer: the owner makes `current` observable and renders it.
 */

/** How long one full-screen effect plays. */
export const EFFECT_MS = 2500;
/** The most effects waiting; more in a storm drop the oldest waiting ones (the newest givers still get theirs). */
export const EFFECT_QUEUE_MAX = 10;

/** What one full-screen effect shows. */
export interface GiftEffectView {
  key: string;
  nickname: string;
  giftName: string;
  iconUrl: string;
  count: number;
}

type Timer = ReturnType<typeof setTimeout>;

/** The queue and the effect playing now. */
export class EffectQueue {
  private readonly waiting: GiftEffectView[] = [];
  private playing: GiftEffectView | null = null;
  private timer: Timer | null = null;
  private hidden = false;

  /** `show` is told each change of the effect on screen (null: none). */
  constructor(private readonly show: (effect: GiftEffectView | null) => void) {}

  /** The effect on screen, or null. */
  get current(): GiftEffectView | null {
    return this.playing;
  }

  /** How many wait behind the one playing. */
  get pending(): number {
    return this.waiting.length;
  }

  /** A big gift: plays now if nothing does, else waits its turn; dropped while the page is hidden. */
  add(effect: GiftEffectView): void {
    if (this.hidden) return;
    if (this.playing === null) {
      this.play(effect);
      return;
    }
    this.waiting.push(effect);
    if (this.waiting.length > EFFECT_QUEUE_MAX) this.waiting.shift();
  }

  /** The page hid: the effect stops and what waited is skipped. Shown again: the next big gift plays. */
  setHidden(hidden: boolean): void {
    this.hidden = hidden;
    if (hidden) this.clear();
  }

  /** Nothing plays or waits (the visit ended). */
  clear(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.waiting.length = 0;
    if (this.playing !== null) {
      this.playing = null;
      this.show(null);
    }
  }

  private play(effect: GiftEffectView): void {
    this.playing = effect;
    this.show(effect);
    this.timer = setTimeout(() => this.next(), EFFECT_MS);
  }

  private next(): void {
    this.timer = null;
    const following = this.waiting.shift();
    if (following) this.play(following);
    else {
      this.playing = null;
      this.show(null);
    }
  }
}

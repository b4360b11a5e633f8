/**
 * A room's chat lines are sent to ZEGO in the order the service accepted them, while their content checks run at
 * once: a line checked sooner than an earlier one waits for that one to be sent (or dropped), then takes its place
 * in the ZEGO bound's queue, which starts calls in the order they came.
 */

/** A line's place in its room's order. */
export interface LineTicket {
  /** Resolves when every earlier line of the room was sent or dropped. */
  turn: Promise<void>;
  /** This line was sent (its call started) or dropped: the next line may go. Call it exactly once. */
  done(): void;
}

/** The order of each room's accepted lines (one per instance). */
export class ChatOrder {
  private readonly last = new Map<string, Promise<void>>();

  /** Accepts a line into its room's order. */
  accept(roomId: string): LineTicket {
    const turn = this.last.get(roomId) ?? Promise.resolve();
    let done = (): void => undefined;
    const sent = new Promise<void>((resolve) => {
      done = resolve;
    });
    this.last.set(roomId, sent);
    // The room is forgotten once its last line went (rooms come and go; the map stays small).
    void sent.then(() => {
      if (this.last.get(roomId) === sent) this.last.delete(roomId);
    });
    return { turn, done };
  }
}

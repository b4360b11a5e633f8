/**
 * What the visit tells the service: for the anchor, the room is live (once per visit) and the audience figures every
 * STATS_INTERVAL_MS while on air (which the service also takes as the anchor's heartbeat); for a call member, a
 * heartbeat on the same timer (the service ends a call none of whose members sends one). Best effort: the console's
 * figures are not worth an error on the screen. Owns its interval.
 */
import { ApiError } from '../../services/api-client';
import type { SessionContext } from './session-context';

/** The anchor reports audience figures to the service at most this often. */
export const STATS_INTERVAL_MS = 10000;

/** The figures reported. */
export interface ReportSubject {
  roomID(): string;
  figures(): { viewers: number; likes: number; messages: number };
}

/** The anchor's reports. */
export class RoomReport {
  private interval: ReturnType<typeof setInterval> | null = null;
  private markedLive = false;
  private ended: () => void = () => undefined;

  constructor(
    private readonly ctx: SessionContext,
    private readonly subject: ReportSubject,
  ) {}

  /** On air: mark the room live (once) and report on a timer; `ended` when the service says the room is over (an
   * operator ended it). */
  onAir(ended: () => void = () => undefined): void {
    this.ended = ended;
    if (!this.markedLive) {
      this.markedLive = true;
      this.ctx.deps.api.markLive(this.subject.roomID()).catch(() => {
        this.markedLive = false;
      });
    }
    if (!this.interval) this.interval = setInterval(() => this.report(), STATS_INTERVAL_MS);
  }

  /** In a call: a heartbeat every STATS_INTERVAL_MS; `ended` when the service says the call is over. */
  inCall(ended: () => void): void {
    if (this.interval) return;
    this.interval = setInterval(() => {
      const roomID = this.subject.roomID();
      if (!roomID) return;
      this.ctx.deps.api.heartbeat(roomID).catch((error: unknown) => {
        if (error instanceof ApiError && error.code === 'ROOM_ENDED') ended();
      });
    }, STATS_INTERVAL_MS);
  }

  /** Off air: no more reports. */
  offAir(): void {
    if (this.interval) clearInterval(this.interval);
    this.interval = null;
  }

  /** Reports the figures now. */
  report(): void {
    const roomID = this.subject.roomID();
    if (!roomID) return;
    this.ctx.deps.api.reportStats(roomID, this.subject.figures()).catch((error: unknown) => {
      // Ended by an operator (force-end): the end screen, with the reason the service keeps for it.
      if (error instanceof ApiError && error.code === 'ROOM_ENDED') this.ended();
    });
  }

  /** The visit is over. */
  dispose(): void {
    this.offAir();
    this.markedLive = false;
  }
}

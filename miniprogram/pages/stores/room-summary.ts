/**
 * The end screen's figures: how long the room was live, its peak viewers, likes and messages. The service keeps
 * them (GET /api/rooms/:id/stats, read once when the room ends); until it answers, or when it cannot, the figures
 * this phone saw stand in. A new summary per visit.
 */
import { makeAutoObservable } from 'mobx-miniprogram';
import type { SessionContext } from './session-context';

/** What the end screen shows. */
export interface RoomSummaryView {
  /** Time live in ms, paused time left out (the service's figure; this phone's own clock as the fallback). */
  durationMs: number;
  peakViewers: number;
  likes: number;
  messages: number;
  /** The figures are the service's (false: this phone's own, the service could not be asked). */
  fromService: boolean;
  /** Why an operator ended the room, when one did (the service's word; shown on the end screen). */
  endReason?: string;
}

/** What this phone saw of the room, for when the service cannot be asked. */
export type OwnFigures = Omit<RoomSummaryView, 'durationMs' | 'fromService'>;

/** The end screen's figures of one visit. */
export class RoomSummary {
  summary: RoomSummaryView | null = null;
  /** When this phone saw the room go live (the anchor on air, the viewer watching), for the fallback duration. */
  private since: number | null = null;

  constructor(private readonly ctx: SessionContext) {
    makeAutoObservable<RoomSummary, 'ctx' | 'since'>(this, { ctx: false, since: false }, { autoBind: true });
  }

  /** The room is on air for this phone (the first time counts). */
  onAir(now = Date.now()): void {
    this.since ??= now;
  }

  /** The room ended: this phone's figures at once, the service's once it answers (one request, never retried). */
  async ended(roomID: string, own: OwnFigures, now = Date.now()): Promise<void> {
    this.summary = {
      ...own,
      durationMs: this.since === null ? 0 : Math.max(0, now - this.since),
      fromService: false,
    };
    const epoch = this.ctx.epoch;
    try {
      const { stats } = await this.ctx.deps.api.getStats(roomID);
      if (this.ctx.isStale(epoch)) return;
      this.setFromService({
        durationMs: stats.durationMs,
        peakViewers: stats.peakViewers,
        likes: stats.likes,
        messages: stats.messages,
        fromService: true,
        ...(stats.endReason ? { endReason: stats.endReason } : {}),
      });
    } catch {
      // the phone's own figures stay on the end screen
    }
  }

  private setFromService(summary: RoomSummaryView): void {
    this.summary = summary;
  }

  /** A new visit: nothing to show. */
  reset(): void {
    this.summary = null;
    this.since = null;
  }
}

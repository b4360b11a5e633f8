/**
 * Counting in this process's memory (no REDIS_URL, or Redis away): adding is a few arithmetic operations, and a
 * flush takes what was gathered while a copy stays readable until the database has it.
 */
import type { RoomCounts } from '../store/types';
import { mergeCounts, noCounts } from './counts';

/** A room's gathered counts, and those taken by a flush not yet written. */
export class MemoryCounts {
  private pending = new Map<string, RoomCounts>();
  private readonly flushing = new Map<string, RoomCounts>();

  /** Adds to the room's gathering. */
  add(roomId: string, counts: RoomCounts): void {
    this.pending.set(roomId, mergeCounts(this.pending.get(roomId) ?? noCounts(), counts));
  }

  /** What the room gathered and was not written yet (being flushed or not); undefined when nothing. */
  peek(roomId: string): RoomCounts | undefined {
    const pending = this.pending.get(roomId);
    const flushing = this.flushing.get(roomId);
    if (flushing === undefined) return pending;
    return pending === undefined ? flushing : mergeCounts(flushing, pending);
  }

  /** Takes every room's gathering for a flush (still readable until done() or putBack()). */
  take(): Array<[string, RoomCounts]> {
    const taken = [...this.pending.entries()];
    this.pending = new Map();
    for (const [roomId, counts] of taken) this.flushing.set(roomId, counts);
    return taken;
  }

  /** The database has the room's taken counts. */
  done(roomId: string): void {
    this.flushing.delete(roomId);
  }

  /** The write failed: the taken counts go back before what came since, for the next flush. */
  putBack(roomId: string): void {
    const taken = this.flushing.get(roomId);
    this.flushing.delete(roomId);
    if (taken === undefined) return;
    const since = this.pending.get(roomId);
    this.pending.set(roomId, since === undefined ? taken : mergeCounts(taken, since));
  }
}

/**
 * A room's figures as the service keeps them: viewers now and at peak (the anchor reports the online count), the
 * per-minute viewer series, likes and messages (counted by the chat routes), and the time live without pauses.
 */
import type { Room, RoomViewer, ViewerMinute } from '../../store/types';
import type { RoomStatsView, RoomViewerView } from '@zego-live/contract/schemas';

// The series' length is the counters' rule (they drop the older minutes when they flush).
export { SERIES_MINUTES } from '../../counters/counts';

/** The anchor's viewer list shows at most this many viewers, the newest first. */
export const VIEWER_LIST_LIMIT = 100;

/** A viewer asking for a token again within this long (reconnects, renewals) is not written again. */
export const VIEWER_QUIET_MS = 60_000;

/** How many (room, viewer) pairs one instance remembers having recorded (the oldest are forgotten first). */
export const RECENT_VIEWERS_MAX = 10_000;

/**
 * The viewers this instance recorded within VIEWER_QUIET_MS: a viewer's token renewals and reconnects then cost no
 * database statement at all (the store's upsert would write nothing anyway). Another instance writes once for the
 * same viewer at most every VIEWER_QUIET_MS too, so the list stays right with any number of instances.
 */
export class RecentViewers {
  private readonly seen = new Map<string, number>();

  constructor(private readonly max = RECENT_VIEWERS_MAX) {}

  /** True when the viewer was recorded here after `quietSince` (skip the write); else remembers `now` and is false. */
  recordedSince(roomId: string, userId: string, now: number, quietSince: number): boolean {
    const key = `${roomId} ${userId}`;
    const at = this.seen.get(key);
    if (at !== undefined && at > quietSince) return true;
    this.seen.delete(key);
    this.seen.set(key, now);
    if (this.seen.size > this.max) this.seen.delete(this.seen.keys().next().value as string);
    return false;
  }

  /** Forgets a viewer (its write failed: the next token tries again). */
  forget(roomId: string, userId: string): void {
    this.seen.delete(`${roomId} ${userId}`);
  }
}

/** Time live at `now`: the finished stretches plus the one running; paused and idle time never count. */
export function liveDurationMs(room: Room, now: number): number {
  const running = room.status === 'live' && room.liveSince !== null ? Math.max(0, now - room.liveSince) : 0;
  return room.liveMs + running;
}

/** The room's figures for the API; the series only when given (the anchor's and the operator's view). */
export function roomStatsView(
  room: Room,
  now: number,
  series: readonly ViewerMinute[] | null,
  endReason: string | null = null,
): RoomStatsView {
  const view: RoomStatsView = {
    roomId: room.id,
    status: room.status,
    viewers: room.stats.viewers,
    peakViewers: room.stats.peakViewers,
    likes: room.stats.likes,
    messages: room.stats.messages,
    durationMs: liveDurationMs(room, now),
    startedAt: room.startedAt,
    endedAt: room.endedAt,
  };
  if (endReason !== null) view.endReason = endReason;
  return series === null ? view : { ...view, series: series.map((m) => ({ at: m.at, viewers: m.viewers })) };
}

/** A viewer for the anchor's list (no avatar: null). */
export const roomViewerView = (viewer: RoomViewer): RoomViewerView => ({
  userId: viewer.user.id,
  nickname: viewer.user.nickname,
  avatarUrl: viewer.user.avatarUrl === '' ? null : viewer.user.avatarUrl,
  joinedAt: viewer.joinedAt,
});

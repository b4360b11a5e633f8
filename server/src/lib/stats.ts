/**
 * A room's figures as the service keeps them: viewers now and at peak (the anchor reports the online count), the
 * per-minute viewer series, likes and messages (counted by the chat routes), and the time live without pauses.
 */
import type { Room, RoomViewer, ViewerMinute } from '../store/types';
import type { RoomStatsView, RoomViewerView } from './schemas';

/** The viewer series keeps this many minutes (12 hours); older minutes are dropped as new ones come. */
export const SERIES_MINUTES = 720;

/** The anchor's viewer list shows at most this many viewers, the newest first. */
export const VIEWER_LIST_LIMIT = 100;

/** A viewer asking for a token again within this long (reconnects, renewals) is not written again. */
export const VIEWER_QUIET_MS = 60_000;

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
  return series === null ? view : { ...view, series: series.map((m) => ({ at: m.at, viewers: m.viewers })) };
}

/** A viewer for the anchor's list (no avatar: null). */
export const roomViewerView = (viewer: RoomViewer): RoomViewerView => ({
  userId: viewer.user.id,
  nickname: viewer.user.nickname,
  avatarUrl: viewer.user.avatarUrl === '' ? null : viewer.user.avatarUrl,
  joinedAt: viewer.joinedAt,
});

/**
 * The one rule of a room's live figures: what its counters gathered (RoomCounts) is added up, and laid over what
 * the database holds, the same way in memory, in Redis and when read. Pure: no clock, no I/O.
 */
import type { Room, RoomCounts, ViewerMinute } from '../store/types';
import { minuteOf } from '../store/rows';

/** The viewer series keeps this many minutes (12 hours); older minutes are dropped as new ones come. */
export const SERIES_MINUTES = 720;

/** What one event adds: likes, a message, or an anchor's viewers-now report at `at`. */
export type CountEvent =
  { kind: 'likes'; count: number } | { kind: 'message' } | { kind: 'viewers'; viewers: number; at: number };

/** Nothing gathered yet. */
export const noCounts = (): RoomCounts => ({
  likes: 0,
  messages: 0,
  viewers: null,
  peakViewers: 0,
  minutes: [],
});

/** Whether a flush would change nothing. */
export const isEmpty = (c: RoomCounts): boolean =>
  c.likes === 0 && c.messages === 0 && c.viewers === null && c.minutes.length === 0;

/** The most of each minute of both lists, oldest first. */
function mergeMinutes(a: readonly ViewerMinute[], b: readonly ViewerMinute[]): ViewerMinute[] {
  const most = new Map<number, number>();
  for (const m of [...a, ...b]) most.set(m.at, Math.max(most.get(m.at) ?? 0, m.viewers));
  return [...most.entries()].sort(([x], [y]) => x - y).map(([at, viewers]) => ({ at, viewers }));
}

/** Both gatherings as one: `newer`'s viewers-now report wins, the rest adds up (or keeps the most). */
export function mergeCounts(older: RoomCounts, newer: RoomCounts): RoomCounts {
  return {
    likes: older.likes + newer.likes,
    messages: older.messages + newer.messages,
    viewers: newer.viewers ?? older.viewers,
    peakViewers: Math.max(older.peakViewers, newer.peakViewers),
    minutes: mergeMinutes(older.minutes, newer.minutes),
  };
}

/** What one event gathers. */
export function eventCounts(event: CountEvent): RoomCounts {
  if (event.kind === 'likes') return { ...noCounts(), likes: event.count };
  if (event.kind === 'message') return { ...noCounts(), messages: 1 };
  const { viewers, at } = event;
  return { ...noCounts(), viewers, peakViewers: viewers, minutes: [{ at: minuteOf(at), viewers }] };
}

/** The room as read (the database's row) with what is gathered and not yet flushed laid over its figures. */
export function withCounts(room: Room, c: RoomCounts | undefined): Room {
  if (c === undefined || isEmpty(c)) return room;
  const { stats } = room;
  return {
    ...room,
    stats: {
      // An ended room has no viewers now, whatever a report not yet flushed said.
      viewers: room.status === 'ended' ? stats.viewers : (c.viewers ?? stats.viewers),
      peakViewers: Math.max(stats.peakViewers, c.peakViewers),
      likes: stats.likes + c.likes,
      messages: stats.messages + c.messages,
    },
  };
}

/**
 * The stored series with the gathered minutes laid over it: the newest `limit` minutes after `forgetBefore`, oldest
 * first (as the flush will leave it).
 */
export function withMinutes(
  series: readonly ViewerMinute[],
  c: RoomCounts | undefined,
  limit: number,
  forgetBefore: number,
): ViewerMinute[] {
  if (c === undefined || c.minutes.length === 0) return [...series];
  return mergeMinutes(series, c.minutes)
    .filter((m) => m.at > forgetBefore)
    .slice(-limit);
}

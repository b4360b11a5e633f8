/** The counters' one rule (src/counters/counts.ts): how gatherings add up and how they lay over a stored room. */
import { eventCounts, mergeCounts, noCounts, withCounts, withMinutes } from '../src/counters/counts';
import type { Room } from '../src/store/types';

const MINUTE = 60_000;
const T0 = Date.UTC(2026, 11, 8, 1, 0, 0);

const room = (status: Room['status'], stats: Room['stats']): Room =>
  ({ id: 'rHot', status, stats }) as unknown as Room;

describe("a room's counters", () => {
  test('likes and messages add up; the newer viewers report wins; the peak and each minute keep their most', () => {
    const older = [
      eventCounts({ kind: 'likes', count: 5 }),
      eventCounts({ kind: 'message' }),
      eventCounts({ kind: 'viewers', viewers: 40, at: T0 + 10_000 }),
    ].reduce(mergeCounts);
    const newer = [
      eventCounts({ kind: 'likes', count: 7 }),
      eventCounts({ kind: 'viewers', viewers: 25, at: T0 + 50_000 }),
      eventCounts({ kind: 'viewers', viewers: 30, at: T0 + MINUTE + 1 }),
    ].reduce(mergeCounts);
    expect(mergeCounts(older, newer)).toEqual({
      likes: 12,
      messages: 1,
      viewers: 30,
      peakViewers: 40,
      minutes: [
        { at: T0, viewers: 40 },
        { at: T0 + MINUTE, viewers: 30 },
      ],
    });
    // Nothing newer keeps the older report.
    expect(mergeCounts(older, eventCounts({ kind: 'message' })).viewers).toBe(40);
  });

  test('laid over the stored row: added, the peak never lower, an ended room keeps no viewers', () => {
    const gathered = mergeCounts(
      eventCounts({ kind: 'likes', count: 3 }),
      eventCounts({ kind: 'viewers', viewers: 9, at: T0 }),
    );
    const stored = { viewers: 2, peakViewers: 50, likes: 100, messages: 4 };
    expect(withCounts(room('live', stored), gathered).stats).toEqual({
      viewers: 9,
      peakViewers: 50,
      likes: 103,
      messages: 4,
    });
    expect(withCounts(room('ended', { ...stored, viewers: 0 }), gathered).stats.viewers).toBe(0);
    expect(withCounts(room('live', stored), undefined).stats).toEqual(stored);
    expect(withCounts(room('live', stored), noCounts()).stats).toEqual(stored);
  });

  test('the series: gathered minutes over stored ones, the forgotten dropped, the newest kept', () => {
    const stored = [
      { at: T0, viewers: 5 },
      { at: T0 + MINUTE, viewers: 8 },
    ];
    const gathered = mergeCounts(
      eventCounts({ kind: 'viewers', viewers: 6, at: T0 + MINUTE + 5 }),
      eventCounts({ kind: 'viewers', viewers: 3, at: T0 + 2 * MINUTE }),
    );
    expect(withMinutes(stored, gathered, 10, T0 - MINUTE)).toEqual([
      { at: T0, viewers: 5 },
      { at: T0 + MINUTE, viewers: 8 },
      { at: T0 + 2 * MINUTE, viewers: 3 },
    ]);
    expect(withMinutes(stored, gathered, 2, T0 - MINUTE).map((m) => m.at)).toEqual([
      T0 + MINUTE,
      T0 + 2 * MINUTE,
    ]);
    expect(withMinutes(stored, gathered, 10, T0).map((m) => m.at)).toEqual([T0 + MINUTE, T0 + 2 * MINUTE]);
  });
});

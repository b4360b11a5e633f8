/**
 * A room's live figures (likes, messages, viewers now and at peak, the per-minute series), counted where concurrent
 * writers never wait on each other: in Redis when REDIS_URL is set, else (or while Redis is away) in this process's
 * memory. Both are flushed to the database at most once per interval as one UPDATE per room: Redis's by one
 * instance at a time (a lock), memory's by its own process. Reads lay what is not flushed yet over the row.
 *
 * Durability: an event is acknowledged once Redis or this process's memory holds it. A graceful stop flushes
 * first; a kill -9 loses at most what was gathered since the last flush (memory), or the one flush in progress.
 */
import { randomBytes } from 'node:crypto';
import type Redis from 'ioredis';
import { Batch } from '../lib/batch';
import type { Room, RoomCounts, Store, ViewerMinute } from '../store/types';
import { minuteOf } from '../store/rows';
import { eventCounts, isEmpty, mergeCounts, withCounts, withMinutes, type CountEvent } from './counts';
import { MemoryCounts } from './memory';
import { RedisCounts } from './redis';

/** How often the counters are written to the database (ms): at most one counter write per room per interval. */
export const COUNTERS_FLUSH_MS = 1000;

/** Where the counts are gathered now: Redis (shared by every instance) or this process only. */
export type CountersMode = 'redis' | 'process';

export interface CountersOptions {
  store: Store;
  /** The shared Redis, or null (no REDIS_URL). */
  redis: Redis | null;
  /** The deployment's Redis key prefix. */
  keyPrefix: string;
  now: () => number;
  /** How many minutes the per-minute series keeps (older ones are dropped at a flush). */
  seriesMinutes: number;
  intervalMs?: number;
  /** Told when a flush fails (the counts wait for the next one). */
  onError?: (error: unknown) => void;
}

/** One instance's counters: counting, reading and flushing. */
export class RoomCounters {
  private readonly memory = new MemoryCounts();
  private readonly shared: RedisCounts | null;
  private readonly adds: Batch<readonly [string, RoomCounts], number | null> | null;
  private readonly holder = randomBytes(8).toString('hex');
  private readonly intervalMs: number;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> = Promise.resolve();

  constructor(private readonly options: CountersOptions) {
    this.intervalMs = options.intervalMs ?? COUNTERS_FLUSH_MS;
    const { redis } = options;
    this.shared = redis === null ? null : new RedisCounts(redis, options.keyPrefix);
    // The events of one turn go to Redis in one round trip.
    this.adds = this.shared === null ? null : new Batch((asks) => this.sharedAdd(asks));
  }

  /** Where counts are gathered right now. */
  get mode(): CountersMode {
    return this.shared?.ready ? 'redis' : 'process';
  }

  /**
   * Counts an event; resolves once it is held (Redis, or this process while Redis is away), with the room's likes
   * not yet in the database (what a like's answer adds to the stored count).
   */
  async count(roomId: string, event: CountEvent): Promise<number> {
    const counts = eventCounts(event);
    let shared: number | null = null;
    if (this.adds !== null && this.shared?.ready) shared = await this.adds.ask([roomId, counts]);
    if (shared === null) this.memory.add(roomId, counts);
    return (shared ?? 0) + (this.memory.peek(roomId)?.likes ?? 0);
  }

  private async sharedAdd(asks: ReadonlyArray<readonly [string, RoomCounts]>): Promise<Array<number | null>> {
    try {
      return await (this.shared as RedisCounts).add(asks);
    } catch {
      return asks.map(() => null);
    }
  }

  /** What each room gathered that the database does not have yet (Redis's and this process's). */
  private async unflushed(roomIds: readonly string[]): Promise<Array<RoomCounts | undefined>> {
    let shared: RoomCounts[][] = [];
    if (this.shared?.ready && roomIds.length > 0) {
      shared = await this.shared.peek(roomIds).catch(() => []);
    }
    return roomIds.map((roomId, i) => {
      const parts = [...(shared[i] ?? []), this.memory.peek(roomId)].filter(
        (c): c is RoomCounts => c !== undefined && !isEmpty(c),
      );
      return parts.length === 0 ? undefined : parts.reduce(mergeCounts);
    });
  }

  /** The rooms as read from the database, with their live figures (what is not flushed yet laid over). */
  async live(rooms: readonly Room[]): Promise<Room[]> {
    const counts = await this.unflushed(rooms.map((r) => r.id));
    return rooms.map((room, i) => withCounts(room, counts[i]));
  }

  /** The stored per-minute series with the minutes not flushed yet, the newest `limit`. */
  async liveSeries(roomId: string, series: readonly ViewerMinute[], limit: number): Promise<ViewerMinute[]> {
    const [counts] = await this.unflushed([roomId]);
    return withMinutes(series, counts, limit, this.forgetBefore());
  }

  /** The series' minutes at or before this are dropped. */
  private forgetBefore(): number {
    return minuteOf(this.options.now()) - this.options.seriesMinutes * 60_000;
  }

  /** Writes one room's gathering: one statement (two more when viewer minutes came). */
  private async write(roomId: string, counts: RoomCounts): Promise<void> {
    await this.options.store.stats.add(roomId, counts, this.forgetBefore());
  }

  /**
   * One flush: this process's memory, then (holding the flusher's lock, taken or kept) every room waiting in
   * Redis. Flushes never overlap; a failed room's counts wait for the next flush.
   */
  flush(): Promise<void> {
    this.running = this.running.then(() => this.flushOnce());
    return this.running;
  }

  private async flushOnce(): Promise<void> {
    for (const [roomId, counts] of this.memory.take()) {
      try {
        await this.write(roomId, counts);
        this.memory.done(roomId);
      } catch (error) {
        this.memory.putBack(roomId);
        this.options.onError?.(error);
      }
    }
    const { shared } = this;
    if (shared === null || !shared.ready) return;
    try {
      if (!(await shared.lock(this.holder, Math.max(3 * this.intervalMs, 3000)))) return;
      for (const roomId of await shared.waitingRooms()) {
        const counts = await shared.take(roomId);
        if (isEmpty(counts)) continue;
        try {
          await this.write(roomId, counts);
        } catch (error) {
          await shared.putBack(roomId);
          throw error;
        }
        await shared.done(roomId);
      }
    } catch (error) {
      this.options.onError?.(error);
    }
  }

  /** Flushes every interval until stop(). */
  start(): void {
    if (this.timer !== null) return;
    this.timer = setInterval(() => void this.flush(), this.intervalMs);
    this.timer.unref();
  }

  /** Stops the interval and flushes what is left (a graceful stop loses nothing acknowledged); lets the lock go. */
  async stop(): Promise<void> {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    await this.flush();
    if (this.shared?.ready) await this.shared.unlock(this.holder).catch(() => undefined);
  }
}

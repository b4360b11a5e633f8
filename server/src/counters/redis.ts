/**
 * Counting in Redis (REDIS_URL): each room's gathering is one hash that every instance adds to atomically (a Lua
 * script per event, no read-modify-write race), listed in a set of rooms waiting for a flush. A flush renames the
 * hash aside (still readable) and deletes it once the database has it; one instance at a time flushes, holding a
 * lock that expires if it dies.
 */
import type Redis from 'ioredis';
import type { RoomCounts } from '../store/types';
import { noCounts } from './counts';

/**
 * Adds one gathering: KEYS pending, waiting, flushing; ARGV roomId, likes, messages, viewers ('' for none), peak,
 * minutes. Answers the room's likes not yet in the database (pending and being flushed).
 */
const ADD = `
if tonumber(ARGV[2]) ~= 0 then redis.call('HINCRBY', KEYS[1], 'likes', ARGV[2]) end
if tonumber(ARGV[3]) ~= 0 then redis.call('HINCRBY', KEYS[1], 'messages', ARGV[3]) end
if ARGV[4] ~= '' then redis.call('HSET', KEYS[1], 'viewers', ARGV[4]) end
local function most(field, value)
  local old = tonumber(redis.call('HGET', KEYS[1], field) or '-1')
  if tonumber(value) > old then redis.call('HSET', KEYS[1], field, value) end
end
if tonumber(ARGV[5]) > 0 then most('peak', ARGV[5]) end
for i = 6, #ARGV, 2 do most('m:' .. ARGV[i], ARGV[i + 1]) end
redis.call('SADD', KEYS[2], ARGV[1])
return tonumber(redis.call('HGET', KEYS[1], 'likes') or '0') + tonumber(redis.call('HGET', KEYS[3], 'likes') or '0')`;

/**
 * Takes a room's gathering for a flush: KEYS pending, flushing, waiting; ARGV roomId. A flushing hash still there
 * was left by a flusher that died before finishing: it is dropped (at most that one interval is lost, never counted
 * twice).
 */
const TAKE = `
redis.call('DEL', KEYS[2])
redis.call('SREM', KEYS[3], ARGV[1])
if redis.call('EXISTS', KEYS[1]) == 0 then return {} end
redis.call('RENAME', KEYS[1], KEYS[2])
return redis.call('HGETALL', KEYS[2])`;

/** The write failed: the flushing hash goes back into the pending one. KEYS pending, flushing, waiting; ARGV roomId. */
const PUT_BACK = `
local f = redis.call('HGETALL', KEYS[2])
for i = 1, #f, 2 do
  local field, value = f[i], tonumber(f[i + 1])
  if field == 'likes' or field == 'messages' then redis.call('HINCRBY', KEYS[1], field, value)
  elseif field == 'viewers' then redis.call('HSETNX', KEYS[1], field, value)
  else
    local old = tonumber(redis.call('HGET', KEYS[1], field) or '-1')
    if value > old then redis.call('HSET', KEYS[1], field, value) end
  end
end
redis.call('DEL', KEYS[2])
if #f > 0 then redis.call('SADD', KEYS[3], ARGV[1]) end
return 1`;

/** Takes or keeps the flusher's lock: KEYS lock; ARGV holder, ttl ms. 1 when this holder has it. */
const LOCK = `
local holder = redis.call('GET', KEYS[1])
if holder == false then return redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) and 1 or 0 end
if holder == ARGV[1] then redis.call('PEXPIRE', KEYS[1], ARGV[2]) return 1 end
return 0`;

/** Lets the lock go if this holder has it: KEYS lock; ARGV holder. */
const UNLOCK = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

/** A gathering as the hash stores it. */
export function toHash(c: RoomCounts): Array<string | number> {
  return [
    c.likes,
    c.messages,
    c.viewers === null ? '' : c.viewers,
    c.peakViewers,
    ...c.minutes.flatMap((m) => [m.at, m.viewers]),
  ];
}

/** A gathering from the hash's fields (HGETALL's flat list or object). */
export function fromHash(fields: Record<string, string> | string[]): RoomCounts {
  const entries = Array.isArray(fields)
    ? Array.from({ length: fields.length / 2 }, (_, i) => [fields[2 * i], fields[2 * i + 1]] as const)
    : Object.entries(fields);
  const counts = noCounts();
  for (const [field, text] of entries) {
    const value = Number(text);
    if (field === 'likes') counts.likes = value;
    else if (field === 'messages') counts.messages = value;
    else if (field === 'viewers') counts.viewers = value;
    else if (field === 'peak') counts.peakViewers = value;
    else if (field.startsWith('m:')) counts.minutes.push({ at: Number(field.slice(2)), viewers: value });
  }
  counts.minutes.sort((a, b) => a.at - b.at);
  return counts;
}

/** The counters' keys and scripts in one Redis, under the deployment's prefix. */
export class RedisCounts {
  private readonly waiting: string;
  private readonly lockKey: string;

  constructor(
    readonly client: Redis,
    private readonly prefix: string,
  ) {
    this.waiting = `${prefix}counts:waiting`;
    this.lockKey = `${prefix}counts:flusher`;
  }

  private readonly pending = (roomId: string): string => `${this.prefix}counts:${roomId}`;
  private readonly flushing = (roomId: string): string => `${this.prefix}counts:${roomId}:flushing`;

  /** Whether commands can be sent now (a command while it is away fails at once: no offline queue). */
  get ready(): boolean {
    return this.client.status === 'ready';
  }

  /** Adds gatherings in one round trip; for each, the room's likes not yet in the database, or null if not taken. */
  async add(asks: ReadonlyArray<readonly [string, RoomCounts]>): Promise<Array<number | null>> {
    const pipeline = this.client.pipeline();
    for (const [roomId, counts] of asks) {
      const keys = [this.pending(roomId), this.waiting, this.flushing(roomId)];
      pipeline.eval(ADD, 3, ...keys, roomId, ...toHash(counts));
    }
    const results = (await pipeline.exec()) ?? [];
    return asks.map((_, i) =>
      results[i] === undefined || results[i][0] !== null ? null : Number(results[i][1]),
    );
  }

  /** What the rooms gathered and the database does not have yet (being flushed, pending), in one round trip. */
  async peek(roomIds: readonly string[]): Promise<Array<RoomCounts[]>> {
    const pipeline = this.client.pipeline();
    // Oldest first (being flushed, then pending): the newer viewers-now report wins when they are merged.
    for (const roomId of roomIds) pipeline.hgetall(this.flushing(roomId)).hgetall(this.pending(roomId));
    const results = (await pipeline.exec()) ?? [];
    return roomIds.map((_, i) =>
      [results[2 * i], results[2 * i + 1]].map(([error, fields]) => {
        if (error) throw error;
        return fromHash(fields as Record<string, string>);
      }),
    );
  }

  /** The rooms waiting for a flush. */
  waitingRooms(): Promise<string[]> {
    return this.client.smembers(this.waiting);
  }

  /** Takes a room's gathering for a flush (readable until done or putBack). */
  async take(roomId: string): Promise<RoomCounts> {
    const keys = [this.pending(roomId), this.flushing(roomId), this.waiting];
    return fromHash((await this.client.eval(TAKE, 3, ...keys, roomId)) as string[]);
  }

  /** The database has the room's taken gathering. */
  async done(roomId: string): Promise<void> {
    await this.client.del(this.flushing(roomId));
  }

  /** The write failed: the taken gathering waits for the next flush. */
  async putBack(roomId: string): Promise<void> {
    await this.client.eval(PUT_BACK, 3, this.pending(roomId), this.flushing(roomId), this.waiting, roomId);
  }

  /** Takes or keeps the flusher's lock for ttlMs; true when `holder` has it. */
  async lock(holder: string, ttlMs: number): Promise<boolean> {
    return (await this.client.eval(LOCK, 1, this.lockKey, holder, ttlMs)) === 1;
  }

  /** Lets the flusher's lock go (if `holder` has it). */
  async unlock(holder: string): Promise<void> {
    await this.client.eval(UNLOCK, 1, this.lockKey, holder);
  }
}

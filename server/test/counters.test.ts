/**
 * A hot room's counters (src/counters): likes from many viewers over two instances sharing one database (and one
 * Redis, or each counting in its own memory) are all counted, read live before any flush, written to the database
 * as at most one UPDATE of the room's row per flush interval whatever the rate, by one flusher at a time; Redis
 * going away falls back to counting in each process and /readyz says so, and it is used again once back.
 */
import type Redis from 'ioredis';
import { RoomCounters } from '../src/counters/index';
import { connectRedis, redisReady } from '../src/redis/client';
import type { Store } from '../src/store/types';
import { cuttableProxy } from './helpers/proxy';
import { countRoomWrites, type RoomWrites } from './helpers/room-writes';
import {
  devLiveRoom,
  devLogin,
  startServer,
  tempDbFile,
  testConfig,
  type TestServer,
} from './helpers/server';
import {
  describeWith,
  freshRedisPrefix,
  SHARED_ENGINES,
  TEST_REDIS_URL,
  type SharedDatabase,
} from './helpers/services';

/** The tests' flush interval (the service's is 1 s): short, so a test sees several flushes. */
const FLUSH_MS = 250;

const MODES = [
  { name: 'each instance counting in its memory', redis: false },
  { name: 'counting in Redis', redis: true },
];

/** Sends like batches from `workers` viewers at once (each closed loop) until `until()`; the acknowledged likes. */
async function likeUntil(
  servers: readonly TestServer[],
  roomId: string,
  tokens: readonly string[],
  until: () => boolean,
): Promise<{ acked: number; requests: number; refused: number }> {
  let acked = 0;
  let requests = 0;
  let refused = 0;
  await Promise.all(
    tokens.map(async (token, worker) => {
      for (let i = 0; !until(); i += 1) {
        const count = ((worker * 31 + i * 7) % 100) + 1;
        const server = servers[(worker + i) % servers.length];
        const answer = await server.request('POST', `/api/rooms/${roomId}/likes`, { token, body: { count } });
        requests += 1;
        if (answer.status === 200) acked += count;
        else refused += 1;
      }
    }),
  );
  return { acked, requests, refused };
}

/** A live room of a new anchor on `server`, and `viewers` signed-in viewers. */
async function liveRoom(server: TestServer, viewers: number): Promise<{ id: string; tokens: string[] }> {
  const { id } = await devLiveRoom(server, 'Hot room');
  const tokens: string[] = [];
  for (let i = 0; i < viewers; i += 1) tokens.push((await devLogin(server, `viewer${i}`)).token);
  return { id, tokens };
}

const likesRead = async (server: TestServer, id: string): Promise<number> =>
  (await server.request<{ stats: { likes: number } }>('GET', `/api/rooms/${id}/stats`)).body.stats.likes;

for (const engine of SHARED_ENGINES) {
  for (const mode of MODES) {
    const suite = `counters.test.ts (${engine.name}, Redis)`;
    const described =
      mode.redis && TEST_REDIS_URL === null ? describeWith({ redis: true }, suite) : engine.describe;
    described(`a hot room on ${engine.name}, ${mode.name}, two instances`, () => {
      let database: SharedDatabase;
      let a: TestServer;
      let b: TestServer;
      let writes: RoomWrites | null = null;

      beforeEach(async () => {
        database = await engine.database();
        const prefix = freshRedisPrefix();
        const start = async (): Promise<TestServer> =>
          startServer(testConfig(database.file, mode.redis ? { REDIS_URL: TEST_REDIS_URL ?? '' } : {}), {
            store: database.postgresUrl === null ? undefined : await database.open(),
            redisKeyPrefix: prefix,
            countersFlushMs: FLUSH_MS,
          });
        a = await start();
        b = await start();
      });

      afterEach(async () => {
        await writes?.close();
        writes = null;
        await Promise.all([a.close(), b.close()]);
        await database.cleanup();
      });

      test('every acknowledged like is counted: read live (on both instances at once with Redis), stored after the flush', async () => {
        const { id, tokens } = await liveRoom(a, 10);
        let sent = 0;
        const { acked, refused } = await likeUntil([a, b], id, tokens, () => (sent += 1) > 300);
        expect(refused).toBe(0);
        if (mode.redis) {
          // The live count, before any flush is awaited: the same on both instances.
          expect(await likesRead(a, id)).toBe(acked);
          expect(await likesRead(b, id)).toBe(acked);
        } else {
          // Each instance sees its own likes at once and the other's once flushed (at most an interval late).
          expect(await likesRead(a, id)).toBeLessThanOrEqual(acked);
        }
        await Promise.all([a.app.counters.flush(), b.app.counters.flush()]);
        // Whichever instance holds the flusher's lock wrote it all (each its own, without Redis).
        await Promise.all([a.app.counters.flush(), b.app.counters.flush()]);
        expect((await a.app.store.rooms.get(id))?.stats.likes).toBe(acked);
        expect(await likesRead(b, id)).toBe(acked);
      });

      test("the room's row is written at most once per flush interval (per instance without Redis), whatever the rate", async () => {
        const { id, tokens } = await liveRoom(a, 20);
        writes = await countRoomWrites(
          database.postgresUrl === null ? { sqlite: database.file } : { postgres: database.postgresUrl },
        );
        const before = await writes.count();
        const started = Date.now();
        const { acked, requests } = await likeUntil([a, b], id, tokens, () => Date.now() - started > 1500);
        await Promise.all([a.app.counters.flush(), b.app.counters.flush()]);
        const elapsed = Date.now() - started;
        const rowWrites = (await writes.count()) - before;
        const flushes = Math.ceil(elapsed / FLUSH_MS) + 1;
        console.info(
          `${engine.name}, ${mode.name}: ${requests} like requests in ${elapsed} ms, ${rowWrites} writes of the room's row`,
        );
        expect(requests).toBeGreaterThan(4 * flushes);
        expect(rowWrites).toBeGreaterThanOrEqual(1);
        expect(rowWrites).toBeLessThanOrEqual(mode.redis ? flushes : 2 * flushes);
        await Promise.all([a.app.counters.flush(), b.app.counters.flush()]);
        expect((await a.app.store.rooms.get(id))?.stats.likes).toBe(acked);
      });
    });
  }
}

describeWith({ redis: true }, 'counters.test.ts (Redis)')('the flusher across instances', () => {
  const clients: Redis[] = [];
  afterEach(() => {
    for (const client of clients.splice(0)) client.disconnect();
  });

  /** Counters over their own Redis connection, writing into a store that records which instance wrote. */
  async function instance(name: string, prefix: string, wrote: string[]): Promise<RoomCounters> {
    const redis = connectRedis(TEST_REDIS_URL ?? '');
    clients.push(redis);
    await redisReady(redis, 2000);
    const store = {
      stats: {
        add: async (roomId: string) => {
          wrote.push(`${name} ${roomId}`);
          return null;
        },
      },
    } as unknown as Store;
    return new RoomCounters({ store, redis, keyPrefix: prefix, now: Date.now, seriesMinutes: 720 });
  }

  test('one flusher at a time: the other takes over only once the first lets go', async () => {
    const prefix = freshRedisPrefix();
    const wrote: string[] = [];
    const x = await instance('x', prefix, wrote);
    const y = await instance('y', prefix, wrote);
    for (let round = 0; round < 5; round += 1) {
      await x.count('rA', { kind: 'likes', count: 1 });
      await y.count('rB', { kind: 'likes', count: 1 });
      await Promise.all([y.flush(), x.flush()]);
    }
    const writers = new Set(wrote.map((w) => w.split(' ')[0]));
    expect(writers.size).toBe(1);
    // Both rooms every round, each once: 10 writes, all by the holder.
    expect(wrote).toHaveLength(10);
    const [holder, other] = writers.has('x') ? [x, y] : [y, x];
    await holder.stop();
    wrote.length = 0;
    await holder.count('rA', { kind: 'likes', count: 1 });
    await other.flush();
    expect(wrote).toEqual([`${holder === x ? 'y' : 'x'} rA`]);
    await other.stop();
  });
});

describeWith({ redis: true }, 'counters.test.ts (Redis outage)')('Redis away and back', () => {
  test('counting goes on in the process (/readyz says so), Redis is used again once back; nothing is lost', async () => {
    const target = new URL(TEST_REDIS_URL ?? '');
    const proxy = await cuttableProxy(target.hostname, Number(target.port || 6379));
    const db = tempDbFile();
    const server = await startServer(testConfig(db.file, { REDIS_URL: `redis://127.0.0.1:${proxy.port}` }), {
      redisKeyPrefix: freshRedisPrefix(),
      countersFlushMs: FLUSH_MS,
    });
    try {
      const { id, tokens } = await liveRoom(server, 4);
      const ready = async (): Promise<{ status: number; body: Record<string, unknown> }> =>
        server.request('GET', '/readyz');
      expect((await ready()).body).toMatchObject({ redis: 'up', counters: 'redis' });
      let total = 0;
      const burst = async (): Promise<void> => {
        let sent = 0;
        const { acked, refused } = await likeUntil([server], id, tokens, () => (sent += 1) > 40);
        expect(refused).toBe(0);
        total += acked;
      };
      await burst();
      await server.app.counters.flush();

      proxy.down();
      const down = await ready();
      expect(down.status).toBe(503);
      expect(down.body).toMatchObject({ error: { code: 'NOT_READY' } });
      expect(JSON.stringify(down.body)).toContain('counters per process');
      await burst();
      expect(server.app.counters.mode).toBe('process');
      expect(await likesRead(server, id)).toBe(total);

      proxy.up();
      for (let i = 0; i < 100 && server.app.counters.mode !== 'redis'; i += 1) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect((await ready()).body).toMatchObject({ ok: true, redis: 'up', counters: 'redis' });
      await burst();
      expect(await likesRead(server, id)).toBe(total);
      await server.app.counters.flush();
      expect((await server.app.store.rooms.get(id))?.stats.likes).toBe(total);
    } finally {
      await server.close();
      await proxy.close();
      db.cleanup();
    }
  });
});

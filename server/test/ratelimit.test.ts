/**
 * Rate limits: every write route is limited; with REDIS_URL two instances count in the same Redis keys, so
 * the limit holds across them; Redis away means unlimited (not failing) requests and a /readyz that says so.
 */
import { devLogin, startServer, tempDbFile, testConfig, type TestServer } from './helpers/server';
import { describeWith, freshRedisPrefix, TEST_REDIS_URL } from './helpers/services';

interface RoomBody {
  id: string;
}

const tight = { max: 2, timeWindow: 60_000 };

describe('write routes are rate limited (in memory without Redis)', () => {
  let server: TestServer;
  const db = tempDbFile();
  beforeAll(async () => {
    server = await startServer(testConfig(db.file), { rateLimits: { write: tight } });
  });
  afterAll(async () => {
    await server.close();
    db.cleanup();
  });

  test('room creation, live, heartbeat, stats and end: the third request in a minute is 429', async () => {
    const { token } = await devLogin(server, 'limited-writer');
    const created: number[] = [];
    let id = '';
    for (let i = 0; i < 3; i += 1) {
      const answer = await server.request<{ room: RoomBody }>('POST', '/api/rooms', {
        token,
        body: { title: 'x' },
      });
      created.push(answer.status);
      if (answer.status === 200) id = answer.body.room.id;
    }
    expect(created).toEqual([200, 200, 429]);
    for (const [path, body] of [
      [`/api/rooms/${id}/live`, undefined],
      [`/api/rooms/${id}/heartbeat`, undefined],
      [`/api/rooms/${id}/stats`, { viewers: 1, likes: 1, messages: 1 }],
      [`/api/rooms/${id}/end`, undefined],
    ] as const) {
      const statuses: number[] = [];
      for (let i = 0; i < 3; i += 1)
        statuses.push((await server.request('POST', path, { token, body })).status);
      expect({ path, statuses }).toEqual({ path, statuses: [200, 200, 429] });
    }
    const limited = await server.request<{ error: { code: string } }>('POST', '/api/rooms', {
      token,
      body: { title: 'x' },
    });
    expect(limited.body.error.code).toBe('RATE_LIMITED');
  });

  test('/readyz without Redis: database up, redis off', async () => {
    const ready = await server.request('GET', '/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({ ok: true, database: 'up', redis: 'off', counters: 'process' });
  });
});

describe('Redis unreachable', () => {
  test('limited routes still answer (unlimited meanwhile); /readyz is 503 naming redis', async () => {
    const db = tempDbFile();
    // Port 1 on loopback: nothing listens there.
    const server = await startServer(testConfig(db.file, { REDIS_URL: 'redis://127.0.0.1:1' }), {
      rateLimits: { token: tight },
    });
    try {
      const { token } = await devLogin(server, 'no-redis');
      const created = await server.request<{ room: RoomBody }>('POST', '/api/rooms', {
        token,
        body: { title: 'x' },
      });
      const id = created.body.room.id;
      const statuses: number[] = [];
      for (let i = 0; i < 3; i += 1) {
        statuses.push(
          (await server.request('POST', `/api/rooms/${id}/token`, { token, body: { role: 'audience' } }))
            .status,
        );
      }
      expect(statuses).toEqual([200, 200, 200]);
      const ready = await server.request<{ error: { code: string; message: string } }>('GET', '/readyz');
      expect(ready.status).toBe(503);
      expect(ready.body.error).toEqual({
        code: 'NOT_READY',
        message: 'Not ready: database up, redis down, counters per process',
      });
    } finally {
      await server.close();
      db.cleanup();
    }
  });
});

describeWith({ redis: true }, 'ratelimit.test.ts (Redis)')('shared rate limits in Redis', () => {
  test('two instances count one limit: 2 tokens over both, then 429 on either', async () => {
    const db = tempDbFile();
    const prefix = freshRedisPrefix();
    const config = testConfig(db.file, { REDIS_URL: TEST_REDIS_URL ?? '' });
    const a = await startServer(config, { rateLimits: { token: tight }, redisKeyPrefix: prefix });
    const b = await startServer(config, { rateLimits: { token: tight }, redisKeyPrefix: prefix });
    try {
      const { token } = await devLogin(a, 'shared-limit');
      const created = await a.request<{ room: RoomBody }>('POST', '/api/rooms', {
        token,
        body: { title: 'x' },
      });
      const path = `/api/rooms/${created.body.room.id}/token`;
      const statuses: number[] = [];
      for (const server of [a, b, a, b]) {
        statuses.push((await server.request('POST', path, { token, body: { role: 'audience' } })).status);
      }
      expect(statuses).toEqual([200, 200, 429, 429]);
      expect((await b.request('GET', '/readyz')).body).toEqual({
        ok: true,
        database: 'up',
        redis: 'up',
        counters: 'redis',
      });
      // Another deployment (another prefix) on the same Redis has its own counts.
      const other = await startServer(config, {
        rateLimits: { token: tight },
        redisKeyPrefix: freshRedisPrefix(),
      });
      try {
        expect((await other.request('POST', path, { token, body: { role: 'audience' } })).status).toBe(200);
      } finally {
        await other.close();
      }
    } finally {
      await a.close();
      await b.close();
      db.cleanup();
    }
  });
});

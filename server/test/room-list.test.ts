import { ROOM_LIST_CACHE_MS } from '../src/features/rooms/list-cache';
import {
  CONSOLE_TOKEN,
  devLogin,
  startServer,
  tempDbFile,
  testConfig,
  type TestServer,
} from './helpers/server';

type Page = { rooms: Array<{ id: string; status: string; anchor: { nickname: string } | null }> };

describe('GET /api/rooms: served from memory for a short while, limited per client', () => {
  const T0 = Date.UTC(2026, 11, 1, 12, 0, 0);
  let t = T0;
  let server: TestServer;
  let cleanup: () => void;

  beforeAll(async () => {
    const db = tempDbFile();
    cleanup = db.cleanup;
    server = await startServer(testConfig(db.file, { TRUST_PROXY: '127.0.0.1' }), {
      now: () => t,
      rateLimits: { list: { max: 5, timeWindow: 60_000 } },
    });
  });
  afterAll(async () => {
    await server.close();
    cleanup();
  });

  const live = async (): Promise<Page> => {
    const answer = await server.request<Page>('GET', '/api/rooms?status=live', {
      headers: { 'x-forwarded-for': '203.0.113.50' },
    });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toBe('application/json; charset=utf-8');
    return answer.body;
  };

  test(`a room that goes live is listed within ${ROOM_LIST_CACHE_MS} ms, with its anchor`, async () => {
    const anchor = await devLogin(server, 'cached-anchor');
    const first = await server.request<{ room: { id: string } }>('POST', '/api/rooms', {
      token: anchor.token,
      body: { title: 'First' },
    });
    await server.request('POST', `/api/rooms/${first.body.room.id}/live`, { token: anchor.token });
    expect((await live()).rooms.map((r) => r.id)).toEqual([first.body.room.id]);

    t += 10;
    const second = await server.request<{ room: { id: string } }>('POST', '/api/rooms', {
      token: anchor.token,
      body: { title: 'Second' },
    });
    await server.request('POST', `/api/rooms/${second.body.room.id}/live`, { token: anchor.token });
    // Still the page read a moment ago...
    t += ROOM_LIST_CACHE_MS - 20;
    expect((await live()).rooms.map((r) => r.id)).toEqual([first.body.room.id]);
    // ...and the new room once the lifetime is over.
    t += 10;
    const page = await live();
    expect(page.rooms.map((r) => r.id)).toEqual([second.body.room.id, first.body.room.id]);
    expect(page.rooms.map((r) => r.anchor?.nickname)).toEqual(['cached-anchor', 'cached-anchor']);
    expect(page.rooms.map((r) => r.status)).toEqual(['live', 'live']);
  });

  test("the operator's console is never served the cache: a room it just created is listed at once", async () => {
    const before = await server.request<Page>('GET', '/api/rooms?status=idle');
    const created = await server.request<{ room: { id: string } }>('POST', '/api/rooms', {
      token: CONSOLE_TOKEN,
      body: { title: 'Console room' },
    });
    const console = await server.request<Page>('GET', '/api/rooms?status=idle', { token: CONSOLE_TOKEN });
    expect(console.body.rooms.map((r) => r.id)).toEqual([
      created.body.room.id,
      ...before.body.rooms.map((r) => r.id),
    ]);
    // An anonymous viewer still gets the page read a moment ago.
    const viewer = await server.request<Page>('GET', '/api/rooms?status=idle');
    expect(viewer.body.rooms.map((r) => r.id)).toEqual(before.body.rooms.map((r) => r.id));
  });

  test('one client is refused past its limit (429 in the error shape); another client still gets the list', async () => {
    // The first test used 3 of this client's 5.
    const statuses: number[] = [];
    for (let i = 0; i < 4; i += 1) {
      statuses.push(
        (await server.request('GET', '/api/rooms', { headers: { 'x-forwarded-for': '203.0.113.50' } }))
          .status,
      );
    }
    expect(statuses).toEqual([200, 200, 429, 429]);
    const refused = await server.request<{ error: { code: string } }>('GET', '/api/rooms', {
      headers: { 'x-forwarded-for': '203.0.113.50' },
    });
    expect(refused.body.error.code).toBe('RATE_LIMITED');
    const other = await server.request('GET', '/api/rooms', {
      headers: { 'x-forwarded-for': '203.0.113.51' },
    });
    expect(other.status).toBe(200);
  });
});

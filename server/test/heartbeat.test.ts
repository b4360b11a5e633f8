/**
 * Rooms that tell the truth: the anchor's heartbeat (or stats report) keeps a live room live; silence pauses it,
 * longer silence ends it, exactly once across instances. A fake clock drives the sweeper.
 */
import type { Store } from '../src/store/types';
import { devLogin, startServer, tempDbFile, testConfig, type TestServer } from './helpers/server';
import { SHARED_ENGINES } from './helpers/services';

interface RoomBody {
  id: string;
  status: string;
  endedAt: number | null;
}
interface ErrorBody {
  error: { code: string; message: string };
}

const T0 = Date.UTC(2026, 11, 1, 11, 0, 0);

describe('heartbeat sweeper (SQLite, fake clock)', () => {
  let server: TestServer;
  let now = T0;
  const db = tempDbFile();

  beforeAll(async () => {
    server = await startServer(testConfig(db.file), { now: () => now });
  });
  afterAll(async () => {
    await server.close();
    db.cleanup();
  });

  const liveRoom = async (token: string): Promise<string> => {
    const created = await server.request<{ room: RoomBody }>('POST', '/api/rooms', {
      token,
      body: { title: 'HB' },
    });
    await server.request('POST', `/api/rooms/${created.body.room.id}/live`, { token });
    return created.body.room.id;
  };
  const status = async (id: string): Promise<string> =>
    (await server.request<{ room: RoomBody }>('GET', `/api/rooms/${id}`)).body.room.status;

  test('silence pauses after 30 s, a heartbeat resumes, stats count as heartbeats, 10 min ends', async () => {
    const anchor = await devLogin(server, 'hb-anchor');
    const id = await liveRoom(anchor.token);

    now += 29_999;
    await server.app.sweeper.sweep();
    expect(await status(id)).toBe('live');
    now += 1;
    expect((await server.app.sweeper.sweep()).paused).toEqual([id]);
    expect(await status(id)).toBe('paused');

    const beat = await server.request<{ room: RoomBody }>('POST', `/api/rooms/${id}/heartbeat`, {
      token: anchor.token,
    });
    expect(beat.status).toBe(200);
    expect(beat.body.room.status).toBe('live');

    // A stats report is a heartbeat too: 29 s, stats, 29 s later the room is still live.
    now += 29_000;
    await server.request('POST', `/api/rooms/${id}/stats`, {
      token: anchor.token,
      body: { viewers: 3, likes: 0, messages: 0 },
    });
    now += 29_000;
    await server.app.sweeper.sweep();
    expect(await status(id)).toBe('live');

    now += 600_000;
    const swept = await server.app.sweeper.sweep();
    expect(swept.ended).toEqual([id]);
    const ended = await server.request<{ room: RoomBody }>('GET', `/api/rooms/${id}`);
    expect(ended.body.room).toMatchObject({ status: 'ended', endedAt: now });
    const late = await server.request<ErrorBody>('POST', `/api/rooms/${id}/heartbeat`, {
      token: anchor.token,
    });
    expect(late.status).toBe(409);
    expect(late.body.error.code).toBe('ROOM_ENDED');
  });

  test('an anchor pause is not undone by heartbeats; it still ends after 10 min of silence', async () => {
    const anchor = await devLogin(server, 'hb-pauser');
    const id = await liveRoom(anchor.token);
    await server.request('POST', `/api/rooms/${id}/pause`, { token: anchor.token });
    await server.request('POST', `/api/rooms/${id}/heartbeat`, { token: anchor.token });
    expect(await status(id)).toBe('paused');
    now += 600_000;
    await server.app.sweeper.sweep();
    expect(await status(id)).toBe('ended');
  });

  test('heartbeat: owner only (401/403), 404 unknown room', async () => {
    const anchor = await devLogin(server, 'hb-owner');
    const other = await devLogin(server, 'hb-other');
    const id = await liveRoom(anchor.token);
    expect((await server.request('POST', `/api/rooms/${id}/heartbeat`)).status).toBe(401);
    expect((await server.request('POST', `/api/rooms/${id}/heartbeat`, { token: other.token })).status).toBe(
      403,
    );
    expect(
      (await server.request('POST', '/api/rooms/rNoSuchRoom1/heartbeat', { token: anchor.token })).status,
    ).toBe(404);
    // A call's members send it too: test/call-heartbeat.test.ts.
  });

  test('the timer sweeps by itself (HEARTBEAT_SWEEP_MS)', async () => {
    const db2 = tempDbFile();
    let t = T0;
    const timed = await startServer(
      testConfig(db2.file, {
        HEARTBEAT_PAUSE_MS: '1000',
        HEARTBEAT_END_MS: '5000',
        HEARTBEAT_SWEEP_MS: '100',
      }),
      { now: () => t, sweepIntervalMs: 100 },
    );
    try {
      const { token } = await devLogin(timed, 'hb-timed');
      const created = await timed.request<{ room: RoomBody }>('POST', '/api/rooms', {
        token,
        body: { title: 'x' },
      });
      await timed.request('POST', `/api/rooms/${created.body.room.id}/live`, { token });
      t += 1000;
      await new Promise((resolve) => setTimeout(resolve, 400));
      const read = await timed.request<{ room: RoomBody }>('GET', `/api/rooms/${created.body.room.id}`);
      expect(read.body.room.status).toBe('paused');
    } finally {
      await timed.close();
      db2.cleanup();
    }
  });
});

/** Two instances on one database sweep at the same moment: each silent room is paused once and ended once. */
async function twoSweepers(open: () => Promise<Store>, config: ReturnType<typeof testConfig>): Promise<void> {
  let now = T0;
  const [a, b] = [
    await startServer(config, { now: () => now, store: await open() }),
    await startServer(config, { now: () => now, store: await open() }),
  ];
  try {
    const { token } = await devLogin(a, 'two-sweep');
    const ids: string[] = [];
    for (let i = 0; i < 5; i += 1) {
      const created = await a.request<{ room: RoomBody }>('POST', '/api/rooms', {
        token,
        body: { title: `r${i}` },
      });
      await b.request('POST', `/api/rooms/${created.body.room.id}/live`, { token });
      ids.push(created.body.room.id);
    }
    now += 30_000;
    const paused = await Promise.all([a.app.sweeper.sweep(), b.app.sweeper.sweep()]);
    expect(paused.flatMap((r) => r.paused).sort()).toEqual([...ids].sort());
    now += 600_000;
    const ended = await Promise.all([a.app.sweeper.sweep(), b.app.sweeper.sweep()]);
    expect(ended.flatMap((r) => r.ended).sort()).toEqual([...ids].sort());
    const read = await b.request<{ room: RoomBody }>('GET', `/api/rooms/${ids[0]}`);
    expect(read.body.room).toMatchObject({ status: 'ended', endedAt: now });
  } finally {
    await a.close();
    await b.close();
  }
}

for (const engine of SHARED_ENGINES) {
  engine.describe(`two instances sweeping one ${engine.name} database`, () => {
    test('no room is paused or ended twice', async () => {
      const db = await engine.database();
      try {
        await twoSweepers(db.open, testConfig(db.file));
      } finally {
        await db.cleanup();
      }
    });
  });
}

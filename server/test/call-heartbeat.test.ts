/**
 * Calls that tell the truth: each member's app sends POST /api/rooms/:id/heartbeat every 10 s while in the call;
 * a call none of whose members sent one for HEARTBEAT_PAUSE_MS (30 s) is ended, exactly once across instances.
 * A fake clock drives the sweeper.
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

const T0 = Date.UTC(2026, 11, 1, 13, 0, 0);

/** Alice calls, Bob joins (his call token makes him the second member): the call is live. */
async function startCall(on: TestServer, joinOn: TestServer, alice: string, bob: string): Promise<string> {
  const created = await on.request<{ room: RoomBody }>('POST', '/api/rooms', {
    token: alice,
    body: { title: 'Call', kind: 'call' },
  });
  const joined = await joinOn.request('POST', `/api/rooms/${created.body.room.id}/token`, {
    token: bob,
    body: { role: 'call' },
  });
  expect(joined.status).toBe(200);
  return created.body.room.id;
}

describe('call heartbeats (SQLite, fake clock)', () => {
  let server: TestServer;
  let now = T0;
  const db = tempDbFile();
  let alice: string;
  let bob: string;

  beforeAll(async () => {
    server = await startServer(testConfig(db.file), { now: () => now });
    alice = (await devLogin(server, 'call-alice')).token;
    bob = (await devLogin(server, 'call-bob')).token;
  });
  afterAll(async () => {
    await server.close();
    db.cleanup();
  });

  const beat = (id: string, token: string) =>
    server.request<{ room: RoomBody } & ErrorBody>('POST', `/api/rooms/${id}/heartbeat`, { token });
  const status = async (id: string): Promise<string> =>
    (await server.request<{ room: RoomBody }>('GET', `/api/rooms/${id}`)).body.room.status;

  test('members beating keep the call live; 30 s after the last beat of both, it is ended', async () => {
    const id = await startCall(server, server, alice, bob);
    const first = await beat(id, alice);
    expect(first.status).toBe(200);
    expect(first.body.room.status).toBe('live');
    await beat(id, bob);
    for (let i = 0; i < 6; i += 1) {
      now += 10_000;
      await beat(id, alice);
      await beat(id, bob);
      await server.app.sweeper.sweep();
    }
    expect(await status(id)).toBe('live');

    // Both phones go quiet.
    now += 29_999;
    expect((await server.app.sweeper.sweep()).ended).not.toContain(id);
    expect(await status(id)).toBe('live');
    now += 1;
    expect((await server.app.sweeper.sweep()).ended).toContain(id);
    const ended = await server.request<{ room: RoomBody }>('GET', `/api/rooms/${id}`);
    expect(ended.body.room).toMatchObject({ status: 'ended', endedAt: now });
    // A member that comes back learns the call is over.
    const late = await beat(id, bob);
    expect(late.status).toBe(409);
    expect(late.body.error.code).toBe('ROOM_ENDED');
  });

  test('one member still beating keeps the call, however long the other is silent', async () => {
    const id = await startCall(server, server, alice, bob);
    await beat(id, alice);
    for (let i = 0; i < 30; i += 1) {
      now += 10_000;
      await beat(id, bob);
      await server.app.sweeper.sweep();
    }
    expect(await status(id)).toBe('live');
  });

  test('a call whose app never sent a heartbeat (from before call heartbeats) is left to its hang-up', async () => {
    const id = await startCall(server, server, alice, bob);
    now += 3600_000;
    expect((await server.app.sweeper.sweep()).ended).not.toContain(id);
    expect(await status(id)).toBe('live');
    await server.request('POST', `/api/rooms/${id}/end`, { token: alice });
    expect(await status(id)).toBe('ended');
  });

  test('a waiting call (its creator alone) ends when its creator goes silent', async () => {
    const created = await server.request<{ room: RoomBody }>('POST', '/api/rooms', {
      token: alice,
      body: { title: 'Waiting', kind: 'call' },
    });
    const id = created.body.room.id;
    expect((await beat(id, alice)).body.room.status).toBe('idle');
    now += 30_000;
    expect((await server.app.sweeper.sweep()).ended).toContain(id);
    expect(await status(id)).toBe('ended');
  });

  test('only members may beat: 401 anonymous, 403 for someone else, and a live room still needs its anchor', async () => {
    const carol = await devLogin(server, 'call-carol');
    const id = await startCall(server, server, alice, bob);
    expect((await server.request('POST', `/api/rooms/${id}/heartbeat`)).status).toBe(401);
    const stranger = await beat(id, carol.token);
    expect(stranger.status).toBe(403);
    expect(stranger.body.error.code).toBe('FORBIDDEN');
    // A stranger's beat does not keep the call alive.
    await beat(id, alice);
    now += 20_000;
    await beat(id, carol.token);
    now += 10_000;
    expect((await server.app.sweeper.sweep()).ended).toContain(id);
  });
});

/** Two instances on one database: members beat on either; both sweep at the same moment; each call ends once. */
async function twoSweepers(open: () => Promise<Store>, config: ReturnType<typeof testConfig>): Promise<void> {
  let now = T0;
  const [a, b] = [
    await startServer(config, { now: () => now, store: await open() }),
    await startServer(config, { now: () => now, store: await open() }),
  ];
  try {
    const alice = (await devLogin(a, 'two-alice')).token;
    const bob = (await devLogin(b, 'two-bob')).token;
    const ids: string[] = [];
    for (let i = 0; i < 5; i += 1) {
      const id = await startCall(a, b, alice, bob);
      await a.request('POST', `/api/rooms/${id}/heartbeat`, { token: alice });
      await b.request('POST', `/api/rooms/${id}/heartbeat`, { token: bob });
      ids.push(id);
    }
    // One call keeps a member beating on the other instance.
    const kept = await startCall(b, a, alice, bob);
    now += 20_000;
    await b.request('POST', `/api/rooms/${kept}/heartbeat`, { token: alice });
    now += 10_000;
    const swept = await Promise.all([a.app.sweeper.sweep(), b.app.sweeper.sweep()]);
    expect(swept.flatMap((r) => r.ended).sort()).toEqual([...ids].sort());
    const read = await b.request<{ room: RoomBody }>('GET', `/api/rooms/${ids[0]}`);
    expect(read.body.room).toMatchObject({ status: 'ended', endedAt: now });
    expect((await a.request<{ room: RoomBody }>('GET', `/api/rooms/${kept}`)).body.room.status).toBe('live');
  } finally {
    await a.close();
    await b.close();
  }
}

for (const engine of SHARED_ENGINES) {
  engine.describe(`two instances sweeping calls in one ${engine.name} database`, () => {
    test('no call is ended twice; a call with a member beating on the other instance stays', async () => {
      const db = await engine.database();
      try {
        await twoSweepers(db.open, testConfig(db.file));
      } finally {
        await db.cleanup();
      }
    });
  });
}

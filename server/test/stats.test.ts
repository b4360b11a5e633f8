/**
 * Figures from the service (GET /api/rooms/:id/stats) and the anchor's viewer list (GET /api/rooms/:id/viewers),
 * on each engine with a fake clock: viewers now and at peak, the per-minute series (for the anchor and the operator
 * only), the time live without the pauses (the anchor's and the sweeper's), viewers recorded from their tokens.
 */
import {
  CONSOLE_TOKEN,
  devLogin,
  startServer,
  tempDbFile,
  testConfig,
  type TestServer,
} from './helpers/server';
import { burst } from './helpers/burst';
import { ENGINES } from './helpers/services';
import { RecentViewers } from '../src/features/stats/service';

interface StatsBody {
  stats: {
    roomId: string;
    status: string;
    viewers: number;
    peakViewers: number;
    likes: number;
    messages: number;
    durationMs: number;
    startedAt: number | null;
    endedAt: number | null;
    series?: { at: number; viewers: number }[];
  };
}
interface ViewersBody {
  viewers: { userId: string; nickname: string; avatarUrl: string | null; joinedAt: number }[];
  limit: number;
}
interface ErrorBody {
  error: { code: string; message: string };
}

/** On a minute boundary, so the series' buckets are easy to name. */
const T0 = Date.UTC(2026, 11, 1, 12, 0, 0);
const MINUTE = 60_000;

for (const engine of ENGINES)
  engine.describe(`room figures and viewers on ${engine.name}`, () => {
    let server: TestServer;
    let now = T0;
    let db: ReturnType<typeof tempDbFile> = { file: '', cleanup: () => undefined };
    let cleanup: () => Promise<void> = async () => undefined;

    beforeAll(async () => {
      db = tempDbFile();
      const opened = await engine.open();
      cleanup = opened.cleanup;
      server = await startServer(testConfig(db.file), { now: () => now, store: opened.store });
    });
    afterAll(async () => {
      await server?.close();
      await cleanup();
      db.cleanup();
    });

    let seq = 0;
    /** A signed-in anchor with a room of its own (idle). */
    const anchorWithRoom = async (): Promise<{ token: string; userId: string; id: string }> => {
      const anchor = await devLogin(server, `anchor-${engine.name}-${(seq += 1)}`);
      const created = await server.request<{ room: { id: string } }>('POST', '/api/rooms', {
        token: anchor.token,
        body: { title: 'Figures' },
      });
      return { ...anchor, id: created.body.room.id };
    };
    const post = (token: string, path: string, body?: unknown) =>
      server.request<Record<string, unknown>>('POST', path, { token, body });
    const report = (token: string, id: string, viewers: number) =>
      post(token, `/api/rooms/${id}/stats`, { viewers, likes: 0, messages: 0 });
    const stats = async (id: string, token?: string): Promise<StatsBody['stats']> => {
      const answer = await server.request<StatsBody>('GET', `/api/rooms/${id}/stats`, { token });
      expect(answer.status).toBe(200);
      return answer.body.stats;
    };

    test('viewers now and at peak differ; the series keeps the most of each minute, for the anchor and the operator only', async () => {
      now = T0;
      const anchor = await anchorWithRoom();
      await post(anchor.token, `/api/rooms/${anchor.id}/live`);
      now = T0 + 10_000;
      await report(anchor.token, anchor.id, 3);
      now = T0 + 40_000;
      await report(anchor.token, anchor.id, 8);
      now = T0 + MINUTE + 5_000;
      await report(anchor.token, anchor.id, 5);
      now = T0 + 3 * MINUTE;
      await report(anchor.token, anchor.id, 2);
      const viewer = await devLogin(server, `viewer-${engine.name}-peak`);
      expect((await post(viewer.token, `/api/rooms/${anchor.id}/likes`, { count: 7 })).status).toBe(200);

      const everyone = await stats(anchor.id);
      expect(everyone).toEqual({
        roomId: anchor.id,
        status: 'live',
        viewers: 2,
        peakViewers: 8,
        likes: 7,
        messages: 0,
        durationMs: 3 * MINUTE,
        startedAt: T0,
        endedAt: null,
      });
      // Another signed-in user sees the public figures only, as everyone does.
      expect(await stats(anchor.id, viewer.token)).toEqual(everyone);
      const series = [
        { at: T0, viewers: 8 },
        { at: T0 + MINUTE, viewers: 5 },
        { at: T0 + 3 * MINUTE, viewers: 2 },
      ];
      expect((await stats(anchor.id, anchor.token)).series).toEqual(series);
      expect((await stats(anchor.id, CONSOLE_TOKEN)).series).toEqual(series);
      // The room list shows now and peak apart too (the console's columns).
      const room = await server.request<{ room: { stats: { viewers: number; peakViewers: number } } }>(
        'GET',
        `/api/rooms/${anchor.id}`,
      );
      expect(room.body.room.stats).toMatchObject({ viewers: 2, peakViewers: 8 });
    });

    test('the series is bounded: the newest 720 minutes', async () => {
      now = T0;
      const anchor = await anchorWithRoom();
      await post(anchor.token, `/api/rooms/${anchor.id}/live`);
      // A report in minute 0, then one in minute 720: minute 0 falls out (720 minutes are kept).
      await report(anchor.token, anchor.id, 1);
      now = T0 + 719 * MINUTE;
      await report(anchor.token, anchor.id, 2);
      expect((await stats(anchor.id, anchor.token)).series?.map((m) => m.at)).toEqual([
        T0,
        T0 + 719 * MINUTE,
      ]);
      now = T0 + 720 * MINUTE;
      await report(anchor.token, anchor.id, 3);
      expect((await stats(anchor.id, anchor.token)).series).toEqual([
        { at: T0 + 719 * MINUTE, viewers: 2 },
        { at: T0 + 720 * MINUTE, viewers: 3 },
      ]);
    });

    test('the time live leaves out paused time, whether the anchor or the sweeper paused it', async () => {
      now = T0;
      const anchor = await anchorWithRoom();
      const { id, token } = anchor;
      // Idle time before the first live does not count.
      now = T0 + 5 * MINUTE;
      expect((await stats(id)).durationMs).toBe(0);
      await post(token, `/api/rooms/${id}/live`);
      now += 2 * MINUTE;
      expect((await stats(id)).durationMs).toBe(2 * MINUTE);
      // The anchor pauses for 3 minutes (the phone rang).
      await post(token, `/api/rooms/${id}/pause`);
      now += 3 * MINUTE;
      expect((await stats(id)).durationMs).toBe(2 * MINUTE);
      await post(token, `/api/rooms/${id}/live`);
      now += MINUTE;
      expect((await stats(id)).durationMs).toBe(3 * MINUTE);
      // Silence: the sweeper pauses the room 30 s after its last heartbeat; the paused minute does not count.
      now += 30_000;
      expect((await server.app.sweeper.sweep()).paused).toContain(id);
      expect((await stats(id)).status).toBe('paused');
      const pausedAt = 3 * MINUTE + 30_000;
      expect((await stats(id)).durationMs).toBe(pausedAt);
      now += MINUTE;
      expect((await stats(id)).durationMs).toBe(pausedAt);
      // Its heartbeat resumes it; then the anchor ends it, and the figure stays.
      expect((await post(token, `/api/rooms/${id}/heartbeat`)).status).toBe(200);
      now += 2 * MINUTE;
      await post(token, `/api/rooms/${id}/end`);
      const ended = await stats(id);
      expect(ended).toMatchObject({ status: 'ended', viewers: 0, durationMs: pausedAt + 2 * MINUTE });
      now += 10 * MINUTE;
      expect((await stats(id)).durationMs).toBe(pausedAt + 2 * MINUTE);
    });

    test('a room the sweeper ends stops counting when it ends', async () => {
      now = T0;
      const { id, token } = await anchorWithRoom();
      await post(token, `/api/rooms/${id}/live`);
      // 30 s of silence pauses it; 10 minutes end it: only the 30 s live count.
      now += 30_000;
      await server.app.sweeper.sweep();
      now = T0 + 10 * MINUTE;
      expect((await server.app.sweeper.sweep()).ended).toContain(id);
      expect(await stats(id)).toMatchObject({ status: 'ended', durationMs: 30_000, endedAt: now });
    });

    test('stats of an unknown room are 404', async () => {
      const answer = await server.request<ErrorBody>('GET', '/api/rooms/rNoSuchRoom/stats');
      expect(answer.status).toBe(404);
      expect(answer.body.error.code).toBe('NOT_FOUND');
    });

    test('viewers: recorded from their tokens, the newest first, for the anchor and the operator only', async () => {
      now = T0;
      const anchor = await anchorWithRoom();
      await post(anchor.token, `/api/rooms/${anchor.id}/live`);
      // The anchor's own token is not a viewer's.
      expect((await post(anchor.token, `/api/rooms/${anchor.id}/token`, { role: 'anchor' })).status).toBe(
        200,
      );
      const names = ['小明', '小红', '小刚'];
      const viewers = [];
      for (const name of names) {
        const viewer = await devLogin(server, `${name}-${engine.name}`);
        now += 1000;
        expect((await post(viewer.token, `/api/rooms/${anchor.id}/token`, { role: 'audience' })).status).toBe(
          200,
        );
        viewers.push(viewer);
      }
      const list = async (token: string) =>
        server.request<ViewersBody & ErrorBody>('GET', `/api/rooms/${anchor.id}/viewers`, { token });
      const ids = async () => (await list(anchor.token)).body.viewers.map((v) => v.userId);
      expect((await list(anchor.token)).body).toEqual({
        limit: 100,
        viewers: [...viewers].reverse().map((v, i) => ({
          userId: v.userId,
          nickname: `${[...names].reverse()[i]}-${engine.name}`,
          avatarUrl: null,
          joinedAt: now - i * 1000,
        })),
      });
      expect((await list(CONSOLE_TOKEN)).status).toBe(200);

      // 小明 renews his token within the minute: nothing moves. Two minutes later he is back: the newest.
      now += 30_000;
      await post(viewers[0].token, `/api/rooms/${anchor.id}/token`, { role: 'audience' });
      expect(await ids()).toEqual([viewers[2].userId, viewers[1].userId, viewers[0].userId]);
      now += 2 * MINUTE;
      await post(viewers[0].token, `/api/rooms/${anchor.id}/token`, { role: 'audience' });
      expect(await ids()).toEqual([viewers[0].userId, viewers[2].userId, viewers[1].userId]);

      // A viewer may not see the list; nobody signed in neither.
      const refused = await list(viewers[1].token);
      expect(refused.status).toBe(403);
      expect(refused.body.error.code).toBe('FORBIDDEN');
      const anonymous = await server.request<ErrorBody>('GET', `/api/rooms/${anchor.id}/viewers`);
      expect(anonymous.status).toBe(401);
    });

    test('the viewer list is capped at 100, the newest kept', async () => {
      now = T0;
      const anchor = await anchorWithRoom();
      const made: string[] = [];
      for (let i = 0; i < 102; i += 1) {
        const viewer = await devLogin(server, `cap-${engine.name}-${i}`);
        now += 1000;
        await post(viewer.token, `/api/rooms/${anchor.id}/token`, { role: 'audience' });
        made.push(viewer.userId);
      }
      const answer = await server.request<ViewersBody>('GET', `/api/rooms/${anchor.id}/viewers`, {
        token: anchor.token,
      });
      expect(answer.body.viewers).toHaveLength(100);
      expect(answer.body.viewers.map((v) => v.userId)).toEqual(made.slice(2).reverse());
    });

    test('a flash crowd of viewers is recorded in a statement per batch of joins, not one per viewer', async () => {
      now = T0;
      const anchor = await anchorWithRoom();
      await post(anchor.token, `/api/rooms/${anchor.id}/live`);
      const crowd = [];
      for (let i = 0; i < 60; i += 1) crowd.push(await devLogin(server, `crowd-${engine.name}-${i}`));
      const { viewers } = server.app.store;
      const one = jest.spyOn(viewers, 'record');
      const many = jest.spyOn(viewers, 'recordMany');
      try {
        // Sent in one moment over connections already open, as a crowd's would reach a busy server.
        const answers = await burst(
          server.url,
          crowd.map((v) => ({
            path: `/api/rooms/${anchor.id}/token`,
            token: v.token,
            body: { role: 'audience' },
          })),
        );
        expect(answers.map((a) => a.status)).toEqual(crowd.map(() => 200));
        expect(one).not.toHaveBeenCalled();
        const batches = many.mock.calls.map(([joins]) => joins.length);
        expect(batches.reduce((a, b) => a + b, 0)).toBe(60);
        // Joins that arrive together share a statement (per viewer it would be 60 batches of one).
        expect(batches.length).toBeLessThan(60);
        expect(Math.max(...batches)).toBeGreaterThan(1);
      } finally {
        one.mockRestore();
        many.mockRestore();
      }
      const answer = await server.request<ViewersBody>('GET', `/api/rooms/${anchor.id}/viewers`, {
        token: anchor.token,
      });
      expect(answer.body.viewers.map((v) => v.userId).sort()).toEqual(crowd.map((v) => v.userId).sort());
    });
  });

describe('the instance’s memory of recorded viewers', () => {
  test('a viewer recorded within the quiet time is skipped; later, or forgotten, it is written again', () => {
    const recent = new RecentViewers();
    expect(recent.recordedSince('r1', 'u1', T0, T0 - MINUTE)).toBe(false);
    expect(recent.recordedSince('r1', 'u1', T0 + 30_000, T0 + 30_000 - MINUTE)).toBe(true);
    // another room is another record
    expect(recent.recordedSince('r2', 'u1', T0 + 30_000, T0 + 30_000 - MINUTE)).toBe(false);
    expect(recent.recordedSince('r1', 'u1', T0 + 2 * MINUTE, T0 + MINUTE)).toBe(false);
    recent.forget('r1', 'u1');
    expect(recent.recordedSince('r1', 'u1', T0 + 2 * MINUTE + 1, T0 + MINUTE + 1)).toBe(false);
  });

  test('bounded: past its size the oldest viewer is forgotten first', () => {
    const recent = new RecentViewers(3);
    for (const user of ['a', 'b', 'c', 'd']) recent.recordedSince('r', user, T0, T0 - MINUTE);
    expect(recent.recordedSince('r', 'd', T0 + 1, T0 - MINUTE)).toBe(true);
    expect(recent.recordedSince('r', 'a', T0 + 1, T0 - MINUTE)).toBe(false);
  });
});

/**
 * Co-hosting (连麦): the service decides who may publish. Every route's rights, the request lifecycle with a fake
 * clock, the limit under concurrency, tokens decrypted, and what ZEGO's server API (a loopback fake that checks
 * signatures) receives: custom commands, ForbidRTCStream/ResumeRTCStream, StartMix layouts and StopMix.
 */
import { decodeToken04 } from './helpers/token04';
import { zegoCallbackSignature } from '../src/features/zego-callback/routes';
import {
  CALLBACK_SECRET,
  CONSOLE_TOKEN,
  devLogin,
  LogCapture,
  startServer,
  tempDbFile,
  testConfig,
  ZEGO_APP_ID,
  ZEGO_SECRET,
  type TestServer,
} from './helpers/server';
import { describeWith, ENGINES, freshPostgresDatabase } from './helpers/services';
import { openPostgresStore } from '../src/store/postgres';
import { openSqliteStore } from '../src/store/sqlite';
import type { Store } from '../src/store/types';
import {
  startFakeZegoServerApi,
  type FakeZegoServerApi,
  type ZegoCall,
} from './helpers/zego-server-api-fake';
import { MIX_HEIGHT, MIX_WIDTH, mixLayout } from '../src/features/cohosts/service';

interface CohostsBody {
  limit: number;
  cohosts: { userId: string; nickname: string; avatarUrl: string | null; streamId: string; since: number }[];
  requests: {
    userId: string;
    nickname: string;
    avatarUrl: string | null;
    requestedAt: number;
    expiresAt: number;
  }[];
  mine: 'none' | 'pending' | 'cohost';
  mixStreamId: string | null;
}
interface WriteBody {
  cohosts: CohostsBody;
  signalled: boolean;
}
interface ErrorBody {
  error: { code: string; message: string };
}
interface TokenBody {
  token: string;
  userID: string;
  roomID: string;
  streamID?: string;
}
interface User {
  token: string;
  userId: string;
}

const T0 = Date.UTC(2026, 11, 1, 12, 0, 0);
const TTL = 30_000;

/** The JSON content of a custom command the fake received. */
const command = (call: ZegoCall): unknown => JSON.parse(call.query.get('MessageContent') ?? 'null');
/** The calls about one room (other suites' rooms share the fake). */
const about = (calls: ZegoCall[], roomId: string): ZegoCall[] =>
  calls.filter(
    (c) =>
      c.query.get('RoomId') === roomId ||
      c.query.get('StreamId')?.startsWith(`${roomId}_`) ||
      (c.body as { TaskId?: string } | undefined)?.TaskId === `mix_${roomId}`,
  );

describe('mix layout', () => {
  test('the anchor fills the canvas; co-hosts are even-sized tiles in a right-hand column, inside, not overlapping', () => {
    for (let n = 1; n <= 8; n += 1) {
      const streams = Array.from({ length: n }, (_, i) => `r_co_u${i}`);
      const [anchor, ...tiles] = mixLayout('r_main', streams);
      expect(anchor).toEqual({
        StreamId: 'r_main',
        RectInfo: { Top: 0, Left: 0, Bottom: MIX_HEIGHT, Right: MIX_WIDTH },
      });
      expect(tiles.map((t) => t.StreamId)).toEqual(streams);
      tiles.forEach(({ RectInfo: r }, i) => {
        for (const v of Object.values(r)) expect(v % 2).toBe(0);
        expect(r.Left).toBeGreaterThan(MIX_WIDTH / 2);
        expect(r.Right).toBeLessThanOrEqual(MIX_WIDTH);
        expect(r.Bottom).toBeLessThanOrEqual(MIX_HEIGHT);
        expect(r.Bottom - r.Top).toBeGreaterThan(0);
        if (i > 0) expect(r.Top).toBeGreaterThan(tiles[i - 1].RectInfo.Bottom);
        expect(r.Right).toBe(tiles[0].RectInfo.Right);
      });
    }
  });
});

for (const engine of ENGINES)
  engine.describe(`co-hosting on ${engine.name}`, () => {
    let server: TestServer;
    let fake: FakeZegoServerApi;
    let now = T0;
    const log = new LogCapture();
    let db: ReturnType<typeof tempDbFile> = { file: '', cleanup: () => undefined };
    let cleanup: () => Promise<void> = async () => undefined;
    let counter = 0;

    beforeAll(async () => {
      db = tempDbFile();
      const opened = await engine.open();
      cleanup = opened.cleanup;
      fake = await startFakeZegoServerApi(ZEGO_APP_ID, ZEGO_SECRET);
      server = await startServer(
        testConfig(db.file, {
          ZEGO_SERVER_API: 'on',
          ZEGO_SERVER_API_URL: fake.url,
          COHOST_LIMIT: '3',
          COHOST_REQUEST_TTL_MS: String(TTL),
          COHOST_SILENCE_MS: '30000',
        }),
        {
          now: () => now,
          store: opened.store,
          logStream: log,
          logLevel: 'info',
          zegoServerApiTimeoutMs: 500,
        },
      );
    });
    afterAll(async () => {
      await server?.close();
      await fake?.close();
      await cleanup();
      db.cleanup();
    });
    beforeEach(() => {
      now += 1000;
      fake.reset();
    });

    const login = (name: string): Promise<User> => devLogin(server, `${name}-${(counter += 1)}`);
    /** A live room and its anchor. */
    const liveRoom = async (): Promise<{ id: string; anchor: User }> => {
      const anchor = await login('anchor');
      const created = await server.request<{ room: { id: string } }>('POST', '/api/rooms', {
        token: anchor.token,
        body: { title: '连麦' },
      });
      const id = created.body.room.id;
      expect((await server.request('POST', `/api/rooms/${id}/live`, { token: anchor.token })).status).toBe(
        200,
      );
      return { id, anchor };
    };
    const list = (id: string, token?: string): Promise<{ status: number; body: CohostsBody }> =>
      server.request<CohostsBody>('GET', `/api/rooms/${id}/cohosts`, { token });
    const ask = (id: string, token?: string) =>
      server.request<WriteBody>('POST', `/api/rooms/${id}/cohosts/requests`, { token });
    const accept = (id: string, userId: string, token?: string) =>
      server.request<WriteBody>('POST', `/api/rooms/${id}/cohosts/requests/${userId}/accept`, { token });
    const decline = (id: string, userId: string, token?: string) =>
      server.request<WriteBody>('POST', `/api/rooms/${id}/cohosts/requests/${userId}/decline`, { token });
    const end = (id: string, userId: string, token?: string) =>
      server.request<WriteBody>('DELETE', `/api/rooms/${id}/cohosts/${userId}`, { token });
    const cancel = (id: string, token?: string) =>
      server.request<WriteBody>('DELETE', `/api/rooms/${id}/cohosts/requests/me`, { token });
    const cohostToken = (id: string, token: string) =>
      server.request<TokenBody>('POST', `/api/rooms/${id}/token`, { token, body: { role: 'cohost' } });
    const code = (answer: { status: number; body: unknown }): [number, string | undefined] => [
      answer.status,
      (answer.body as ErrorBody).error?.code,
    ];
    /** A room with one accepted co-host and one pending requester. */
    const populated = async (): Promise<{
      id: string;
      anchor: User;
      cohost: User;
      viewer: User;
      stranger: User;
    }> => {
      const { id, anchor } = await liveRoom();
      const [cohost, viewer, stranger] = [
        await login('cohost'),
        await login('viewer'),
        await login('stranger'),
      ];
      expect((await ask(id, cohost.token)).status).toBe(200);
      expect((await accept(id, cohost.userId, anchor.token)).status).toBe(200);
      expect((await ask(id, viewer.token)).status).toBe(200);
      fake.reset();
      return { id, anchor, cohost, viewer, stranger };
    };

    test('the whole flow: request, accept (mix, command, token), heartbeat, removal (forbid, stop), re-accept (resume)', async () => {
      const { id, anchor } = await liveRoom();
      const viewer = await login('viewer');
      const requestedAt = now;

      const asked = await ask(id, viewer.token);
      expect(asked.status).toBe(200);
      expect(asked.body).toEqual({
        signalled: true,
        cohosts: {
          limit: 3,
          cohosts: [],
          requests: [
            {
              userId: viewer.userId,
              nickname: expect.any(String),
              avatarUrl: null,
              requestedAt,
              expiresAt: requestedAt + TTL,
            },
          ],
          mine: 'pending',
          mixStreamId: null,
        },
      });
      const [requested] = fake.of('SendCustomCommand');
      expect(requested.signatureOk).toBe(true);
      expect(requested.query.get('RoomId')).toBe(id);
      expect(requested.query.get('FromUserId')).toBe('live-service');
      expect(requested.query.getAll('ToUserId[]')).toEqual([anchor.userId]);
      expect(command(requested)).toEqual({ t: 'cohost', e: 'requested', u: viewer.userId });

      // Not accepted yet: no publish token.
      expect(code(await cohostToken(id, viewer.token))).toEqual([403, 'NOT_COHOST']);

      fake.reset();
      now += 1000;
      const acceptedAt = now;
      const accepted = await accept(id, viewer.userId, anchor.token);
      expect(accepted.status).toBe(200);
      expect(accepted.body.signalled).toBe(true);
      expect(accepted.body.cohosts).toMatchObject({
        cohosts: [{ userId: viewer.userId, streamId: `${id}_co_${viewer.userId}`, since: acceptedAt }],
        requests: [],
        mine: 'none',
        mixStreamId: `${id}_mix`,
      });
      expect(fake.calls.map((c) => c.action)).toEqual(['StartMix', 'SendCustomCommand']);
      const [mix] = fake.of('StartMix');
      expect(mix.signatureOk).toBe(true);
      expect(mix.body).toEqual({
        TaskId: `mix_${id}`,
        UserId: 'live-service',
        MixInput: mixLayout(`${id}_main`, [`${id}_co_${viewer.userId}`]),
        MixOutput: [
          {
            StreamId: `${id}_mix`,
            VideoBitrate: expect.any(Number),
            Fps: expect.any(Number),
            Width: 720,
            Height: 1280,
          },
        ],
      });
      const acceptedCommand = fake.of('SendCustomCommand')[0];
      expect(acceptedCommand.query.getAll('ToUserId[]')).toEqual([viewer.userId]);
      expect(command(acceptedCommand)).toEqual({ t: 'cohost', e: 'accepted', u: viewer.userId });
      expect((await list(id, viewer.token)).body.mine).toBe('cohost');

      // The co-host's token: publish, for its own co-host stream only.
      const token = await cohostToken(id, viewer.token);
      expect(token.status).toBe(200);
      expect(token.body).toMatchObject({
        userID: viewer.userId,
        roomID: id,
        streamID: `${id}_co_${viewer.userId}`,
      });
      const decoded = decodeToken04(token.body.token, ZEGO_SECRET);
      expect(decoded.user_id).toBe(viewer.userId);
      expect(JSON.parse(decoded.payload)).toEqual({
        room_id: id,
        privilege: { '1': 1, '2': 1 },
        stream_id_list: [`${id}_co_${viewer.userId}`],
      });
      // Its audience token is unchanged: login only.
      const audience = await server.request<TokenBody>('POST', `/api/rooms/${id}/token`, {
        token: viewer.token,
        body: { role: 'audience' },
      });
      expect(JSON.parse(decodeToken04(audience.body.token, ZEGO_SECRET).payload).privilege).toEqual({
        '1': 1,
        '2': 0,
      });

      // The co-host's heartbeat is accepted (and does not make it the anchor).
      const beat = await server.request('POST', `/api/rooms/${id}/heartbeat`, { token: viewer.token });
      expect(beat.status).toBe(200);

      // The anchor removes it: the stream is forbidden, the mix stops (no co-hosts left), everyone is told.
      fake.reset();
      const removed = await end(id, viewer.userId, anchor.token);
      expect(removed.status).toBe(200);
      expect(removed.body).toMatchObject({ signalled: true, cohosts: { cohosts: [], mixStreamId: null } });
      expect(fake.calls.map((c) => c.action)).toEqual(['ForbidRTCStream', 'StopMix', 'SendCustomCommand']);
      expect(fake.of('ForbidRTCStream')[0].query.get('StreamId')).toBe(`${id}_co_${viewer.userId}`);
      expect(fake.of('ForbidRTCStream')[0].query.get('Sequence')).toMatch(/^\d+$/);
      expect(fake.of('StopMix')[0].body).toEqual({ TaskId: `mix_${id}`, UserId: 'live-service' });
      const endedCommand = fake.of('SendCustomCommand')[0];
      expect(endedCommand.query.has('ToUserId[]')).toBe(false);
      expect(command(endedCommand)).toEqual({ t: 'cohost', e: 'ended', u: viewer.userId });
      // Removal revokes the right to a publish token.
      expect(code(await cohostToken(id, viewer.token))).toEqual([403, 'NOT_COHOST']);
      expect(
        code(await server.request('POST', `/api/rooms/${id}/heartbeat`, { token: viewer.token })),
      ).toEqual([403, 'FORBIDDEN']);

      // Asked and accepted again: its stream is resumed before the mix and the command.
      expect((await ask(id, viewer.token)).status).toBe(200);
      fake.reset();
      expect((await accept(id, viewer.userId, anchor.token)).status).toBe(200);
      expect(fake.calls.map((c) => c.action)).toEqual(['ResumeRTCStream', 'StartMix', 'SendCustomCommand']);
      expect(fake.of('ResumeRTCStream')[0].query.get('StreamId')).toBe(`${id}_co_${viewer.userId}`);
      expect(fake.calls.every((c) => c.signatureOk)).toBe(true);
      // Once resumed, a later accept does not resume again; the co-host ending itself forbids nothing.
      fake.reset();
      expect((await end(id, viewer.userId, viewer.token)).status).toBe(200);
      expect(fake.calls.map((c) => c.action)).toEqual(['StopMix', 'SendCustomCommand']);
      expect((await ask(id, viewer.token)).status).toBe(200);
      fake.reset();
      await accept(id, viewer.userId, anchor.token);
      expect(fake.calls.map((c) => c.action)).toEqual(['StartMix', 'SendCustomCommand']);
    });

    test('GET rights: requests in full for the anchor and the operator, own for a viewer, none for others', async () => {
      const { id, anchor, cohost, viewer, stranger } = await populated();
      const requests = (body: CohostsBody): string[] => body.requests.map((r) => r.userId);
      const forAnchor = (await list(id, anchor.token)).body;
      expect(forAnchor).toMatchObject({ mine: 'none', cohosts: [{ userId: cohost.userId }] });
      expect(requests(forAnchor)).toEqual([viewer.userId]);
      expect(requests((await list(id, CONSOLE_TOKEN)).body)).toEqual([viewer.userId]);
      const forViewer = (await list(id, viewer.token)).body;
      expect([forViewer.mine, requests(forViewer)]).toEqual(['pending', [viewer.userId]]);
      const forCohost = (await list(id, cohost.token)).body;
      expect([forCohost.mine, requests(forCohost)]).toEqual(['cohost', []]);
      const forStranger = (await list(id, stranger.token)).body;
      expect([forStranger.mine, requests(forStranger)]).toEqual(['none', []]);
      const anonymous = await list(id);
      expect(anonymous.status).toBe(200);
      expect([anonymous.body.mine, requests(anonymous.body), anonymous.body.cohosts.length]).toEqual([
        'none',
        [],
        1,
      ]);
      // Everyone sees the co-hosts.
      expect(anonymous.body.cohosts).toEqual(forAnchor.cohosts);
    });

    test('write rights: who may request, answer and end (401 anonymous, 403 the others)', async () => {
      const { id, anchor, cohost, viewer, stranger } = await populated();
      // Request: a signed-in user who is not the anchor.
      expect(code(await ask(id))).toEqual([401, 'UNAUTHORIZED']);
      expect(code(await ask(id, CONSOLE_TOKEN))).toEqual([403, 'FORBIDDEN']);
      expect(code(await ask(id, anchor.token))).toEqual([403, 'FORBIDDEN']);
      expect(code(await ask(id, cohost.token))).toEqual([409, 'ALREADY_COHOST']);
      expect(code(await cancel(id))).toEqual([401, 'UNAUTHORIZED']);
      // Accept and decline: the anchor or the operator.
      for (const answer of [accept, decline]) {
        expect(code(await answer(id, viewer.userId))).toEqual([401, 'UNAUTHORIZED']);
        for (const who of [viewer, cohost, stranger]) {
          expect(code(await answer(id, viewer.userId, who.token))).toEqual([403, 'FORBIDDEN']);
        }
      }
      expect(fake.calls).toEqual([]);
      // End: the anchor, the operator, or the co-host itself; not another viewer, not another co-host.
      const other = await login('other-cohost');
      await ask(id, other.token);
      expect((await accept(id, other.userId, CONSOLE_TOKEN)).status).toBe(200);
      expect(code(await end(id, cohost.userId))).toEqual([401, 'UNAUTHORIZED']);
      for (const who of [viewer, stranger, other]) {
        expect(code(await end(id, cohost.userId, who.token))).toEqual([403, 'FORBIDDEN']);
      }
      expect((await end(id, other.userId, CONSOLE_TOKEN)).status).toBe(200);
      expect((await end(id, cohost.userId, cohost.token)).status).toBe(200);
      // The operator declines the remaining request.
      const declined = await decline(id, viewer.userId, CONSOLE_TOKEN);
      expect(declined.status).toBe(200);
      expect(declined.body.cohosts).toMatchObject({ cohosts: [], requests: [] });
      expect(code(await end(id, cohost.userId, anchor.token))).toEqual([404, 'COHOST_NOT_FOUND']);
      // Ending again is idempotent for the co-host itself.
      const again = await end(id, cohost.userId, cohost.token);
      expect([again.status, again.body.signalled, again.body.cohosts.mine]).toEqual([200, false, 'none']);
    });

    test('decline tells the requester; cancel tells the anchor and is idempotent', async () => {
      const { id, anchor } = await liveRoom();
      const viewer = await login('viewer');
      await ask(id, viewer.token);
      fake.reset();
      const declined = await decline(id, viewer.userId, anchor.token);
      expect([declined.status, declined.body.signalled]).toEqual([200, true]);
      expect(command(fake.of('SendCustomCommand')[0])).toEqual({
        t: 'cohost',
        e: 'declined',
        u: viewer.userId,
      });
      expect(fake.of('SendCustomCommand')[0].query.getAll('ToUserId[]')).toEqual([viewer.userId]);
      expect(code(await accept(id, viewer.userId, anchor.token))).toEqual([404, 'REQUEST_NOT_FOUND']);
      expect(code(await decline(id, viewer.userId, anchor.token))).toEqual([404, 'REQUEST_NOT_FOUND']);

      await ask(id, viewer.token);
      fake.reset();
      const cancelled = await cancel(id, viewer.token);
      expect(cancelled.body).toMatchObject({ signalled: true, cohosts: { mine: 'none', requests: [] } });
      expect(fake.of('SendCustomCommand')[0].query.getAll('ToUserId[]')).toEqual([anchor.userId]);
      expect(command(fake.of('SendCustomCommand')[0])).toEqual({
        t: 'cohost',
        e: 'cancelled',
        u: viewer.userId,
      });
      fake.reset();
      const twice = await cancel(id, viewer.token);
      expect([twice.status, twice.body.signalled]).toEqual([200, false]);
      expect(fake.calls).toEqual([]);
      expect(code(await accept(id, viewer.userId, anchor.token))).toEqual([404, 'REQUEST_NOT_FOUND']);
      expect(code(await accept(id, 'uNobodyAtAll00', anchor.token))).toEqual([404, 'REQUEST_NOT_FOUND']);
    });

    test('a request lapses after COHOST_REQUEST_TTL_MS; a repeat request refreshes it', async () => {
      const { id, anchor } = await liveRoom();
      const viewer = await login('viewer');
      const first = now;
      await ask(id, viewer.token);
      now += TTL - 1000;
      const refreshed = await ask(id, viewer.token);
      expect(refreshed.body.cohosts.requests[0]).toMatchObject({ requestedAt: now, expiresAt: now + TTL });
      expect(now + TTL).toBeGreaterThan(first + TTL);
      now += TTL - 1;
      expect((await list(id, anchor.token)).body.requests).toHaveLength(1);
      now += 1;
      expect((await list(id, anchor.token)).body.requests).toEqual([]);
      expect((await list(id, viewer.token)).body.mine).toBe('none');
      expect(code(await accept(id, viewer.userId, anchor.token))).toEqual([404, 'REQUEST_NOT_FOUND']);
      expect(code(await decline(id, viewer.userId, anchor.token))).toEqual([404, 'REQUEST_NOT_FOUND']);
      // A lapsed request withdrawn tells nobody.
      fake.reset();
      expect((await cancel(id, viewer.token)).body.signalled).toBe(false);
      expect(fake.calls).toEqual([]);
    });

    test('at the limit a request is 409 COHOST_FULL; rooms not live, calls and unknown rooms are refused', async () => {
      const { id, anchor } = await liveRoom();
      const users = [await login('a'), await login('b'), await login('c'), await login('d')];
      for (const user of users) expect((await ask(id, user.token)).status).toBe(200);
      for (const user of users.slice(0, 3))
        expect((await accept(id, user.userId, anchor.token)).status).toBe(200);
      expect(code(await accept(id, users[3].userId, anchor.token))).toEqual([409, 'COHOST_FULL']);
      const late = await login('late');
      expect(code(await ask(id, late.token))).toEqual([409, 'COHOST_FULL']);
      // The mix has all three, in order of acceptance.
      const lastMix = fake.of('StartMix').pop()?.body as { MixInput: { StreamId: string }[] };
      expect(lastMix.MixInput.map((i) => i.StreamId)).toEqual([
        `${id}_main`,
        ...users.slice(0, 3).map((u) => `${id}_co_${u.userId}`),
      ]);
      expect((await list(id)).body.cohosts.map((c) => c.userId)).toEqual(
        users.slice(0, 3).map((u) => u.userId),
      );

      const idle = await server.request<{ room: { id: string } }>('POST', '/api/rooms', {
        token: anchor.token,
        body: { title: 'idle' },
      });
      expect(code(await ask(idle.body.room.id, late.token))).toEqual([409, 'ROOM_NOT_LIVE']);
      const call = await server.request<{ room: { id: string } }>('POST', '/api/rooms', {
        token: anchor.token,
        body: { title: 'call', kind: 'call' },
      });
      expect(code(await list(call.body.room.id))).toEqual([400, 'WRONG_KIND']);
      expect(code(await ask(call.body.room.id, late.token))).toEqual([400, 'WRONG_KIND']);
      expect(code(await list('rNoSuchRoom00'))).toEqual([404, 'NOT_FOUND']);
      expect(code(await ask('rNoSuchRoom00', late.token))).toEqual([404, 'NOT_FOUND']);
      const callToken = await server.request('POST', `/api/rooms/${call.body.room.id}/token`, {
        token: anchor.token,
        body: { role: 'cohost' },
      });
      expect(code(callToken)).toEqual([400, 'WRONG_ROLE']);
    });

    test('10 requesters accepted at the same moment with limit 3: exactly 3 win, 7 get 409 COHOST_FULL', async () => {
      const { id, anchor } = await liveRoom();
      const users = await Promise.all(Array.from({ length: 10 }, (_, i) => login(`racer${i}`)));
      for (const user of users) expect((await ask(id, user.token)).status).toBe(200);
      const answers = await Promise.all(
        users.map((u, i) => accept(id, u.userId, i % 2 === 0 ? anchor.token : CONSOLE_TOKEN)),
      );
      const winners = users.filter((_u, i) => answers[i].status === 200);
      expect(winners).toHaveLength(3);
      const losers = answers.filter((a) => a.status !== 200);
      expect(losers.map(code)).toEqual(Array.from({ length: 7 }, () => [409, 'COHOST_FULL']));
      const after = (await list(id, anchor.token)).body;
      expect(after.cohosts.map((c) => c.userId).sort()).toEqual(winners.map((w) => w.userId).sort());
      // Exactly the winners may publish.
      const tokens = await Promise.all(users.map((u) => cohostToken(id, u.token)));
      expect(tokens.filter((t) => t.status === 200)).toHaveLength(3);
      expect(tokens.filter((t) => t.status === 403)).toHaveLength(7);
    });

    test('the anchor ends the room: every co-host ends, requests drop, the mix stops, tokens are refused', async () => {
      const { id, anchor, cohost, viewer } = await populated();
      const ended = await server.request('POST', `/api/rooms/${id}/end`, { token: anchor.token });
      expect(ended.status).toBe(200);
      expect(fake.of('StopMix')).toHaveLength(1);
      expect(fake.of('SendCustomCommand').map(command)).toEqual([
        { t: 'cohost', e: 'ended', u: cohost.userId },
      ]);
      const after = (await list(id, anchor.token)).body;
      expect(after).toMatchObject({ cohosts: [], requests: [], mixStreamId: null });
      expect(code(await cohostToken(id, cohost.token))).toEqual([409, 'ROOM_ENDED']);
      expect(code(await accept(id, viewer.userId, anchor.token))).toEqual([409, 'ROOM_ENDED']);
      expect(code(await ask(id, viewer.token))).toEqual([409, 'ROOM_NOT_LIVE']);
      expect(
        code(await server.request('POST', `/api/rooms/${id}/heartbeat`, { token: cohost.token })),
      ).toEqual([409, 'ROOM_ENDED']);
    });

    test("ZEGO failing never fails the request: a failed mix is logged with ZEGO's code and mixStreamId stays null", async () => {
      const { id, anchor } = await liveRoom();
      const viewer = await login('viewer');
      fake.fail('SendCustomCommand', { status: 500 });
      const asked = await ask(id, viewer.token);
      expect([asked.status, asked.body.signalled]).toEqual([200, false]);

      fake.fail('SendCustomCommand', null);
      fake.fail('StartMix', { code: 110200157, message: 'mix not enabled' });
      log.lines.length = 0;
      const accepted = await accept(id, viewer.userId, anchor.token);
      expect(accepted.status).toBe(200);
      expect(accepted.body).toMatchObject({
        signalled: true,
        cohosts: { mixStreamId: null, cohosts: [{ userId: viewer.userId }] },
      });
      const warning = log.lines
        .map((l) => JSON.parse(l) as Record<string, unknown>)
        .find((l) => /StartMix failed/.test(String(l.msg)));
      expect(warning).toMatchObject({
        level: 40,
        room: id,
        action: 'StartMix',
        kind: 'zego',
        zegoCode: 110200157,
      });
      expect((await list(id)).body.mixStreamId).toBeNull();

      // A timeout on ForbidRTCStream: the removal stands (the co-host is gone, its token refused).
      fake.fail('StartMix', null);
      fake.fail('ForbidRTCStream', { hang: true });
      const removed = await end(id, viewer.userId, anchor.token);
      expect(removed.status).toBe(200);
      expect(removed.body.cohosts.cohosts).toEqual([]);
      expect(code(await cohostToken(id, viewer.token))).toEqual([403, 'NOT_COHOST']);
      const timedOut = log.lines
        .map((l) => JSON.parse(l) as Record<string, unknown>)
        .find((l) => /ForbidRTCStream failed/.test(String(l.msg)));
      expect(timedOut).toMatchObject({
        level: 40,
        action: 'ForbidRTCStream',
        kind: 'timeout',
        zegoCode: null,
      });
      // Nothing secret in the log.
      expect(log.text).not.toContain(ZEGO_SECRET);
      expect(log.text).not.toContain(CONSOLE_TOKEN);
      expect(log.text).not.toMatch(/Signature=/);
    });

    test("the anchor's stream closing (ZEGO's callback) or the sweeper ending the room ends co-hosting", async () => {
      const first = await populated();
      const timestamp = String(Math.floor(now / 1000));
      const closed = await server.request('POST', '/api/zego/callback/stream-close', {
        body: {
          event: 'stream_close',
          timestamp,
          nonce: '777',
          signature: zegoCallbackSignature(CALLBACK_SECRET, timestamp, '777'),
          room_id: first.id,
          stream_id: `${first.id}_main`,
        },
      });
      expect(closed.status).toBe(200);
      expect((await list(first.id, first.anchor.token)).body).toMatchObject({
        cohosts: [],
        requests: [],
        mixStreamId: null,
      });
      expect(about(fake.calls, first.id).map((c) => c.action)).toEqual(['StopMix', 'SendCustomCommand']);
      expect(code(await cohostToken(first.id, first.cohost.token))).toEqual([403, 'NOT_COHOST']);

      // The anchor goes silent for HEARTBEAT_END_MS: the sweeper ends the room, and its co-hosting with it.
      const second = await populated();
      now += 600_000;
      await server.app.sweeper.sweep();
      const room = await server.request<{ room: { status: string } }>('GET', `/api/rooms/${second.id}`);
      expect(room.body.room.status).toBe('ended');
      expect((await list(second.id, second.anchor.token)).body).toMatchObject({
        cohosts: [],
        requests: [],
        mixStreamId: null,
      });
      const calls = about(fake.calls, second.id);
      expect(calls.filter((c) => c.action === 'StopMix')).toHaveLength(1);
      expect(calls.filter((c) => c.action === 'SendCustomCommand').map(command)).toEqual([
        { t: 'cohost', e: 'ended', u: second.cohost.userId },
      ]);
    });

    test('the sweeper ends a co-host silent for COHOST_SILENCE_MS; its heartbeats keep it on', async () => {
      const { id, anchor, cohost } = await populated();
      now += 29_000;
      await server.request('POST', `/api/rooms/${id}/heartbeat`, { token: cohost.token });
      await server.request('POST', `/api/rooms/${id}/heartbeat`, { token: anchor.token });
      now += 29_000;
      await server.request('POST', `/api/rooms/${id}/heartbeat`, { token: anchor.token });
      await server.app.sweeper.sweep();
      expect((await list(id)).body.cohosts).toHaveLength(1);
      expect(about(fake.calls, id)).toEqual([]);
      now += 1000;
      await server.app.sweeper.sweep();
      expect((await list(id)).body.cohosts).toEqual([]);
      expect(about(fake.calls, id).map((c) => c.action)).toEqual([
        'ForbidRTCStream',
        'StopMix',
        'SendCustomCommand',
      ]);
      expect(code(await cohostToken(id, cohost.token))).toEqual([403, 'NOT_COHOST']);
      // The room itself is untouched.
      const room = await server.request<{ room: { status: string } }>('GET', `/api/rooms/${id}`);
      expect(room.body.room.status).toBe('live');
    });
  });

/** Two instances on one database sweep at the same moment: a silent co-host ends once (one command, one forbid). */
async function twoSweepers(open: () => Promise<Store>, dbFile: string): Promise<void> {
  const fake = await startFakeZegoServerApi(ZEGO_APP_ID, ZEGO_SECRET);
  let now = T0;
  const config = testConfig(dbFile, { ZEGO_SERVER_API: 'on', ZEGO_SERVER_API_URL: fake.url });
  const servers: TestServer[] = [];
  try {
    const a = await startServer(config, { now: () => now, store: await open() });
    servers.push(a);
    const b = await startServer(config, { now: () => now, store: await open() });
    servers.push(b);
    const anchor = await devLogin(a, 'sweep-anchor');
    const created = await a.request<{ room: { id: string } }>('POST', '/api/rooms', {
      token: anchor.token,
      body: { title: 'sweep' },
    });
    const id = created.body.room.id;
    await a.request('POST', `/api/rooms/${id}/live`, { token: anchor.token });
    const users = [await devLogin(a, 'sweep-1'), await devLogin(a, 'sweep-2')];
    const seat = async (): Promise<void> => {
      for (const u of users) {
        await b.request('POST', `/api/rooms/${id}/cohosts/requests`, { token: u.token });
        const ok = await a.request('POST', `/api/rooms/${id}/cohosts/requests/${u.userId}/accept`, {
          token: anchor.token,
        });
        expect(ok.status).toBe(200);
      }
      fake.reset();
      now += 30_000;
      await a.request('POST', `/api/rooms/${id}/heartbeat`, { token: anchor.token });
    };
    // The store: two concurrent conditional UPDATEs end each co-host once between them.
    await seat();
    const [ra, rb] = await Promise.all([
      a.app.live.store.cohosts.endSilent(now - 30_000),
      b.app.live.store.cohosts.endSilent(now - 30_000),
    ]);
    expect([...ra, ...rb].map((c) => c.userId).sort()).toEqual(users.map((u) => u.userId).sort());
    // The sweepers: ZEGO hears of each co-host's end once, and its stream is forbidden once.
    await seat();
    await Promise.all([a.app.sweeper.sweep(), b.app.sweeper.sweep()]);
    const ended = fake.of('SendCustomCommand').map(command) as { e: string; u: string }[];
    expect(ended.map((c) => `${c.e}:${c.u}`).sort()).toEqual(users.map((u) => `ended:${u.userId}`).sort());
    expect(
      fake
        .of('ForbidRTCStream')
        .map((c) => c.query.get('StreamId'))
        .sort(),
    ).toEqual(users.map((u) => `${id}_co_${u.userId}`).sort());
    expect((await b.request<CohostsBody>('GET', `/api/rooms/${id}/cohosts`)).body.cohosts).toEqual([]);
  } finally {
    for (const s of servers) await s.close();
    await fake.close();
  }
}

describe('co-host sweeping: two instances on one SQLite file', () => {
  test('a silent co-host ends exactly once', async () => {
    const db = tempDbFile();
    try {
      await twoSweepers(async () => openSqliteStore(db.file), db.file);
    } finally {
      db.cleanup();
    }
  });
});

describeWith({ postgres: true }, 'cohosts.test.ts (PostgreSQL)')(
  'co-host sweeping: two instances on one PostgreSQL',
  () => {
    test('a silent co-host ends exactly once', async () => {
      const pg = await freshPostgresDatabase();
      const db = tempDbFile();
      try {
        await twoSweepers(() => openPostgresStore(pg.url), db.file);
      } finally {
        await pg.drop();
        db.cleanup();
      }
    });
  },
);

describe('without ZEGO server API (ZEGO_SERVER_API=off)', () => {
  test('writes answer signalled: false and there is no mix', async () => {
    const db = tempDbFile();
    const fake = await startFakeZegoServerApi(ZEGO_APP_ID, ZEGO_SECRET);
    const server = await startServer(testConfig(db.file, { ZEGO_SERVER_API_URL: fake.url }));
    try {
      expect(server.app.live.zegoServerApi).toBeNull();
      const anchor = await devLogin(server, 'off-anchor');
      const viewer = await devLogin(server, 'off-viewer');
      const created = await server.request<{ room: { id: string } }>('POST', '/api/rooms', {
        token: anchor.token,
        body: { title: 'off' },
      });
      const id = created.body.room.id;
      await server.request('POST', `/api/rooms/${id}/live`, { token: anchor.token });
      const asked = await server.request<WriteBody>('POST', `/api/rooms/${id}/cohosts/requests`, {
        token: viewer.token,
      });
      expect(asked.body.signalled).toBe(false);
      const accepted = await server.request<WriteBody>(
        'POST',
        `/api/rooms/${id}/cohosts/requests/${viewer.userId}/accept`,
        {
          token: anchor.token,
        },
      );
      expect(accepted.body).toMatchObject({
        signalled: false,
        cohosts: { mixStreamId: null, cohosts: [{ userId: viewer.userId }] },
      });
      const removed = await server.request<WriteBody>('DELETE', `/api/rooms/${id}/cohosts/${viewer.userId}`, {
        token: anchor.token,
      });
      expect(removed.body.signalled).toBe(false);
      expect(fake.calls).toEqual([]);
    } finally {
      await server.close();
      await fake.close();
      db.cleanup();
    }
  });
});

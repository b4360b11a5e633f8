import { decodeToken04 } from './helpers/token04';
import {
  CALLBACK_SECRET,
  CONSOLE_TOKEN,
  devLogin,
  startServer,
  tempDbFile,
  testConfig,
  ZEGO_APP_ID,
  ZEGO_SECRET,
  type TestServer,
} from './helpers/server';
import { zegoCallbackSignature } from '../src/features/zego-callback/routes';
import { ENGINES } from './helpers/services';

interface UserBody {
  id: string;
  nickname: string;
  avatarUrl: string;
}
interface RoomBody {
  id: string;
  title: string;
  kind: 'live' | 'call';
  status: string;
  streamID: string;
  anchor: UserBody | null;
  members: UserBody[];
  startedAt: number | null;
  endedAt: number | null;
}
interface TokenBody {
  token: string;
  expiresAt: number;
  appID: number;
  userID: string;
  roomID: string;
  streamID?: string;
}
interface ErrorBody {
  error: { code: string; message: string };
}

const T0 = Date.UTC(2026, 11, 1, 9, 0, 0);
const STREAM_ID = /^[A-Za-z0-9_-]{1,256}$/;

for (const engine of ENGINES)
  engine.describe(`call rooms (1v1) on ${engine.name}`, () => {
    let server: TestServer;
    let now = T0;
    // Made in beforeAll, so a skipped suite leaves no temp folder behind.
    let db: ReturnType<typeof tempDbFile> = { file: '', cleanup: () => undefined };
    let cleanup: () => Promise<void> = async () => undefined;

    beforeAll(async () => {
      db = tempDbFile();
      const opened = await engine.open();
      cleanup = opened.cleanup;
      server = await startServer(testConfig(db.file, { TOKEN_TTL: '900' }), {
        now: () => now,
        store: opened.store,
      });
    });
    afterAll(async () => {
      await server?.close();
      await cleanup();
      db.cleanup();
    });
    beforeEach(() => {
      now += 1000;
    });

    const createCall = async (token: string, title = 'Call'): Promise<RoomBody> => {
      const answer = await server.request<{ room: RoomBody }>('POST', '/api/rooms', {
        token,
        body: { title, kind: 'call' },
      });
      expect(answer.status).toBe(200);
      return answer.body.room;
    };
    const callToken = (roomId: string, token: string): ReturnType<typeof server.request<TokenBody>> =>
      server.request<TokenBody>('POST', `/api/rooms/${roomId}/token`, { token, body: { role: 'call' } });
    const errorOf = async (
      answer: Promise<{ status: number; body: unknown }>,
    ): Promise<{ status: number; code: string; message: string }> => {
      const { status, body } = await answer;
      const { error } = body as ErrorBody;
      return { status, code: error?.code, message: error?.message };
    };

    test('the creator owns the call and is its first member; live rooms say kind live and no members', async () => {
      const alice = await devLogin(server, 'call-alice');
      const room = await createCall(alice.token, ' 视频通话 ');
      const aliceView = { id: alice.userId, nickname: 'call-alice', avatarUrl: '' };
      expect(room).toMatchObject({
        title: '视频通话',
        kind: 'call',
        status: 'idle',
        anchor: aliceView,
        members: [aliceView],
        streamID: `${room.id}_${alice.userId}`,
        startedAt: null,
      });
      const read = await server.request<{ room: RoomBody }>('GET', `/api/rooms/${room.id}`);
      expect(read.body.room).toEqual(room);

      const live = await server.request<{ room: RoomBody }>('POST', '/api/rooms', {
        token: alice.token,
        body: { title: 'Live', kind: 'live' },
      });
      expect(live.body.room).toMatchObject({ kind: 'live', members: [] });
      const bad = await errorOf(
        server.request('POST', '/api/rooms', { token: alice.token, body: { title: 'x', kind: 'group' } }),
      );
      expect(bad).toMatchObject({ status: 400, code: 'BAD_REQUEST', message: expect.stringMatching(/kind/) });
    });

    test('the operator cannot create a call room (400 naming why)', async () => {
      const answer = await errorOf(
        server.request('POST', '/api/rooms', { token: CONSOLE_TOKEN, body: { title: 'x', kind: 'call' } }),
      );
      expect(answer).toMatchObject({
        status: 400,
        code: 'BAD_REQUEST',
        message: expect.stringMatching(/call room needs a user session/),
      });
    });

    test('two members each publish only their own stream; the second join makes the call live', async () => {
      const alice = await devLogin(server, 'pair-alice');
      const bob = await devLogin(server, 'pair-bob');
      const room = await createCall(alice.token);
      const ctime = Math.floor(now / 1000);

      const a = await callToken(room.id, alice.token);
      expect(a.status).toBe(200);
      expect(a.body).toEqual({
        token: expect.stringMatching(/^04/),
        expiresAt: (ctime + 900) * 1000,
        appID: ZEGO_APP_ID,
        userID: alice.userId,
        roomID: room.id,
        streamID: `${room.id}_${alice.userId}`,
      });
      expect(a.body.streamID).toMatch(STREAM_ID);
      // Still waiting for the other side.
      expect(
        (await server.request<{ room: RoomBody }>('GET', `/api/rooms/${room.id}`)).body.room.status,
      ).toBe('idle');

      now += 2000;
      const joinedAt = now;
      const b = await callToken(room.id, bob.token);
      expect(b.status).toBe(200);
      expect(b.body.streamID).toBe(`${room.id}_${bob.userId}`);
      expect(b.body.streamID).toMatch(STREAM_ID);
      expect(b.body.streamID).not.toBe(a.body.streamID);

      for (const [answer, user] of [
        [a, alice],
        [b, bob],
      ] as const) {
        const decoded = decodeToken04(answer.body.token, ZEGO_SECRET);
        expect(decoded.app_id).toBe(ZEGO_APP_ID);
        expect(decoded.user_id).toBe(user.userId);
        expect(decoded.mode).toBe(1);
        expect(JSON.parse(decoded.payload)).toEqual({
          room_id: room.id,
          privilege: { '1': 1, '2': 1 },
          stream_id_list: [`${room.id}_${user.userId}`],
        });
      }

      const read = await server.request<{ room: RoomBody }>('GET', `/api/rooms/${room.id}`);
      expect(read.body.room).toMatchObject({
        status: 'live',
        startedAt: joinedAt,
        members: [
          { id: alice.userId, nickname: 'pair-alice', avatarUrl: '' },
          { id: bob.userId, nickname: 'pair-bob', avatarUrl: '' },
        ],
      });
    });

    test('a third user gets 409 CALL_FULL; members renew their tokens', async () => {
      const alice = await devLogin(server, 'full-alice');
      const bob = await devLogin(server, 'full-bob');
      const carol = await devLogin(server, 'full-carol');
      const room = await createCall(alice.token);
      expect((await callToken(room.id, bob.token)).status).toBe(200);
      const third = await errorOf(callToken(room.id, carol.token));
      expect(third).toEqual({ status: 409, code: 'CALL_FULL', message: 'This call already has two members' });

      now += 600_000;
      for (const user of [alice, bob]) {
        const renewed = await callToken(room.id, user.token);
        expect(renewed.status).toBe(200);
        expect(renewed.body.streamID).toBe(`${room.id}_${user.userId}`);
        const decoded = decodeToken04(renewed.body.token, ZEGO_SECRET);
        expect(decoded.ctime).toBe(Math.floor(now / 1000));
        expect(JSON.parse(decoded.payload).stream_id_list).toEqual([`${room.id}_${user.userId}`]);
      }
      const read = await server.request<{ room: RoomBody }>('GET', `/api/rooms/${room.id}`);
      expect(read.body.room.members.map((m) => m.id)).toEqual([alice.userId, bob.userId]);
      expect((await errorOf(callToken(room.id, carol.token))).code).toBe('CALL_FULL');
    });

    test('20 users racing for the two seats (the creator among them): exactly 2 succeed, 18 get CALL_FULL', async () => {
      const owner = await devLogin(server, 'race-owner');
      const room = await createCall(owner.token, 'Race');
      const others = await Promise.all(
        Array.from({ length: 19 }, (_, i) => devLogin(server, `call-racer${i}`)),
      );
      const racers = [owner, ...others];
      const answers = await Promise.all(racers.map((u) => callToken(room.id, u.token)));
      const winners = racers.filter((_u, i) => answers[i].status === 200);
      expect(winners).toHaveLength(2);
      const losers = answers.filter((a) => a.status !== 200);
      expect(losers).toHaveLength(18);
      for (const loser of losers) {
        expect(loser.status).toBe(409);
        expect((loser.body as unknown as ErrorBody).error.code).toBe('CALL_FULL');
      }
      // The creator's seat is never taken; the other seat went to exactly one racer.
      expect(winners[0].userId).toBe(owner.userId);
      const read = await server.request<{ room: RoomBody }>('GET', `/api/rooms/${room.id}`);
      expect(read.body.room.members.map((m) => m.id)).toEqual(winners.map((w) => w.userId));
      expect(read.body.room.status).toBe('live');
    });

    test('role mismatches are 400 WRONG_ROLE both ways', async () => {
      const alice = await devLogin(server, 'role-alice');
      const call = await createCall(alice.token);
      const live = (
        await server.request<{ room: RoomBody }>('POST', '/api/rooms', {
          token: alice.token,
          body: { title: 'L' },
        })
      ).body.room;
      for (const role of ['anchor', 'audience']) {
        const answer = await errorOf(
          server.request('POST', `/api/rooms/${call.id}/token`, { token: alice.token, body: { role } }),
        );
        expect(answer).toMatchObject({
          status: 400,
          code: 'WRONG_ROLE',
          message: expect.stringMatching(/"call"/),
        });
      }
      const onLive = await errorOf(callToken(live.id, alice.token));
      expect(onLive).toMatchObject({
        status: 400,
        code: 'WRONG_ROLE',
        message: expect.stringMatching(/live room/),
      });
      // The mismatch took no seat.
      const read = await server.request<{ room: RoomBody }>('GET', `/api/rooms/${live.id}`);
      expect(read.body.room.members).toEqual([]);
    });

    test('either member hangs up for good: the call ends, tokens answer 409 ROOM_ENDED; a non-member gets 403', async () => {
      const alice = await devLogin(server, 'end-alice');
      const bob = await devLogin(server, 'end-bob');
      const mallory = await devLogin(server, 'end-mallory');
      const room = await createCall(alice.token);
      expect((await callToken(room.id, bob.token)).status).toBe(200);

      const stranger = await errorOf(
        server.request('POST', `/api/rooms/${room.id}/end`, { token: mallory.token }),
      );
      expect(stranger).toMatchObject({
        status: 403,
        code: 'FORBIDDEN',
        message: expect.stringMatching(/member/),
      });
      expect((await server.request('POST', `/api/rooms/${room.id}/end`)).status).toBe(401);

      const endedAt = now;
      const ended = await server.request<{ room: RoomBody }>('POST', `/api/rooms/${room.id}/end`, {
        token: bob.token,
      });
      expect(ended.status).toBe(200);
      expect(ended.body.room).toMatchObject({ status: 'ended', endedAt });
      for (const user of [alice, bob, mallory]) {
        const answer = await errorOf(callToken(room.id, user.token));
        expect(answer).toMatchObject({ status: 409, code: 'ROOM_ENDED' });
      }
      // Ending again is idempotent for a member; the creator may hang up too.
      expect((await server.request('POST', `/api/rooms/${room.id}/end`, { token: alice.token })).status).toBe(
        200,
      );

      const other = await createCall(alice.token);
      const byCreator = await server.request<{ room: RoomBody }>('POST', `/api/rooms/${other.id}/end`, {
        token: alice.token,
      });
      expect(byCreator.body.room.status).toBe('ended');
      // Nobody can join an ended call.
      expect((await errorOf(callToken(other.id, bob.token))).code).toBe('ROOM_ENDED');

      const third = await createCall(alice.token);
      const byOperator = await server.request<{ room: RoomBody }>('POST', `/api/rooms/${third.id}/end`, {
        token: CONSOLE_TOKEN,
      });
      expect(byOperator.body.room.status).toBe('ended');
    });

    test('call rooms never appear in GET /api/rooms (unfiltered or by status)', async () => {
      const db2 = tempDbFile();
      const opened = await engine.open();
      const fresh = await startServer(testConfig(db2.file), { now: () => now, store: opened.store });
      try {
        const alice = await devLogin(fresh, 'list-alice');
        const bob = await devLogin(fresh, 'list-bob');
        const liveRoom = await fresh.request<{ room: RoomBody }>('POST', '/api/rooms', {
          token: alice.token,
          body: { title: 'Live' },
        });
        await fresh.request('POST', `/api/rooms/${liveRoom.body.room.id}/live`, { token: alice.token });
        const call = await fresh.request<{ room: RoomBody }>('POST', '/api/rooms', {
          token: alice.token,
          body: { title: 'Call', kind: 'call' },
        });
        const idleCall = await fresh.request<{ room: RoomBody }>('POST', '/api/rooms', {
          token: alice.token,
          body: { title: 'Idle call', kind: 'call' },
        });
        await fresh.request('POST', `/api/rooms/${call.body.room.id}/token`, {
          token: bob.token,
          body: { role: 'call' },
        });
        expect(
          (await fresh.request<{ room: RoomBody }>('GET', `/api/rooms/${call.body.room.id}`)).body.room
            .status,
        ).toBe('live');
        type Page = { rooms: RoomBody[]; nextCursor: string | null };
        const all = await fresh.request<Page>('GET', '/api/rooms');
        expect(all.body).toEqual({
          rooms: [expect.objectContaining({ id: liveRoom.body.room.id })],
          nextCursor: null,
        });
        const liveOnes = await fresh.request<Page>('GET', '/api/rooms?status=live');
        expect(liveOnes.body.rooms.map((r) => r.id)).toEqual([liveRoom.body.room.id]);
        expect((await fresh.request<Page>('GET', '/api/rooms?status=idle')).body.rooms).toEqual([]);
        await fresh.request('POST', `/api/rooms/${idleCall.body.room.id}/end`, { token: alice.token });
        expect((await fresh.request<Page>('GET', '/api/rooms?status=ended')).body.rooms).toEqual([]);
        const paged = await fresh.request<Page>('GET', '/api/rooms?limit=1');
        expect(paged.body.rooms.map((r) => r.kind)).toEqual(['live']);
      } finally {
        await fresh.close();
        await opened.cleanup();
        db2.cleanup();
      }
    });

    test('live-room actions on a call room are 400 WRONG_KIND', async () => {
      const alice = await devLogin(server, 'kind-alice');
      const room = await createCall(alice.token);
      const cases: [string, string, string, unknown?][] = [
        ['POST', `/api/rooms/${room.id}/live`, alice.token],
        ['POST', `/api/rooms/${room.id}/pause`, alice.token],
        ['POST', `/api/rooms/${room.id}/stats`, alice.token, { viewers: 1, likes: 0, messages: 0 }],
        ['POST', `/api/rooms/${room.id}/claim`, alice.token, { invite: 'ABCDEFGHIJ' }],
        ['POST', `/api/rooms/${room.id}/invite`, CONSOLE_TOKEN],
        ['GET', `/api/rooms/${room.id}/anchor-qrcode`, CONSOLE_TOKEN],
        ['GET', `/api/rooms/${room.id}/audience-qrcode`, alice.token],
        ['GET', `/api/rooms/${room.id}/share`, alice.token],
      ];
      for (const [method, path, token, body] of cases) {
        const answer = await errorOf(server.request(method, path, { token, body }));
        expect({ path, ...answer }).toEqual({
          path,
          status: 400,
          code: 'WRONG_KIND',
          message: expect.stringMatching(/call room/),
        });
      }
      const read = await server.request<{ room: RoomBody }>('GET', `/api/rooms/${room.id}`);
      expect(read.body.room.status).toBe('idle');
    });

    test("ZEGO stream callbacks do not move a call's status", async () => {
      const alice = await devLogin(server, 'cb-alice');
      const room = await createCall(alice.token);
      const timestamp = String(Math.floor(now / 1000));
      const nonce = '12345';
      const answer = await server.request<{ ok: boolean; roomID: string | null }>(
        'POST',
        '/api/zego/callback/stream-create',
        {
          body: {
            event: 'stream_create',
            timestamp,
            nonce,
            signature: zegoCallbackSignature(CALLBACK_SECRET, timestamp, nonce),
            room_id: room.id,
            stream_id: room.streamID,
          },
        },
      );
      expect(answer.body).toEqual({ ok: true, roomID: room.id });
      const read = await server.request<{ room: RoomBody }>('GET', `/api/rooms/${room.id}`);
      expect(read.body.room.status).toBe('idle');
    });
  });

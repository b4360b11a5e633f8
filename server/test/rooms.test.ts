import http from 'node:http';
import { decodeToken04 } from './helpers/token04';
import {
  CONSOLE_TOKEN,
  devLogin,
  startServer,
  tempDbFile,
  testConfig,
  ZEGO_APP_ID,
  ZEGO_SECRET,
  type TestServer,
} from './helpers/server';
import { ENGINES } from './helpers/services';

interface RoomBody {
  id: string;
  title: string;
  kind: 'live' | 'call';
  status: string;
  streamID: string;
  anchor: { id: string; nickname: string; avatarUrl: string } | null;
  members: { id: string; nickname: string; avatarUrl: string }[];
  createdAt: number;
  startedAt: number | null;
  endedAt: number | null;
  stats: { viewers: number; peakViewers: number; likes: number; messages: number };
}
interface Created {
  room: RoomBody;
  invite?: { code: string; expiresAt: number };
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

const T0 = Date.UTC(2026, 10, 22, 12, 0, 0);

for (const engine of ENGINES)
  engine.describe(`rooms on ${engine.name}`, () => {
    let server: TestServer;
    let now = T0;
    // Made in beforeAll, so a skipped suite leaves no temp folder behind.
    let db: ReturnType<typeof tempDbFile> = { file: '', cleanup: () => undefined };
    let cleanup: () => Promise<void> = async () => undefined;
    // The size of each batch of token reads the store was asked for.
    const tokenBatches: number[] = [];

    beforeAll(async () => {
      db = tempDbFile();
      const opened = await engine.open();
      cleanup = opened.cleanup;
      server = await startServer(testConfig(db.file, { TOKEN_TTL: '900' }), {
        now: () => now,
        store: opened.store,
      });
      const { rooms } = server.app.live.store;
      const read = rooms.getForSessions.bind(rooms);
      rooms.getForSessions = (asks) => {
        tokenBatches.push(asks.length);
        return read(asks);
      };
    });
    afterAll(async () => {
      await server?.close();
      await cleanup();
      db.cleanup();
    });
    beforeEach(() => {
      now += 1000;
    });

    const createAsUser = async (token: string, title = 'My live'): Promise<RoomBody> => {
      const answer = await server.request<Created>('POST', '/api/rooms', { token, body: { title } });
      expect(answer.status).toBe(200);
      return answer.body.room;
    };
    const createAsOperator = async (title = 'Operator room'): Promise<Created> => {
      const answer = await server.request<Created>('POST', '/api/rooms', {
        token: CONSOLE_TOKEN,
        body: { title },
      });
      expect(answer.status).toBe(200);
      return answer.body;
    };

    test('a user creates a room it owns; IDs are valid for ZEGO', async () => {
      const alice = await devLogin(server, 'alice');
      const answer = await server.request<Created>('POST', '/api/rooms', {
        token: alice.token,
        body: { title: ' 晚间直播 ' },
      });
      expect(answer.status).toBe(200);
      expect(answer.body.invite).toBeUndefined();
      const room = answer.body.room;
      expect(room).toEqual({
        id: expect.stringMatching(/^[A-Za-z0-9_]{1,128}$/),
        title: '晚间直播',
        kind: 'live',
        status: 'idle',
        streamID: expect.stringMatching(/^[A-Za-z0-9_-]{1,256}$/),
        anchor: { id: alice.userId, nickname: 'alice', avatarUrl: '' },
        members: [],
        createdAt: now,
        startedAt: null,
        endedAt: null,
        stats: { viewers: 0, peakViewers: 0, likes: 0, messages: 0 },
        plannedStartAt: null,
        coverUrl: null,
      });
      expect(alice.userId.length).toBeLessThanOrEqual(64);
      const read = await server.request<{ room: RoomBody }>('GET', `/api/rooms/${room.id}`);
      expect(read.status).toBe(200);
      expect(read.body.room).toEqual(room);
    });

    test('creating needs a session or the console token; the title is checked', async () => {
      const anonymous = await server.request<ErrorBody>('POST', '/api/rooms', { body: { title: 'x' } });
      expect(anonymous.status).toBe(401);
      expect(anonymous.body.error.code).toBe('UNAUTHORIZED');
      const wrong = await server.request<ErrorBody>('POST', '/api/rooms', {
        token: 'not-a-session',
        body: { title: 'x' },
      });
      expect(wrong.status).toBe(401);
      const { token } = await devLogin(server, 'titler');
      const missing = await server.request<ErrorBody>('POST', '/api/rooms', { token, body: {} });
      expect(missing.status).toBe(400);
      expect(missing.body.error.message).toMatch(/title/);
      const blank = await server.request<ErrorBody>('POST', '/api/rooms', { token, body: { title: '   ' } });
      expect(blank.status).toBe(400);
      expect(blank.body.error.message).toMatch(/title/);
      const tooLong = await server.request<ErrorBody>('POST', '/api/rooms', {
        token,
        body: { title: 'x'.repeat(65) },
      });
      expect(tooLong.status).toBe(400);
      expect(tooLong.body.error.message).toMatch(/title/);
    });

    test('the operator creates an unowned room with a one-time invite', async () => {
      const { room, invite } = await createAsOperator('Launch event');
      expect(room.anchor).toBeNull();
      expect(invite).toEqual({
        code: expect.stringMatching(/^[0-9A-Za-z]{10}$/),
        expiresAt: now + 24 * 3600 * 1000,
      });
      // Room ID + '.' + invite fit a 32-character WeChat scene.
      expect(`${room.id}.${invite?.code}`.length).toBeLessThanOrEqual(32);
    });

    test('unknown rooms are 404, unknown routes are 404 JSON', async () => {
      const missing = await server.request<ErrorBody>('GET', '/api/rooms/rNoSuchRoom1');
      expect(missing.status).toBe(404);
      expect(missing.body.error).toEqual({
        code: 'NOT_FOUND',
        message: expect.stringContaining('rNoSuchRoom1'),
      });
      expect((await server.request('GET', '/api/rooms/bad-id!')).status).toBe(404);
      const route = await server.request<ErrorBody>('GET', '/api/nothing-here');
      expect(route.status).toBe(404);
      expect(route.body.error.code).toBe('NOT_FOUND');
    });

    describe('claim', () => {
      test('the invite makes the caller the anchor, once', async () => {
        const { room, invite } = await createAsOperator();
        const bob = await devLogin(server, 'bob');
        const carol = await devLogin(server, 'carol');
        const wrong = await server.request<ErrorBody>('POST', `/api/rooms/${room.id}/claim`, {
          token: bob.token,
          body: { invite: 'WRONGCODE0' },
        });
        expect(wrong.status).toBe(403);
        expect(wrong.body.error.code).toBe('INVITE_INVALID');

        const claimed = await server.request<{ room: RoomBody }>('POST', `/api/rooms/${room.id}/claim`, {
          token: bob.token,
          body: { invite: invite?.code },
        });
        expect(claimed.status).toBe(200);
        expect(claimed.body.room.anchor).toEqual({ id: bob.userId, nickname: 'bob', avatarUrl: '' });

        // The winner retrying (lost response) still gets 200; anyone else gets 409.
        const retry = await server.request('POST', `/api/rooms/${room.id}/claim`, {
          token: bob.token,
          body: { invite: invite?.code },
        });
        expect(retry.status).toBe(200);
        const late = await server.request<ErrorBody>('POST', `/api/rooms/${room.id}/claim`, {
          token: carol.token,
          body: { invite: invite?.code },
        });
        expect(late.status).toBe(409);
        expect(late.body.error.code).toBe('INVITE_USED');
        expect(
          (await server.request('POST', `/api/rooms/${room.id}/claim`, { body: { invite: 'x' } })).status,
        ).toBe(401);
        const noInvite = await server.request<ErrorBody>('POST', `/api/rooms/${room.id}/claim`, {
          token: carol.token,
          body: {},
        });
        expect(noInvite.status).toBe(400);
        expect(noInvite.body.error.message).toMatch(/invite/);
      });

      test('20 concurrent claims of one invite: exactly one 200, the rest 409', async () => {
        const { room, invite } = await createAsOperator('Race');
        const users = await Promise.all(Array.from({ length: 20 }, (_, i) => devLogin(server, `racer${i}`)));
        const answers = await Promise.all(
          users.map((u) =>
            server.request('POST', `/api/rooms/${room.id}/claim`, {
              token: u.token,
              body: { invite: invite?.code },
            }),
          ),
        );
        const statuses = answers.map((a) => a.status);
        expect(statuses.filter((s) => s === 200)).toHaveLength(1);
        expect(statuses.filter((s) => s === 409)).toHaveLength(19);
        const winner = users[statuses.indexOf(200)];
        const read = await server.request<{ room: RoomBody }>('GET', `/api/rooms/${room.id}`);
        expect(read.body.room.anchor?.id).toBe(winner.userId);
      });

      test('an expired invite is a 410; the operator can mint a new one', async () => {
        const { room } = await createAsOperator('Expiring');
        const dave = await devLogin(server, 'dave');
        const otherRoomInvite = (await createAsOperator('other')).invite;
        const foreign = await server.request<ErrorBody>('POST', `/api/rooms/${room.id}/claim`, {
          token: dave.token,
          body: { invite: otherRoomInvite?.code },
        });
        expect(foreign.status).toBe(403);
        expect(foreign.body.error.code).toBe('INVITE_INVALID');

        const firstInvite = await server.request<{ invite: { code: string } }>(
          'POST',
          `/api/rooms/${room.id}/invite`,
          {
            token: CONSOLE_TOKEN,
          },
        );
        expect(firstInvite.status).toBe(200);
        now += 25 * 3600 * 1000;
        const late = await server.request<ErrorBody>('POST', `/api/rooms/${room.id}/claim`, {
          token: dave.token,
          body: { invite: firstInvite.body.invite.code },
        });
        expect(late.status).toBe(410);
        expect(late.body.error.code).toBe('INVITE_EXPIRED');

        expect(
          (await server.request('POST', `/api/rooms/${room.id}/invite`, { token: dave.token })).status,
        ).toBe(403);
        expect((await server.request('POST', `/api/rooms/${room.id}/invite`)).status).toBe(401);
        const fresh = await server.request<{ invite: { code: string } }>(
          'POST',
          `/api/rooms/${room.id}/invite`,
          {
            token: CONSOLE_TOKEN,
          },
        );
        const ok = await server.request('POST', `/api/rooms/${room.id}/claim`, {
          token: dave.token,
          body: { invite: fresh.body.invite.code },
        });
        expect(ok.status).toBe(200);
        const again = await server.request<ErrorBody>('POST', `/api/rooms/${room.id}/invite`, {
          token: CONSOLE_TOKEN,
        });
        expect(again.status).toBe(409);
      });
    });

    describe('tokens', () => {
      test('audience token: room-bound, login only, every field checked', async () => {
        const owner = await devLogin(server, 'tok-owner');
        const viewer = await devLogin(server, 'tok-viewer');
        const room = await createAsUser(owner.token);
        const answer = await server.request<TokenBody>('POST', `/api/rooms/${room.id}/token`, {
          token: viewer.token,
          body: { role: 'audience' },
        });
        expect(answer.status).toBe(200);
        const ctime = Math.floor(now / 1000);
        expect(answer.body).toEqual({
          token: expect.stringMatching(/^04/),
          expiresAt: (ctime + 900) * 1000,
          appID: ZEGO_APP_ID,
          userID: viewer.userId,
          roomID: room.id,
        });
        const decoded = decodeToken04(answer.body.token, ZEGO_SECRET);
        expect(decoded.app_id).toBe(ZEGO_APP_ID);
        expect(decoded.user_id).toBe(viewer.userId);
        expect(decoded.ctime).toBe(ctime);
        expect(decoded.expire).toBe(ctime + 900);
        expect(decoded.outerExpire).toBe(ctime + 900);
        expect(decoded.mode).toBe(1);
        expect(decoded.nonce).toBeGreaterThanOrEqual(-(2 ** 31));
        expect(decoded.nonce).toBeLessThan(2 ** 31);
        expect(JSON.parse(decoded.payload)).toEqual({
          room_id: room.id,
          privilege: { '1': 1, '2': 0 },
          stream_id_list: null,
        });
      });

      test('a request without a body is a viewer token: as wx.request sends it, and with no headers at all', async () => {
        const owner = await devLogin(server, 'nobody-owner');
        const viewer = await devLogin(server, 'nobody-viewer');
        const room = await createAsUser(owner.token);
        const path = `/api/rooms/${room.id}/token`;
        // wx.request says application/json even when it sends no data; fetch without a body sends no type.
        const asWechat = await server.request<TokenBody>('POST', path, {
          token: viewer.token,
          headers: { 'content-type': 'application/json' },
        });
        const bare = await server.request<TokenBody>('POST', path, { token: viewer.token });
        const empty = await server.request<TokenBody>('POST', path, { token: viewer.token, body: {} });
        for (const answer of [asWechat, bare, empty]) {
          expect(answer.status).toBe(200);
          expect(answer.body.streamID).toBeUndefined();
          expect(JSON.parse(decodeToken04(answer.body.token, ZEGO_SECRET).payload)).toEqual({
            room_id: room.id,
            privilege: { '1': 1, '2': 0 },
            stream_id_list: null,
          });
        }
        // The owner asking without a body gets a viewer's token too: publishing is always asked for by name.
        const ownerBare = await server.request<TokenBody>('POST', path, { token: owner.token });
        expect(JSON.parse(decodeToken04(ownerBare.body.token, ZEGO_SECRET).payload).privilege).toEqual({
          '1': 1,
          '2': 0,
        });
        const wrong = await server.request<ErrorBody>('POST', path, {
          token: viewer.token,
          body: { role: 'owner' },
        });
        expect(wrong.status).toBe(400);
        expect(wrong.body.error.message).toContain('role');
      });

      test('anchor token: only the owner, with publish and its stream ID; the same route renews', async () => {
        const owner = await devLogin(server, 'anchor-owner');
        const other = await devLogin(server, 'anchor-other');
        const room = await createAsUser(owner.token);
        const answer = await server.request<TokenBody>('POST', `/api/rooms/${room.id}/token`, {
          token: owner.token,
          body: { role: 'anchor' },
        });
        expect(answer.status).toBe(200);
        expect(answer.body.streamID).toBe(room.streamID);
        const decoded = decodeToken04(answer.body.token, ZEGO_SECRET);
        expect(decoded.user_id).toBe(owner.userId);
        expect(JSON.parse(decoded.payload)).toEqual({
          room_id: room.id,
          privilege: { '1': 1, '2': 1 },
          stream_id_list: [room.streamID],
        });

        now += 600_000;
        const renewed = await server.request<TokenBody>('POST', `/api/rooms/${room.id}/token`, {
          token: owner.token,
          body: { role: 'anchor' },
        });
        expect(renewed.body.expiresAt).toBe(answer.body.expiresAt + 600_000 + 0);
        expect(decodeToken04(renewed.body.token, ZEGO_SECRET).ctime).toBe(Math.floor(now / 1000));

        const refused = await server.request<ErrorBody>('POST', `/api/rooms/${room.id}/token`, {
          token: other.token,
          body: { role: 'anchor' },
        });
        expect(refused.status).toBe(403);
        expect(refused.body.error.message).toMatch(/anchor/);
        const operator = await server.request('POST', `/api/rooms/${room.id}/token`, {
          token: CONSOLE_TOKEN,
          body: { role: 'anchor' },
        });
        expect(operator.status).toBe(403);

        const { room: unowned } = await createAsOperator();
        const unclaimed = await server.request<ErrorBody>('POST', `/api/rooms/${unowned.id}/token`, {
          token: other.token,
          body: { role: 'anchor' },
        });
        expect(unclaimed.status).toBe(403);
        expect(unclaimed.body.error.message).toMatch(/claim/);
      });

      test('token requests that arrive together are read together, and each caller gets its own answer', async () => {
        const owner = await devLogin(server, 'burst-owner');
        const room = await createAsUser(owner.token);
        const viewers = await Promise.all(
          Array.from({ length: 12 }, (_, i) => devLogin(server, `burst-viewer-${i}`)),
        );
        // One viewer was removed from the room, one signed out.
        const removed = viewers[3];
        await server.request('POST', `/api/rooms/${room.id}/token`, { token: removed.token });
        const removal = await server.request('POST', `/api/rooms/${room.id}/removals`, {
          token: owner.token,
          body: { userId: removed.userId },
        });
        expect(removal.status).toBe(200);
        const signedOut = viewers[5];
        expect((await server.request('POST', '/api/auth/logout', { token: signedOut.token })).status).toBe(
          200,
        );
        const asks = [
          ...viewers.map((viewer) => ({ token: viewer.token, roomId: room.id })),
          { token: 'not-a-session', roomId: room.id },
          { token: viewers[0].token, roomId: 'rMissing0000' },
          { token: owner.token, roomId: room.id },
        ];
        // Keep-alive connections, one per request and all open, then every request written in one go: as a surge
        // of viewers reaches the service.
        const agent = new http.Agent({ keepAlive: true, maxSockets: asks.length });
        const { port } = new URL(server.url);
        const send = (ask: { token: string; roomId: string }, path = `/api/rooms/${ask.roomId}/token`) =>
          new Promise<{ status: number; body: TokenBody & ErrorBody }>((resolve, reject) => {
            const call = http.request(
              {
                host: '127.0.0.1',
                port,
                method: path === '/healthz' ? 'GET' : 'POST',
                path,
                agent,
                headers: { authorization: `Bearer ${ask.token}` },
              },
              (response) => {
                let text = '';
                response.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
                response.on('end', () =>
                  resolve({ status: response.statusCode ?? 0, body: JSON.parse(text) }),
                );
              },
            );
            call.on('error', reject);
            call.end();
          });
        try {
          await Promise.all(asks.map((ask) => send(ask, '/healthz')));
          tokenBatches.length = 0;
          const answers = await Promise.all(asks.map((ask) => send(ask)));
          // All of them in one read (one round trip on PostgreSQL), not one read each.
          expect(tokenBatches).toEqual([asks.length]);
          for (const [i, answer] of answers.entries()) {
            const viewer = viewers[i];
            if (viewer === removed)
              expect([answer.status, answer.body.error.code]).toEqual([403, 'REMOVED_FROM_ROOM']);
            else if (viewer === signedOut || asks[i].token === 'not-a-session')
              expect(answer.status).toBe(401);
            else if (asks[i].roomId === 'rMissing0000') expect(answer.status).toBe(404);
            else {
              const caller = viewer ?? owner;
              expect(answer.status).toBe(200);
              expect(answer.body.userID).toBe(caller.userId);
              expect(decodeToken04(answer.body.token, ZEGO_SECRET).user_id).toBe(caller.userId);
            }
          }
        } finally {
          agent.destroy();
        }
      });

      test('token errors: 401 without session, 400 naming role, 404 unknown room, 409 ended room', async () => {
        const owner = await devLogin(server, 'err-owner');
        const room = await createAsUser(owner.token);
        expect(
          (await server.request('POST', `/api/rooms/${room.id}/token`, { body: { role: 'audience' } }))
            .status,
        ).toBe(401);
        const badRole = await server.request<ErrorBody>('POST', `/api/rooms/${room.id}/token`, {
          token: owner.token,
          body: { role: 'admin' },
        });
        expect(badRole.status).toBe(400);
        expect(badRole.body.error.message).toMatch(/role/);
        expect(
          (
            await server.request('POST', '/api/rooms/rMissing0000/token', {
              token: owner.token,
              body: { role: 'audience' },
            })
          ).status,
        ).toBe(404);
        await server.request('POST', `/api/rooms/${room.id}/end`, { token: owner.token });
        const ended = await server.request<ErrorBody>('POST', `/api/rooms/${room.id}/token`, {
          token: owner.token,
          body: { role: 'audience' },
        });
        expect(ended.status).toBe(409);
        expect(ended.body.error).toEqual({ code: 'ROOM_ENDED', message: expect.stringContaining('ended') });
      });
    });

    describe('lifecycle and stats', () => {
      test('owner goes live, pauses, resumes, reports stats and ends; others are refused', async () => {
        const owner = await devLogin(server, 'life-owner');
        const stranger = await devLogin(server, 'life-stranger');
        const room = await createAsUser(owner.token, 'Lifecycle');

        expect(
          (await server.request('POST', `/api/rooms/${room.id}/live`, { token: stranger.token })).status,
        ).toBe(403);
        expect((await server.request('POST', `/api/rooms/${room.id}/live`)).status).toBe(401);

        const startedAt = now;
        const live = await server.request<{ room: RoomBody }>('POST', `/api/rooms/${room.id}/live`, {
          token: owner.token,
        });
        expect(live.status).toBe(200);
        expect(live.body.room).toMatchObject({ status: 'live', startedAt, endedAt: null });

        now += 5000;
        const paused = await server.request<{ room: RoomBody }>('POST', `/api/rooms/${room.id}/pause`, {
          token: owner.token,
        });
        expect(paused.body.room.status).toBe('paused');
        now += 5000;
        const resumed = await server.request<{ room: RoomBody }>('POST', `/api/rooms/${room.id}/live`, {
          token: owner.token,
        });
        expect(resumed.body.room).toMatchObject({ status: 'live', startedAt });

        const stats = async (body: unknown): Promise<{ status: number; body: { room: RoomBody } }> =>
          server.request<{ room: RoomBody }>('POST', `/api/rooms/${room.id}/stats`, {
            token: owner.token,
            body,
          });
        // The anchor's figures for likes and messages are ignored: the service counts those itself.
        expect((await stats({ viewers: 12, likes: 30, messages: 4 })).body.room.stats).toEqual({
          viewers: 12,
          peakViewers: 12,
          likes: 0,
          messages: 0,
        });
        for (const count of [30, 1]) {
          const liked = await server.request<{ likes: number }>('POST', `/api/rooms/${room.id}/likes`, {
            token: stranger.token,
            body: { count },
          });
          expect(liked.status).toBe(200);
        }
        expect((await stats({ viewers: 5, likes: 999, messages: 999 })).body.room.stats).toEqual({
          viewers: 5,
          peakViewers: 12,
          likes: 31,
          messages: 0,
        });
        const badStats = await server.request<ErrorBody>('POST', `/api/rooms/${room.id}/stats`, {
          token: owner.token,
          body: { viewers: -1, likes: 0, messages: 0 },
        });
        expect(badStats.status).toBe(400);
        expect(badStats.body.error.message).toMatch(/viewers/);
        expect(
          (
            await server.request('POST', `/api/rooms/${room.id}/stats`, {
              token: stranger.token,
              body: { viewers: 1, likes: 1, messages: 1 },
            })
          ).status,
        ).toBe(403);

        expect(
          (await server.request('POST', `/api/rooms/${room.id}/end`, { token: stranger.token })).status,
        ).toBe(403);
        const endedAt = now;
        const ended = await server.request<{ room: RoomBody }>('POST', `/api/rooms/${room.id}/end`, {
          token: owner.token,
        });
        expect(ended.status).toBe(200);
        expect(ended.body.room).toMatchObject({
          status: 'ended',
          startedAt,
          endedAt,
          stats: { peakViewers: 12, likes: 31, messages: 0 },
        });

        // Ended is final.
        expect(
          (await server.request('POST', `/api/rooms/${room.id}/live`, { token: owner.token })).status,
        ).toBe(409);
        expect((await stats({ viewers: 1, likes: 1, messages: 1 })).status).toBe(409);
        expect(
          (await server.request('POST', `/api/rooms/${room.id}/end`, { token: owner.token })).status,
        ).toBe(200);
      });

      test('the operator can end any room', async () => {
        const owner = await devLogin(server, 'op-end-owner');
        const room = await createAsUser(owner.token);
        const ended = await server.request<{ room: RoomBody }>('POST', `/api/rooms/${room.id}/end`, {
          token: CONSOLE_TOKEN,
        });
        expect(ended.status).toBe(200);
        expect(ended.body.room.status).toBe('ended');
        expect(
          (await server.request('POST', '/api/rooms/rMissing0000/end', { token: CONSOLE_TOKEN })).status,
        ).toBe(404);
      });
    });

    test('token and claim routes are rate limited (429)', async () => {
      const db2 = tempDbFile();
      const opened = await engine.open();
      const limited = await startServer(testConfig(db2.file), {
        store: opened.store,
        rateLimits: { token: { max: 2, timeWindow: 60_000 }, claim: { max: 2, timeWindow: 60_000 } },
      });
      try {
        const { token } = await devLogin(limited, 'limited');
        const created = await limited.request<Created>('POST', '/api/rooms', {
          token: CONSOLE_TOKEN,
          body: { title: 'x' },
        });
        const id = created.body.room.id;
        const tokens: number[] = [];
        const claims: number[] = [];
        for (let i = 0; i < 3; i += 1) {
          tokens.push(
            (await limited.request('POST', `/api/rooms/${id}/token`, { token, body: { role: 'audience' } }))
              .status,
          );
          claims.push(
            (await limited.request('POST', `/api/rooms/${id}/claim`, { token, body: { invite: 'nope' } }))
              .status,
          );
        }
        expect(tokens).toEqual([200, 200, 429]);
        expect(claims).toEqual([403, 403, 429]);
      } finally {
        await limited.close();
        await opened.cleanup();
        db2.cleanup();
      }
    });

    test('list: newest first, status filter, cursor paging, bad cursor and limit are 400', async () => {
      const db2 = tempDbFile();
      let t = T0;
      const opened = await engine.open();
      const fresh = await startServer(testConfig(db2.file), { now: () => t, store: opened.store });
      try {
        const { token } = await devLogin(fresh, 'lister');
        const ids: string[] = [];
        for (let i = 0; i < 5; i += 1) {
          t += 1000;
          const r = await fresh.request<Created>('POST', '/api/rooms', {
            token,
            body: { title: `room ${i}` },
          });
          ids.push(r.body.room.id);
        }
        await fresh.request('POST', `/api/rooms/${ids[1]}/live`, { token });
        await fresh.request('POST', `/api/rooms/${ids[3]}/live`, { token });

        type Page = { rooms: RoomBody[]; nextCursor: string | null };
        const page1 = await fresh.request<Page>('GET', '/api/rooms?limit=2');
        expect(page1.body.rooms.map((r) => r.id)).toEqual([ids[4], ids[3]]);
        const page2 = await fresh.request<Page>('GET', `/api/rooms?limit=2&cursor=${page1.body.nextCursor}`);
        expect(page2.body.rooms.map((r) => r.id)).toEqual([ids[2], ids[1]]);
        const page3 = await fresh.request<Page>('GET', `/api/rooms?limit=2&cursor=${page2.body.nextCursor}`);
        expect(page3.body).toEqual({ rooms: [expect.objectContaining({ id: ids[0] })], nextCursor: null });

        const liveRooms = await fresh.request<Page>('GET', '/api/rooms?status=live');
        expect(liveRooms.body.rooms.map((r) => r.id)).toEqual([ids[3], ids[1]]);
        expect(liveRooms.body.nextCursor).toBeNull();

        const badCursor = await fresh.request<ErrorBody>('GET', '/api/rooms?cursor=garbage');
        expect(badCursor.status).toBe(400);
        expect(badCursor.body.error.message).toMatch(/cursor/);
        const badStatus = await fresh.request<ErrorBody>('GET', '/api/rooms?status=bogus');
        expect(badStatus.status).toBe(400);
        expect(badStatus.body.error.message).toMatch(/status/);
        const badLimit = await fresh.request<ErrorBody>('GET', '/api/rooms?limit=500');
        expect(badLimit.status).toBe(400);
        expect(badLimit.body.error.message).toMatch(/limit/);
      } finally {
        await fresh.close();
        await opened.cleanup();
        db2.cleanup();
      }
    });
  });

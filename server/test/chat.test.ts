/**
 * Chat through the service: a clean line reaches ZEGO's SendBroadcastMessage (signature and body checked by the
 * loopback fake) under the service's identity after WeChat's msgSecCheck (a loopback fake that checks the v2 body);
 * risky lines are refused, "review" lines held; length and rate limits; comments off; a mute that ends on the fake
 * clock; a removal that kicks and then refuses a token; the rights of every route; the moderation log.
 */
import { CHAT_LINES_KEPT } from '../src/features/chat/service';
import { decodeToken04 } from './helpers/token04';
import {
  CONSOLE_TOKEN,
  devLogin,
  startServer,
  tempDbFile,
  testConfig,
  WECHAT_APPID,
  WECHAT_SECRET,
  ZEGO_APP_ID,
  ZEGO_SECRET,
  type TestServer,
} from './helpers/server';
import { ENGINES } from './helpers/services';
import { startFakeWechat, type FakeWechat } from './helpers/wechat-fake';
import {
  startFakeZegoServerApi,
  type FakeZegoServerApi,
  type ZegoCall,
} from './helpers/zego-server-api-fake';

interface ErrorBody {
  error: { code: string; message: string };
}
interface User {
  token: string;
  userId: string;
}
interface ModerationBody {
  actions: {
    id: number;
    roomId: string;
    action: string;
    actorKind: string;
    actorId: string | null;
    targetId: string | null;
    targetNickname: string | null;
    until: number | null;
    detail: string | null;
    at: number;
  }[];
}

const T0 = Date.UTC(2026, 11, 1, 12, 0, 0);
const code = (answer: { status: number; body: unknown }): [number, string | undefined] => [
  answer.status,
  (answer.body as ErrorBody).error?.code,
];
const content = (call: ZegoCall): unknown => JSON.parse(call.query.get('MessageContent') ?? 'null');

for (const engine of ENGINES)
  engine.describe(`chat through the service on ${engine.name}`, () => {
    let server: TestServer;
    let zego: FakeZegoServerApi;
    let wechat: FakeWechat;
    let now = T0;
    let counter = 0;
    let db: ReturnType<typeof tempDbFile> = { file: '', cleanup: () => undefined };
    let cleanup: () => Promise<void> = async () => undefined;

    beforeAll(async () => {
      db = tempDbFile();
      const opened = await engine.open();
      cleanup = opened.cleanup;
      zego = await startFakeZegoServerApi(ZEGO_APP_ID, ZEGO_SECRET);
      wechat = await startFakeWechat({ appid: WECHAT_APPID, secret: WECHAT_SECRET });
      server = await startServer(
        testConfig(db.file, {
          ZEGO_SERVER_API: 'on',
          ZEGO_SERVER_API_URL: zego.url,
          WECHAT_APPID,
          WECHAT_SECRET,
          WECHAT_API_BASE: wechat.url,
          // Dev sign-in too, for the anchor and for a user without an openid.
          AUTH_MODE: 'dev',
        }),
        { now: () => now, store: opened.store, wechatTimeoutMs: 1000, zegoServerApiTimeoutMs: 500 },
      );
    });
    afterAll(async () => {
      await server?.close();
      await zego?.close();
      await wechat?.close();
      await cleanup();
      db.cleanup();
    });
    beforeEach(() => {
      now += 1000;
      zego.reset();
      wechat.checks.length = 0;
    });

    /** A WeChat user (openid o-<name>) signed in through the fake's jscode2session. */
    const wechatUser = async (name: string): Promise<User & { openid: string }> => {
      const tag = `${name}${(counter += 1)}`;
      const answer = await server.request<{ sessionToken: string; user: { id: string } }>(
        'POST',
        '/api/auth/wechat',
        { body: { code: `good-${tag}`, nickname: `${name}${counter}` } },
      );
      expect(answer.status).toBe(200);
      return { token: answer.body.sessionToken, userId: answer.body.user.id, openid: `o-${tag}` };
    };
    const liveRoom = async (): Promise<{ id: string; anchor: User & { openid: string } }> => {
      const anchor = await wechatUser('anchor');
      const created = await server.request<{ room: { id: string } }>('POST', '/api/rooms', {
        token: anchor.token,
        body: { title: '聊天' },
      });
      const id = created.body.room.id;
      expect((await server.request('POST', `/api/rooms/${id}/live`, { token: anchor.token })).status).toBe(
        200,
      );
      return { id, anchor };
    };
    const send = (id: string, token: string | undefined, text: string) =>
      server.request<{ message: { id: number | null; text: string; sentAt: number } }>(
        'POST',
        `/api/rooms/${id}/messages`,
        { token, body: { text } },
      );
    const broadcasts = (id: string): ZegoCall[] =>
      zego.of('SendBroadcastMessage').filter((c) => c.query.get('RoomId') === id);
    const log = (id: string, token: string) =>
      server.request<ModerationBody>('GET', `/api/rooms/${id}/moderation`, { token });

    test('a clean line: checked by WeChat (v2, scene 2, the openid), then broadcast by the service as itself', async () => {
      const { id } = await liveRoom();
      const viewer = await wechatUser('小红');
      const sent = await send(id, viewer.token, '  主播好！  ');
      expect(sent.status).toBe(200);
      expect(sent.body.message).toEqual({ id: expect.any(Number), text: '主播好！', sentAt: now });

      expect(wechat.checks).toHaveLength(1);
      expect(wechat.checks[0].accessToken).toMatch(/^ACCESS_TOKEN_\d+$/);
      expect(wechat.checks[0].body).toEqual({
        content: '主播好！',
        version: 2,
        scene: 2,
        openid: viewer.openid,
        nickname: expect.stringMatching(/^小红/),
      });
      const [call] = broadcasts(id);
      expect(call.signatureOk).toBe(true);
      expect(call.method).toBe('GET');
      expect(call.query.get('UserId')).toBe('live-service');
      expect(call.query.get('MessageCategory')).toBe('2');
      expect(content(call)).toEqual({
        t: 'chat',
        u: viewer.userId,
        n: expect.stringMatching(/^小红/),
        text: '主播好！',
        // The kept line's number: a late joiner's history carries the same, so no phone shows the line twice.
        i: expect.any(Number),
      });
      const room = await server.request<{ room: { stats: { messages: number } } }>('GET', `/api/rooms/${id}`);
      expect(room.body.room.stats.messages).toBe(1);

      // The viewer's ZEGO token carries login only: Token04 has no chat privilege to withhold.
      const token = await server.request<{ token: string }>('POST', `/api/rooms/${id}/token`, {
        token: viewer.token,
        body: { role: 'audience' },
      });
      expect(JSON.parse(decodeToken04(token.body.token, ZEGO_SECRET).payload)).toEqual({
        room_id: id,
        privilege: { 1: 1, 2: 0 },
        stream_id_list: null,
      });
    });

    test('risky is refused and not broadcast; review is held (not broadcast) and listed for the operator', async () => {
      const { id, anchor } = await liveRoom();
      const viewer = await wechatUser('viewer');
      expect(code(await send(id, viewer.token, '这是 RISKY 内容'))).toEqual([400, 'MESSAGE_REJECTED']);
      expect(code(await send(id, viewer.token, '这条要 REVIEW'))).toEqual([403, 'MESSAGE_HELD']);
      expect(broadcasts(id)).toEqual([]);
      const held = (await log(id, CONSOLE_TOKEN)).body.actions;
      expect(held).toEqual([
        expect.objectContaining({ action: 'held', actorKind: 'content_check', targetId: viewer.userId }),
      ]);
      expect(JSON.parse(held[0].detail ?? '{}')).toMatchObject({ text: '这条要 REVIEW', label: 20002 });
      expect((await log(id, anchor.token)).status).toBe(200);
      const room = await server.request<{ room: { stats: { messages: number } } }>('GET', `/api/rooms/${id}`);
      expect(room.body.room.stats.messages).toBe(0);
    });

    test('WeChat busy: 503 CONTENT_CHECK_UNAVAILABLE, nothing delivered; a user without an openid is refused', async () => {
      const { id } = await liveRoom();
      const viewer = await wechatUser('viewer');
      expect(code(await send(id, viewer.token, 'WXBUSY'))).toEqual([503, 'CONTENT_CHECK_UNAVAILABLE']);
      const dev = await devLogin(server, `dev-${(counter += 1)}`);
      expect(code(await send(id, dev.token, '你好'))).toEqual([403, 'CHAT_NEEDS_WECHAT']);
      expect(broadcasts(id)).toEqual([]);
    });

    test('length: 100 characters pass, 101 are refused; blank is refused; a stranger, an idle room', async () => {
      const { id } = await liveRoom();
      const viewer = await wechatUser('viewer');
      expect((await send(id, viewer.token, '好'.repeat(100))).status).toBe(200);
      expect(code(await send(id, viewer.token, '好'.repeat(101)))).toEqual([400, 'MESSAGE_TOO_LONG']);
      expect(code(await send(id, viewer.token, '   '))).toEqual([400, 'MESSAGE_EMPTY']);
      expect(code(await send(id, undefined, 'hi'))).toEqual([401, 'UNAUTHORIZED']);
      expect(code(await send(id, CONSOLE_TOKEN, 'hi'))).toEqual([403, 'FORBIDDEN']);
      const anchor = await wechatUser('idle');
      const idle = await server.request<{ room: { id: string } }>('POST', '/api/rooms', {
        token: anchor.token,
        body: { title: '未开播' },
      });
      expect(code(await send(idle.body.room.id, viewer.token, 'hi'))).toEqual([409, 'ROOM_NOT_LIVE']);
      expect(broadcasts(id)).toHaveLength(1);
    });

    test('comments off: everyone is told (system broadcast), viewers are refused, the anchor may still speak; on again', async () => {
      const { id, anchor } = await liveRoom();
      const viewer = await wechatUser('viewer');
      const off = await server.request<{ chat: { commentsOff: boolean }; signalled: boolean }>(
        'POST',
        `/api/rooms/${id}/chat/comments`,
        { token: anchor.token, body: { off: true } },
      );
      expect(off.status).toBe(200);
      expect(off.body).toMatchObject({ chat: { commentsOff: true }, signalled: true });
      const [notice] = broadcasts(id);
      expect(notice.signatureOk).toBe(true);
      expect(notice.query.get('MessageCategory')).toBe('1');
      expect(notice.query.get('UserId')).toBe('live-service');
      expect(content(notice)).toEqual({ t: 'chat-state', commentsOff: true });
      const state = await server.request<{ commentsOff: boolean }>('GET', `/api/rooms/${id}/chat`, {
        token: viewer.token,
      });
      expect(state.body).toEqual({ commentsOff: true, mutedUntil: null, removed: false, maxLength: 100 });

      expect(code(await send(id, viewer.token, '还能说话吗'))).toEqual([403, 'COMMENTS_OFF']);
      expect((await send(id, anchor.token, '评论先关一下')).status).toBe(200);

      const on = await server.request('POST', `/api/rooms/${id}/chat/comments`, {
        token: CONSOLE_TOKEN,
        body: { off: false },
      });
      expect(on.status).toBe(200);
      expect((await send(id, viewer.token, '又能说了')).status).toBe(200);
      expect((await log(id, anchor.token)).body.actions.map((a) => [a.action, a.actorKind])).toEqual([
        ['comments_on', 'operator'],
        ['comments_off', 'anchor'],
      ]);
    });

    test('a muted viewer is refused until the mute ends (fake clock) and is told; an early unmute', async () => {
      const { id, anchor } = await liveRoom();
      const viewer = await wechatUser('viewer');
      const muted = await server.request<{ until: number; signalled: boolean }>(
        'POST',
        `/api/rooms/${id}/chat/mutes`,
        { token: anchor.token, body: { userId: viewer.userId, seconds: 60 } },
      );
      expect(muted.status).toBe(200);
      expect(muted.body).toEqual({ userId: viewer.userId, until: now + 60_000, signalled: true });
      const [command] = zego.of('SendCustomCommand');
      expect(command.signatureOk).toBe(true);
      expect(command.query.getAll('ToUserId[]')).toEqual([viewer.userId]);
      expect(JSON.parse(command.query.get('MessageContent') ?? '')).toEqual({
        t: 'moderation',
        e: 'muted',
        until: now + 60_000,
      });

      expect(code(await send(id, viewer.token, '我被禁言了吗'))).toEqual([403, 'CHAT_MUTED']);
      now += 59_000;
      expect(code(await send(id, viewer.token, '还没到'))).toEqual([403, 'CHAT_MUTED']);
      now += 1_000;
      expect((await send(id, viewer.token, '到点了')).status).toBe(200);

      await server.request('POST', `/api/rooms/${id}/chat/mutes`, {
        token: CONSOLE_TOKEN,
        body: { userId: viewer.userId, seconds: 3600 },
      });
      expect(code(await send(id, viewer.token, 'x'))).toEqual([403, 'CHAT_MUTED']);
      expect(
        (
          await server.request('DELETE', `/api/rooms/${id}/chat/mutes/${viewer.userId}`, {
            token: anchor.token,
          })
        ).status,
      ).toBe(200);
      expect((await send(id, viewer.token, '解除了')).status).toBe(200);
      expect(
        code(
          await server.request('DELETE', `/api/rooms/${id}/chat/mutes/${viewer.userId}`, {
            token: anchor.token,
          }),
        ),
      ).toEqual([404, 'NOT_FOUND']);
      const actions = (await log(id, CONSOLE_TOKEN)).body.actions;
      expect(actions.map((a) => a.action)).toEqual(['unmute', 'mute', 'mute']);
      expect(actions[2].until).toBe(actions[2].at + 60_000);
      expect(actions[1]).toMatchObject({ actorKind: 'operator', actorId: null });
      expect(actions[2]).toMatchObject({
        actorKind: 'anchor',
        actorId: anchor.userId,
        targetId: viewer.userId,
        targetNickname: expect.stringMatching(/^viewer/),
      });
    });

    test('a removed viewer is kicked (KickoutUser), then refused a token and chat for that room', async () => {
      const { id, anchor } = await liveRoom();
      const viewer = await wechatUser('viewer');
      const removed = await server.request<{ kicked: boolean }>('POST', `/api/rooms/${id}/removals`, {
        token: anchor.token,
        body: { userId: viewer.userId },
      });
      expect(removed.status).toBe(200);
      expect(removed.body).toEqual({ userId: viewer.userId, kicked: true });
      const [kick] = zego.of('KickoutUser');
      expect(kick.signatureOk).toBe(true);
      expect(kick.query.get('RoomId')).toBe(id);
      expect(kick.query.getAll('UserId[]')).toEqual([viewer.userId]);

      expect(
        code(
          await server.request('POST', `/api/rooms/${id}/token`, {
            token: viewer.token,
            body: { role: 'audience' },
          }),
        ),
      ).toEqual([403, 'REMOVED_FROM_ROOM']);
      expect(code(await send(id, viewer.token, '我回来了'))).toEqual([403, 'REMOVED_FROM_ROOM']);
      const state = await server.request<{ removed: boolean }>('GET', `/api/rooms/${id}/chat`, {
        token: viewer.token,
      });
      expect(state.body.removed).toBe(true);
      // Another room is not affected.
      const other = await liveRoom();
      expect(
        (
          await server.request('POST', `/api/rooms/${other.id}/token`, {
            token: viewer.token,
            body: { role: 'audience' },
          })
        ).status,
      ).toBe(200);
      // The anchor cannot be removed or muted.
      expect(
        code(
          await server.request('POST', `/api/rooms/${id}/removals`, {
            token: CONSOLE_TOKEN,
            body: { userId: anchor.userId },
          }),
        ),
      ).toEqual([400, 'CANNOT_MODERATE_ANCHOR']);
      const all = await server.request<ModerationBody>('GET', '/api/moderation', { token: CONSOLE_TOKEN });
      expect(all.body.actions.find((a) => a.roomId === id)).toMatchObject({
        action: 'remove',
        actorKind: 'anchor',
        actorId: anchor.userId,
        targetId: viewer.userId,
        at: now,
      });
    });

    test('rights: anchor and operator moderate; a viewer is 403, nobody 401; the operator list is operator-only', async () => {
      const { id, anchor } = await liveRoom();
      const viewer = await wechatUser('viewer');
      const other = await wechatUser('other');
      const routes: [string, string, unknown][] = [
        ['POST', `/api/rooms/${id}/chat/comments`, { off: false }],
        ['POST', `/api/rooms/${id}/chat/mutes`, { userId: other.userId, seconds: 60 }],
        ['DELETE', `/api/rooms/${id}/chat/mutes/${other.userId}`, undefined],
        ['POST', `/api/rooms/${id}/removals`, { userId: other.userId }],
        ['GET', `/api/rooms/${id}/moderation`, undefined],
        ['GET', `/api/rooms/${id}/chat/recent`, undefined],
      ];
      for (const [method, path, body] of routes) {
        expect({ path, r: code(await server.request(method, path, { body })) }).toEqual({
          path,
          r: [401, 'UNAUTHORIZED'],
        });
        expect({ path, r: code(await server.request(method, path, { token: viewer.token, body })) }).toEqual({
          path,
          r: [403, 'FORBIDDEN'],
        });
      }
      for (const [method, path, body] of routes) {
        const token = path.includes('/mutes/') ? CONSOLE_TOKEN : anchor.token;
        expect({ path, s: (await server.request(method, path, { token, body })).status }).toEqual({
          path,
          s: 200,
        });
      }
      expect(code(await server.request('GET', '/api/moderation', { token: anchor.token }))).toEqual([
        403,
        'FORBIDDEN',
      ]);
      expect(code(await server.request('GET', '/api/moderation'))).toEqual([401, 'UNAUTHORIZED']);
      // A mute needs a sensible duration; a missing user is 404.
      expect(
        code(
          await server.request('POST', `/api/rooms/${id}/chat/mutes`, {
            token: anchor.token,
            body: { userId: viewer.userId, seconds: 1 },
          }),
        ),
      ).toEqual([400, 'BAD_REQUEST']);
      expect(
        code(
          await server.request('POST', `/api/rooms/${id}/chat/mutes`, {
            token: anchor.token,
            body: { userId: 'uNobodyAtAll0000', seconds: 60 },
          }),
        ),
      ).toEqual([404, 'NOT_FOUND']);
    });

    test('recent chat for the anchor and operator: delivered lines with their senders, newest first; running mutes', async () => {
      const { id, anchor } = await liveRoom();
      const viewer = await wechatUser('小蓝');
      const loud = await wechatUser('大声');
      expect((await send(id, viewer.token, '第一条')).status).toBe(200);
      now += 1000;
      expect((await send(id, loud.token, '第二条')).status).toBe(200);
      // Refused and held lines were never shown to the room: they are not listed here.
      expect((await send(id, loud.token, 'RISKY 坏话')).status).toBe(400);
      expect((await send(id, loud.token, 'REVIEW 可疑')).status).toBe(403);
      const muted = await server.request<{ until: number }>('POST', `/api/rooms/${id}/chat/mutes`, {
        token: CONSOLE_TOKEN,
        body: { userId: loud.userId, seconds: 600 },
      });
      expect(muted.status).toBe(200);
      type Recent = {
        commentsOff: boolean;
        messages: { userId: string; nickname: string; text: string; sentAt: number }[];
        mutes: { userId: string; nickname: string | null; until: number }[];
      };
      const recent = (token: string, query = '') =>
        server.request<Recent>('GET', `/api/rooms/${id}/chat/recent${query}`, { token });
      const seen = await recent(CONSOLE_TOKEN);
      expect(seen.status).toBe(200);
      expect(seen.body).toEqual({
        commentsOff: false,
        messages: [
          {
            id: expect.any(Number),
            userId: loud.userId,
            nickname: expect.stringMatching(/^大声/),
            text: '第二条',
            sentAt: now,
          },
          {
            id: expect.any(Number),
            userId: viewer.userId,
            nickname: expect.stringMatching(/^小蓝/),
            text: '第一条',
            sentAt: now - 1000,
          },
        ],
        mutes: [{ userId: loud.userId, nickname: expect.stringMatching(/^大声/), until: now + 600_000 }],
      });
      // The anchor sees the same; limit takes the newest.
      expect((await recent(anchor.token, '?limit=1')).body.messages.map((m) => m.text)).toEqual(['第二条']);
      expect(code(await recent(anchor.token, '?limit=0'))).toEqual([400, 'BAD_REQUEST']);
      // A mute that ended is no longer listed.
      now += 600_001;
      expect((await recent(anchor.token)).body.mutes).toEqual([]);
      // Other rooms' lines are not listed.
      const other = await liveRoom();
      const elsewhere = await server.request<Recent>('GET', `/api/rooms/${other.id}/chat/recent`, {
        token: CONSOLE_TOKEN,
      });
      expect(elsewhere.body.messages).toEqual([]);
    });

    test('the service keeps only the newest lines of each room', async () => {
      const { id } = await liveRoom();
      const other = await liveRoom();
      const viewer = await wechatUser('话多');
      const { store } = server.app.live;
      for (let i = 0; i < CHAT_LINES_KEPT + 5; i += 1) {
        await store.chat.keepLine(
          { roomId: id, userId: viewer.userId, nickname: 'n', text: `${i}`, sentAt: now },
          CHAT_LINES_KEPT,
        );
        // Lines of another room in between do not shorten this room's.
        await store.chat.keepLine(
          { roomId: other.id, userId: viewer.userId, nickname: 'n', text: `o${i}`, sentAt: now },
          CHAT_LINES_KEPT,
        );
      }
      const kept = await store.chat.recentLines(id, 1000);
      expect(kept).toHaveLength(CHAT_LINES_KEPT);
      expect(kept[0]?.text).toBe(`${CHAT_LINES_KEPT + 4}`);
      expect(kept.at(-1)?.text).toBe('5');
    });

    test('likes are counted by the service; a removed viewer cannot like', async () => {
      const { id, anchor } = await liveRoom();
      const viewer = await wechatUser('viewer');
      const like = (token: string, count: number) =>
        server.request<{ likes: number }>('POST', `/api/rooms/${id}/likes`, { token, body: { count } });
      expect((await like(viewer.token, 7)).body).toEqual({ likes: 7 });
      expect((await like(anchor.token, 3)).body).toEqual({ likes: 10 });
      expect(code(await like(viewer.token, 0))).toEqual([400, 'BAD_REQUEST']);
      expect(code(await like(viewer.token, 101))).toEqual([400, 'BAD_REQUEST']);
      await server.request('POST', `/api/rooms/${id}/removals`, {
        token: anchor.token,
        body: { userId: viewer.userId },
      });
      expect(code(await like(viewer.token, 1))).toEqual([403, 'REMOVED_FROM_ROOM']);
    });
  });

/** A live room of this anchor; its ID. */
async function goLive(server: TestServer, anchorToken: string): Promise<string> {
  const created = await server.request<{ room: { id: string } }>('POST', '/api/rooms', {
    token: anchorToken,
    body: { title: 'x' },
  });
  await server.request('POST', `/api/rooms/${created.body.room.id}/live`, { token: anchorToken });
  return created.body.room.id;
}

describe('chat without WeChat, and without ZEGO server API', () => {
  test('no WeChat: delivered unchecked; the rate limit is 5 per 5 s per session (the 6th is 429, others unaffected)', async () => {
    const db = tempDbFile();
    const zego = await startFakeZegoServerApi(ZEGO_APP_ID, ZEGO_SECRET);
    const server = await startServer(
      testConfig(db.file, { ZEGO_SERVER_API: 'on', ZEGO_SERVER_API_URL: zego.url }),
      // The service's own chat limit, not the tests' generous one.
      { rateLimits: { chat: { max: 5, timeWindow: 5_000 } } },
    );
    try {
      const anchor = await devLogin(server, 'anchor');
      const viewer = await devLogin(server, 'viewer');
      const other = await devLogin(server, 'other');
      const id = await goLive(server, anchor.token);
      const statuses: number[] = [];
      for (let i = 0; i < 6; i += 1) {
        statuses.push(
          (
            await server.request('POST', `/api/rooms/${id}/messages`, {
              token: viewer.token,
              body: { text: `${i}` },
            })
          ).status,
        );
      }
      expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
      const limited = await server.request<ErrorBody>('POST', `/api/rooms/${id}/messages`, {
        token: viewer.token,
        body: { text: 'again' },
      });
      expect(limited.body.error.code).toBe('RATE_LIMITED');
      expect(
        (
          await server.request('POST', `/api/rooms/${id}/messages`, {
            token: other.token,
            body: { text: 'hi' },
          })
        ).status,
      ).toBe(200);
      expect(zego.of('SendBroadcastMessage')).toHaveLength(6);
    } finally {
      await server.close();
      await zego.close();
      db.cleanup();
    }
  });

  test('no ZEGO server API: 503 CHAT_UNAVAILABLE; moderation is still decided and recorded', async () => {
    const db = tempDbFile();
    const server = await startServer(testConfig(db.file));
    try {
      const anchor = await devLogin(server, 'anchor');
      const viewer = await devLogin(server, 'viewer');
      const id = await goLive(server, anchor.token);
      const sent = await server.request<ErrorBody>('POST', `/api/rooms/${id}/messages`, {
        token: viewer.token,
        body: { text: '有人吗' },
      });
      expect(code(sent)).toEqual([503, 'CHAT_UNAVAILABLE']);
      const removed = await server.request<{ kicked: boolean }>('POST', `/api/rooms/${id}/removals`, {
        token: anchor.token,
        body: { userId: viewer.userId },
      });
      expect(removed.body).toEqual({ userId: viewer.userId, kicked: false });
      expect(
        code(
          await server.request('POST', `/api/rooms/${id}/token`, {
            token: viewer.token,
            body: { role: 'audience' },
          }),
        ),
      ).toEqual([403, 'REMOVED_FROM_ROOM']);
    } finally {
      await server.close();
      db.cleanup();
    }
  });
});

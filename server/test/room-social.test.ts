/**
 * The room's social side beyond chat, on both engines: the history a late joiner reads (the last 20 lines, public
 * fields only, the same line numbers the live lines carry, none of a removed viewer), the announcement (公告: its
 * limit, WeChat's check, the room told, read again on entry) and room admins (房管: the rights of each route for
 * the anchor, an admin of this room, an admin of another, a viewer, a stranger and the operator; the limit of 5;
 * the log naming the admin).
 */
import {
  CONSOLE_TOKEN,
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
  openid: string;
}
interface CatchUp {
  lines: { id: number; userId: string; nickname: string; text: string; sentAt: number }[];
  announcement: { text: string; at: number } | null;
  admins: string[];
}

const T0 = Date.UTC(2026, 11, 1, 12, 0, 0);
const code = (answer: { status: number; body: unknown }): [number, string | undefined] => [
  answer.status,
  (answer.body as ErrorBody).error?.code,
];
const content = (call: ZegoCall): unknown => JSON.parse(call.query.get('MessageContent') ?? 'null');

for (const engine of ENGINES)
  engine.describe(`announcement, admins and history on ${engine.name}`, () => {
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
        }),
        {
          now: () => now,
          store: opened.store,
          wechatTimeoutMs: 1000,
          zegoServerApiTimeoutMs: 500,
          // Each request its own limit: these tests send many lines from one session.
          rateLimits: { chat: { max: 1000, timeWindow: 1000 } },
        },
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

    const wechatUser = async (name: string): Promise<User> => {
      const tag = `${name}${(counter += 1)}`;
      const answer = await server.request<{ sessionToken: string; user: { id: string } }>(
        'POST',
        '/api/auth/wechat',
        { body: { code: `good-${tag}`, nickname: `${name}${counter}` } },
      );
      expect(answer.status).toBe(200);
      return { token: answer.body.sessionToken, userId: answer.body.user.id, openid: `o-${tag}` };
    };
    const liveRoom = async (): Promise<{ id: string; anchor: User }> => {
      const anchor = await wechatUser('anchor');
      const created = await server.request<{ room: { id: string } }>('POST', '/api/rooms', {
        token: anchor.token,
        body: { title: '公告' },
      });
      const id = created.body.room.id;
      expect((await server.request('POST', `/api/rooms/${id}/live`, { token: anchor.token })).status).toBe(
        200,
      );
      return { id, anchor };
    };
    const send = (id: string, token: string, text: string) =>
      server.request('POST', `/api/rooms/${id}/messages`, { token, body: { text } });
    const history = (id: string, token?: string) =>
      server.request<CatchUp>('GET', `/api/rooms/${id}/chat/history`, { token });
    const systemNotices = (id: string): unknown[] =>
      zego
        .of('SendBroadcastMessage')
        .filter((c) => c.query.get('RoomId') === id && c.query.get('MessageCategory') === '1')
        .map(content);
    const announce = (id: string, token: string | undefined, text: string) =>
      server.request<{ announcement: CatchUp['announcement']; signalled: boolean }>(
        'POST',
        `/api/rooms/${id}/announcement`,
        { token, body: { text } },
      );
    const appoint = (id: string, token: string | undefined, userId: string) =>
      server.request<{ admins: { userId: string }[]; signalled: boolean }>(
        'POST',
        `/api/rooms/${id}/admins`,
        {
          token,
          body: { userId },
        },
      );

    describe('history for late joiners', () => {
      test('the last 20 lines, oldest first, with the numbers the live lines carried, public fields only', async () => {
        const { id } = await liveRoom();
        const viewer = await wechatUser('小红');
        for (let i = 1; i <= 23; i += 1) {
          now += 1;
          expect((await send(id, viewer.token, `第${i}句`)).status).toBe(200);
        }
        const live = zego.of('SendBroadcastMessage').map(content) as { i: number; text: string }[];
        const answer = await history(id);
        expect(answer.status).toBe(200);
        expect(answer.body.lines.map((l) => l.text)).toEqual(
          Array.from({ length: 20 }, (_, k) => `第${k + 4}句`),
        );
        // Each kept line has the number its live broadcast carried.
        expect(answer.body.lines.map((l) => l.id)).toEqual(live.slice(3).map((m) => m.i));
        for (const line of answer.body.lines)
          expect(Object.keys(line).sort()).toEqual(['id', 'nickname', 'sentAt', 'text', 'userId']);
        const raw = JSON.stringify(answer.body);
        expect(raw).not.toContain(viewer.openid);
        expect(raw).not.toContain(viewer.token);
      });

      test('a line ZEGO refused is not in the history; a removed viewer’s lines leave it', async () => {
        const { id, anchor } = await liveRoom();
        const a = await wechatUser('a');
        const b = await wechatUser('b');
        expect((await send(id, a.token, '留下')).status).toBe(200);
        zego.fail('SendBroadcastMessage', { code: 50013 });
        expect(code(await send(id, a.token, '没送到'))).toEqual([503, 'CHAT_UNAVAILABLE']);
        zego.fail('SendBroadcastMessage', null);
        expect((await send(id, b.token, '捣乱')).status).toBe(200);
        expect((await history(id)).body.lines.map((l) => l.text)).toEqual(['留下', '捣乱']);
        const removed = await server.request('POST', `/api/rooms/${id}/removals`, {
          token: anchor.token,
          body: { userId: b.userId },
        });
        expect(removed.status).toBe(200);
        expect((await history(id)).body.lines.map((l) => l.text)).toEqual(['留下']);
      });

      test('an unknown room is 404', async () => {
        expect(code(await history('nosuchroom'))).toEqual([404, 'NOT_FOUND']);
      });
    });

    describe('the announcement', () => {
      test('the anchor pins it: checked by WeChat, the room told, a late joiner reads it; "" takes it down', async () => {
        const { id, anchor } = await liveRoom();
        const set = await announce(id, anchor.token, '  今晚八点抽奖，别走开  ');
        expect(set.status).toBe(200);
        expect(set.body).toEqual({
          announcement: { text: '今晚八点抽奖，别走开', at: now },
          signalled: true,
        });
        expect(wechat.checks.map((c) => c.body.content)).toEqual(['今晚八点抽奖，别走开']);
        expect(systemNotices(id)).toEqual([{ t: 'announcement', text: '今晚八点抽奖，别走开', at: now }]);
        // A viewer who comes in later reads it with the history, without a sign-in.
        expect((await history(id)).body.announcement).toEqual({ text: '今晚八点抽奖，别走开', at: now });

        now += 1000;
        expect((await announce(id, anchor.token, '   ')).body.announcement).toBeNull();
        expect(systemNotices(id).at(-1)).toEqual({ t: 'announcement', text: null, at: now });
        expect((await history(id)).body.announcement).toBeNull();
      });

      test('at most 60 characters; risky text refused and nothing changes', async () => {
        const { id, anchor } = await liveRoom();
        expect((await announce(id, anchor.token, '公'.repeat(60))).status).toBe(200);
        expect(code(await announce(id, anchor.token, '告'.repeat(61)))).toEqual([
          400,
          'ANNOUNCEMENT_TOO_LONG',
        ]);
        expect(code(await announce(id, anchor.token, '这是 RISKY 公告'))).toEqual([400, 'MESSAGE_REJECTED']);
        expect((await history(id)).body.announcement?.text).toBe('公'.repeat(60));
        expect(systemNotices(id)).toHaveLength(1);
      });

      test('who may set it: the anchor and the operator; an admin, a viewer and a stranger may not', async () => {
        const { id, anchor } = await liveRoom();
        const admin = await wechatUser('admin');
        const viewer = await wechatUser('viewer');
        expect((await appoint(id, anchor.token, admin.userId)).status).toBe(200);
        expect(code(await announce(id, admin.token, '房管说'))).toEqual([403, 'FORBIDDEN']);
        expect(code(await announce(id, viewer.token, '观众说'))).toEqual([403, 'FORBIDDEN']);
        expect(code(await announce(id, undefined, '谁说'))).toEqual([401, 'UNAUTHORIZED']);
        const op = await announce(id, CONSOLE_TOKEN, '运营公告');
        expect(op.status).toBe(200);
        // The console's text is not sent to WeChat (there is no openid to check it with).
        expect(wechat.checks).toEqual([]);
        const logged = await server.request<{
          actions: { action: string; actorKind: string; detail: string }[];
        }>('GET', `/api/rooms/${id}/moderation`, { token: CONSOLE_TOKEN });
        expect(logged.body.actions[0]).toMatchObject({
          action: 'announcement',
          actorKind: 'operator',
          detail: '运营公告',
        });
      });
    });

    describe('room admins', () => {
      test('each route’s rights: anchor, admin here, admin elsewhere, viewer, stranger, operator', async () => {
        const { id, anchor } = await liveRoom();
        const other = await liveRoom();
        const admin = await wechatUser('房管');
        const elsewhere = await wechatUser('别处房管');
        const viewer = await wechatUser('观众');
        const target = await wechatUser('捣乱');
        expect((await appoint(other.id, other.anchor.token, elsewhere.userId)).status).toBe(200);
        const appointed = await appoint(id, anchor.token, admin.userId);
        expect(appointed.status).toBe(200);
        expect(appointed.body).toEqual({
          admins: [expect.objectContaining({ userId: admin.userId })],
          signalled: true,
        });
        expect(systemNotices(id).at(-1)).toEqual({ t: 'admins', ids: [admin.userId] });
        expect((await history(id)).body.admins).toEqual([admin.userId]);

        // Appointing: the anchor and the operator only.
        expect(code(await appoint(id, admin.token, viewer.userId))).toEqual([403, 'FORBIDDEN']);
        expect(code(await appoint(id, elsewhere.token, viewer.userId))).toEqual([403, 'FORBIDDEN']);
        expect(code(await appoint(id, viewer.token, viewer.userId))).toEqual([403, 'FORBIDDEN']);
        expect(code(await appoint(id, undefined, viewer.userId))).toEqual([401, 'UNAUTHORIZED']);
        expect((await appoint(id, CONSOLE_TOKEN, viewer.userId)).status).toBe(200);
        const dismiss = (token: string | undefined, userId: string) =>
          server.request('DELETE', `/api/rooms/${id}/admins/${userId}`, { token });
        expect(code(await dismiss(admin.token, viewer.userId))).toEqual([403, 'FORBIDDEN']);
        expect(code(await dismiss(elsewhere.token, viewer.userId))).toEqual([403, 'FORBIDDEN']);
        expect((await dismiss(CONSOLE_TOKEN, viewer.userId)).status).toBe(200);
        expect(code(await dismiss(anchor.token, viewer.userId))).toEqual([404, 'NOT_FOUND']);

        // Moderating: the admin of this room may, as the anchor may; the admin of another room may not.
        const mute = (token: string | undefined, userId: string) =>
          server.request('POST', `/api/rooms/${id}/chat/mutes`, { token, body: { userId, seconds: 600 } });
        const comments = (token: string | undefined, off: boolean) =>
          server.request('POST', `/api/rooms/${id}/chat/comments`, { token, body: { off } });
        expect((await mute(admin.token, target.userId)).status).toBe(200);
        expect(code(await mute(elsewhere.token, target.userId))).toEqual([403, 'FORBIDDEN']);
        expect(code(await mute(viewer.token, target.userId))).toEqual([403, 'FORBIDDEN']);
        expect(code(await mute(undefined, target.userId))).toEqual([401, 'UNAUTHORIZED']);
        expect((await comments(admin.token, true)).status).toBe(200);
        expect(code(await comments(elsewhere.token, false))).toEqual([403, 'FORBIDDEN']);
        expect((await comments(admin.token, false)).status).toBe(200);
        // An admin cannot act on the anchor or on another admin; the anchor can on an admin.
        expect(code(await mute(admin.token, anchor.userId))).toEqual([400, 'CANNOT_MODERATE_ANCHOR']);
        expect((await appoint(id, anchor.token, viewer.userId)).status).toBe(200);
        expect(code(await mute(admin.token, viewer.userId))).toEqual([403, 'CANNOT_MODERATE_ADMIN']);
        const removal = await server.request<{ kicked: boolean }>('POST', `/api/rooms/${id}/removals`, {
          token: admin.token,
          body: { userId: target.userId },
        });
        expect(removal.status).toBe(200);
        expect(zego.of('KickoutUser').map((c) => c.query.getAll('UserId[]'))).toEqual([[target.userId]]);
        // A removed viewer cannot be appointed; a removed admin stops being one.
        expect(code(await appoint(id, anchor.token, target.userId))).toEqual([403, 'REMOVED_FROM_ROOM']);
        expect(
          (
            await server.request('POST', `/api/rooms/${id}/removals`, {
              token: anchor.token,
              body: { userId: viewer.userId },
            })
          ).status,
        ).toBe(200);
        expect((await history(id)).body.admins).toEqual([admin.userId]);

        // The log names the admin who did it.
        const logged = await server.request<{
          actions: {
            action: string;
            actorKind: string;
            actorId: string | null;
            actorName: string | null;
          }[];
        }>('GET', `/api/rooms/${id}/moderation`, { token: admin.token });
        expect(logged.status).toBe(200);
        expect(
          logged.body.actions.find((a) => a.action === 'remove' && a.actorKind === 'admin'),
        ).toMatchObject({
          actorId: admin.userId,
          actorName: expect.stringMatching(/^房管/),
        });
        expect(logged.body.actions.find((a) => a.action === 'admin_appointed')).toMatchObject({
          actorKind: 'anchor',
          actorId: anchor.userId,
        });
        expect(
          (await server.request('GET', `/api/rooms/${id}/moderation`, { token: elsewhere.token })).status,
        ).toBe(403);
      });

      test('at most 5 admins, under concurrent appointments too; the anchor cannot be one', async () => {
        const { id, anchor } = await liveRoom();
        const viewers = await Promise.all(Array.from({ length: 8 }, (_, k) => wechatUser(`v${k}`)));
        const answers = await Promise.all(viewers.map((v) => appoint(id, anchor.token, v.userId)));
        expect(answers.filter((a) => a.status === 200)).toHaveLength(5);
        expect(answers.filter((a) => code(a)[1] === 'ADMINS_FULL')).toHaveLength(3);
        const listed = await server.request<{ admins: unknown[] }>('GET', `/api/rooms/${id}/admins`);
        expect(listed.body.admins).toHaveLength(5);
        // Appointing one already appointed is no error and changes nothing.
        const first = answers.findIndex((a) => a.status === 200);
        expect((await appoint(id, anchor.token, viewers[first].userId)).body.admins).toHaveLength(5);
        expect(code(await appoint(id, anchor.token, anchor.userId))).toEqual([400, 'BAD_REQUEST']);
      });
    });
  });

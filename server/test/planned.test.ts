/**
 * Planned rooms (a start time, a cover) and their start reminders (开播提醒): validation and rights of the plan, the
 * cover checked like the avatar, the lobby's order, and reminders sent once when the room goes live, against the
 * loopback WeChat fake (access token, template, page, openid, data; 43101 recorded), once across two instances.
 */
import { PNG } from 'pngjs';
import {
  CONSOLE_TOKEN,
  devLogin,
  startServer,
  tempDbFile,
  testConfig,
  WECHAT_APPID,
  WECHAT_SECRET,
  type TestServer,
} from './helpers/server';
import { RECLAIM_AFTER_MS } from '../src/plugins/app/reminders';
import { ENGINES, SHARED_ENGINES } from './helpers/services';
import { startFakeWechat, type FakeWechat } from './helpers/wechat-fake';

interface RoomBody {
  id: string;
  title: string;
  status: string;
  plannedStartAt: number | null;
  coverUrl: string | null;
}
interface ErrorBody {
  error: { code: string; message: string };
}
interface User {
  token: string;
  userId: string;
  openid: string;
}

const T0 = Date.UTC(2026, 11, 1, 12, 0, 0);
const HOUR = 3600 * 1000;
const TEMPLATE_ID = 'TplLiveStart_0123456789abcdefABCDEF';
const code = (answer: { status: number; body: unknown }): [number, string | undefined] => [
  answer.status,
  (answer.body as ErrorBody).error?.code,
];

/** A real PNG of one colour. */
function png(w = 8, h = 8): Buffer {
  const image = new PNG({ width: w, height: h });
  for (let i = 0; i < w * h; i++) image.data.set([200, 40, 40, 255], i * 4);
  return PNG.sync.write(image);
}

/** What wx.uploadFile sends: multipart/form-data with the file under `file`. */
function form(bytes: Buffer, type = 'image/png'): FormData {
  const body = new FormData();
  body.append('file', new Blob([new Uint8Array(bytes)], { type }), 'cover.png');
  return body;
}

/** Starts a service with WeChat (the fake) and the reminder template; AUTH_MODE dev for users without an openid. */
async function startPlanned(
  wechat: FakeWechat,
  database: string,
  deps: Parameters<typeof startServer>[1],
  env: Record<string, string> = {},
): Promise<TestServer> {
  return startServer(
    testConfig(database, {
      WECHAT_APPID,
      WECHAT_SECRET,
      WECHAT_API_BASE: wechat.url,
      WECHAT_LIVE_TEMPLATE_ID: TEMPLATE_ID,
      WECHAT_ENV_VERSION: 'trial',
      AUTH_MODE: 'dev',
      ...env,
    }),
    { wechatTimeoutMs: 1000, reminderRetryDelayMs: 10, ...deps },
  );
}

for (const engine of ENGINES)
  engine.describe(`planned rooms and start reminders on ${engine.name}`, () => {
    let server: TestServer;
    let wechat: FakeWechat;
    let now = T0;
    let counter = 0;
    let db: ReturnType<typeof tempDbFile> = { file: '', cleanup: () => undefined };
    let cleanup: () => Promise<void> = async () => undefined;

    beforeAll(async () => {
      db = tempDbFile();
      const opened = await engine.open();
      cleanup = opened.cleanup;
      wechat = await startFakeWechat({ appid: WECHAT_APPID, secret: WECHAT_SECRET });
      wechat.templateId = TEMPLATE_ID;
      server = await startPlanned(wechat, db.file, { now: () => now, store: opened.store });
    });
    afterAll(async () => {
      await server?.close();
      await wechat?.close();
      await cleanup();
      db.cleanup();
    });
    beforeEach(() => {
      now += 1000;
      wechat.sends.length = 0;
    });

    /** A WeChat user whose openid is o-<name><n>, signed in through the fake's jscode2session. */
    const wechatUser = async (name: string): Promise<User> => {
      const tag = `${name}${(counter += 1)}`;
      const answer = await server.request<{ sessionToken: string; user: { id: string } }>(
        'POST',
        '/api/auth/wechat',
        { body: { code: `good-${tag}`, nickname: `观众${counter}` } },
      );
      expect(answer.status).toBe(200);
      return { token: answer.body.sessionToken, userId: answer.body.user.id, openid: `o-${tag}` };
    };
    const plannedRoom = async (token: string, title = '周五夜聊', startIn = 2 * HOUR): Promise<RoomBody> => {
      const created = await server.request<{ room: RoomBody }>('POST', '/api/rooms', {
        token,
        body: { title, plannedStartAt: now + startIn },
      });
      expect(created.status).toBe(200);
      return created.body.room;
    };
    const uploadCover = (roomId: string, token: string, body: FormData) =>
      fetch(`${server.url}/api/rooms/${roomId}/cover`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}` },
        body,
      });

    test('a planned start in the past, or on a call, is 400 naming plannedStartAt; a future one is kept', async () => {
      const anchor = await devLogin(server, `anchor-${(counter += 1)}`);
      for (const plannedStartAt of [now - 1, now]) {
        const refused = await server.request<ErrorBody>('POST', '/api/rooms', {
          token: anchor.token,
          body: { title: 'x', plannedStartAt },
        });
        expect(code(refused)).toEqual([400, 'BAD_REQUEST']);
        expect(refused.body.error.message).toContain('plannedStartAt');
      }
      const call = await server.request<ErrorBody>('POST', '/api/rooms', {
        token: anchor.token,
        body: { title: 'x', kind: 'call', plannedStartAt: now + HOUR },
      });
      expect(code(call)).toEqual([400, 'BAD_REQUEST']);
      expect(call.body.error.message).toContain('plannedStartAt');

      const room = await plannedRoom(anchor.token);
      expect(room).toMatchObject({ status: 'idle', plannedStartAt: now + 2 * HOUR, coverUrl: null });
      const read = await server.request<{ room: RoomBody }>('GET', `/api/rooms/${room.id}`);
      expect(read.body.room.plannedStartAt).toBe(now + 2 * HOUR);
      // The operator plans one too (an unowned room with its invite).
      const operator = await server.request<{ room: RoomBody; invite: unknown }>('POST', '/api/rooms', {
        token: CONSOLE_TOKEN,
        body: { title: '发布会', plannedStartAt: now + HOUR },
      });
      expect(operator.body.room.plannedStartAt).toBe(now + HOUR);
      expect(operator.body.invite).toBeDefined();
    });

    test('the owner or the operator changes the plan before live; others are refused; live makes it final', async () => {
      const anchor = await devLogin(server, `anchor-${(counter += 1)}`);
      const other = await devLogin(server, `other-${counter}`);
      const room = await plannedRoom(anchor.token);
      const patch = (token: string, body: unknown) =>
        server.request<{ room: RoomBody } & ErrorBody>('PATCH', `/api/rooms/${room.id}`, { token, body });

      expect((await patch(anchor.token, { plannedStartAt: now + 5 * HOUR })).body.room.plannedStartAt).toBe(
        now + 5 * HOUR,
      );
      const past = await patch(anchor.token, { plannedStartAt: now - HOUR });
      expect(code(past)).toEqual([400, 'BAD_REQUEST']);
      expect(past.body.error.message).toContain('plannedStartAt');
      expect(code(await patch(other.token, { title: 'mine now' }))).toEqual([403, 'FORBIDDEN']);
      expect(code(await server.request('PATCH', `/api/rooms/${room.id}`, { body: { title: 'x' } }))).toEqual([
        401,
        'UNAUTHORIZED',
      ]);
      const byOperator = await patch(CONSOLE_TOKEN, { title: '改过的标题' });
      expect(byOperator.body.room).toMatchObject({ title: '改过的标题', plannedStartAt: now + 5 * HOUR });
      expect(code(await patch(anchor.token, { colour: 'red' }))).toEqual([400, 'BAD_REQUEST']);

      await server.request('POST', `/api/rooms/${room.id}/live`, { token: anchor.token });
      expect(code(await patch(anchor.token, { plannedStartAt: now + HOUR }))).toEqual([
        409,
        'ROOM_NOT_UPCOMING',
      ]);
      expect(code(await uploadCoverAnswer(room.id, anchor.token, form(png())))).toEqual([
        409,
        'ROOM_NOT_UPCOMING',
      ]);
    });

    const uploadCoverAnswer = async (roomId: string, token: string, body: FormData) => {
      const response = await uploadCover(roomId, token, body);
      return { status: response.status, body: (await response.json()) as { room: RoomBody } & ErrorBody };
    };

    test('a cover is checked like the avatar, stored, served, and replaced', async () => {
      const anchor = await devLogin(server, `anchor-${(counter += 1)}`);
      const other = await devLogin(server, `other-${counter}`);
      const room = await plannedRoom(anchor.token);

      const text = await uploadCoverAnswer(room.id, anchor.token, form(Buffer.from('not an image at all')));
      expect(code(text)).toEqual([400, 'BAD_REQUEST']);
      expect(text.body.error.message).toContain('cover');
      const huge = Buffer.concat([png(), Buffer.alloc(1100 * 1024)]);
      expect(code(await uploadCoverAnswer(room.id, anchor.token, form(huge)))).toEqual([
        413,
        'PAYLOAD_TOO_LARGE',
      ]);
      expect(code(await uploadCoverAnswer(room.id, other.token, form(png())))).toEqual([403, 'FORBIDDEN']);

      const first = await uploadCoverAnswer(room.id, anchor.token, form(png()));
      expect(first.status).toBe(200);
      const url = first.body.room.coverUrl ?? '';
      expect(url).toMatch(new RegExp(`^${server.url}/covers/${room.id}-[A-Za-z0-9]{16}\\.png$`));
      const served = await fetch(url);
      expect(served.headers.get('content-type')).toBe('image/png');
      expect(Buffer.from(await served.arrayBuffer()).equals(png())).toBe(true);

      const second = await uploadCoverAnswer(room.id, CONSOLE_TOKEN, form(png(4, 4)));
      expect(second.status).toBe(200);
      expect(second.body.room.coverUrl).not.toBe(url);
      expect((await fetch(url)).status).toBe(404);
      expect((await fetch(`${server.url}/covers/..%2Flive.db`)).status).toBe(400);
    });

    test('the lobby lists live rooms first (newest first), then upcoming ones by start time, page by page', async () => {
      const anchor = await devLogin(server, `lobby-${(counter += 1)}`);
      const later = await plannedRoom(anchor.token, 'later', 9 * HOUR);
      const soon = await plannedRoom(anchor.token, 'soon', 1 * HOUR);
      now += 1000;
      const liveA = await plannedRoom(anchor.token, 'liveA', 3 * HOUR);
      now += 1000;
      const liveB = await plannedRoom(anchor.token, 'liveB', 3 * HOUR);
      for (const room of [liveA, liveB])
        await server.request('POST', `/api/rooms/${room.id}/live`, { token: anchor.token });
      const ours = new Set([later.id, soon.id, liveA.id, liveB.id]);
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page: { body: { rooms: RoomBody[]; nextCursor: string | null } } = await server.request(
          'GET',
          `/api/rooms?scope=lobby&limit=1${cursor ? `&cursor=${cursor}` : ''}`,
          { token: CONSOLE_TOKEN },
        );
        seen.push(...page.body.rooms.map((r) => r.id));
        cursor = page.body.nextCursor;
      } while (cursor !== null);
      expect(seen.filter((id) => ours.has(id))).toEqual([liveB.id, liveA.id, soon.id, later.id]);
      // Only live and upcoming rooms: an idle room without a plan is not in the lobby.
      const plain = await server.request<{ room: RoomBody }>('POST', '/api/rooms', {
        token: anchor.token,
        body: { title: 'no plan' },
      });
      const lobby = await server.request<{ rooms: RoomBody[] }>('GET', '/api/rooms?scope=lobby&limit=50', {
        token: CONSOLE_TOKEN,
      });
      expect(lobby.body.rooms.map((r) => r.id)).not.toContain(plain.body.room.id);
      expect(code(await server.request('GET', '/api/rooms?scope=lobby&status=live'))).toEqual([
        400,
        'BAD_REQUEST',
      ]);
    });

    test('reminders: stored once, sent once when live (template, page, openid, data), 43101 recorded', async () => {
      const config = await server.request<{ reminderTemplateId: string | null }>('GET', '/api/config');
      expect(config.body.reminderTemplateId).toBe(TEMPLATE_ID);
      const anchorName = `主播${(counter += 1)}`;
      const anchor = await devLogin(server, anchorName);
      const room = await plannedRoom(anchor.token, '周五夜聊：一起听歌吧，从民谣到摇滚的一整晚');
      const fan = await wechatUser('fan');
      const refuser = await wechatUser('refuse');
      const flaky = await wechatUser('busyonce');
      const busy = await wechatUser('busy');
      const gone = await wechatUser('fan');
      const reminders = `/api/rooms/${room.id}/reminders`;
      for (const user of [fan, fan, refuser, flaky, busy, gone]) {
        const answer = await server.request<{ subscribed: boolean; state: string }>('POST', reminders, {
          token: user.token,
        });
        expect(answer.body).toEqual({ roomId: room.id, subscribed: true, state: 'pending' });
      }
      const cancelled = await server.request('DELETE', `${reminders}/me`, { token: gone.token });
      expect(cancelled.body).toEqual({ roomId: room.id, subscribed: false, state: null });
      // A user without an openid (dev sign-in) cannot get a subscribe message.
      expect(code(await server.request('POST', reminders, { token: anchor.token }))).toEqual([
        403,
        'REMINDER_NEEDS_WECHAT',
      ]);
      expect(code(await server.request('POST', reminders))).toEqual([401, 'UNAUTHORIZED']);

      const wentLive = await server.request<{ room: RoomBody }>('POST', `/api/rooms/${room.id}/live`, {
        token: anchor.token,
      });
      expect(wentLive.body.room.status).toBe('live');
      await server.app.reminders.idle();

      const byUser = new Map(wechat.sends.map((call) => [call.body.touser, call]));
      expect([...byUser.keys()].sort()).toEqual(
        [fan.openid, refuser.openid, flaky.openid, busy.openid].sort(),
      );
      // One retry for WeChat busy, none for a refusal: at most two requests per reminder.
      expect(wechat.sends.filter((c) => c.body.touser === busy.openid)).toHaveLength(2);
      expect(wechat.sends.filter((c) => c.body.touser === refuser.openid)).toHaveLength(1);
      const sent = byUser.get(fan.openid);
      expect(sent?.accessToken).toMatch(/^ACCESS_TOKEN_\d+$/);
      expect(sent?.body).toEqual({
        touser: fan.openid,
        template_id: TEMPLATE_ID,
        page: `pages/audience/index?roomID=${room.id}`,
        data: {
          thing1: { value: '周五夜聊：一起听歌吧，从民谣到摇滚的一…' },
          time2: { value: '2026-12-01 20:00' },
          thing3: { value: anchorName },
        },
        miniprogram_state: 'trial',
        lang: 'zh_CN',
      });
      const stateOf = async (user: User) =>
        (await server.request<{ state: string }>('GET', `${reminders}/me`, { token: user.token })).body.state;
      expect(await stateOf(fan)).toBe('sent');
      expect(await stateOf(refuser)).toBe('refused');
      expect(await stateOf(flaky)).toBe('sent');
      expect(await stateOf(busy)).toBe('failed');
      const counts = await server.request('GET', reminders, { token: CONSOLE_TOKEN });
      expect(counts.body).toEqual({ counts: { pending: 0, sending: 0, sent: 2, refused: 1, failed: 1 } });

      // Going live again (a pause and back) sends nothing more; subscribing now is too late.
      wechat.sends.length = 0;
      await server.request('POST', `/api/rooms/${room.id}/pause`, { token: anchor.token });
      await server.request('POST', `/api/rooms/${room.id}/live`, { token: anchor.token });
      await server.app.reminders.idle();
      expect(wechat.sends).toEqual([]);
      expect(code(await server.request('POST', reminders, { token: gone.token }))).toEqual([
        409,
        'ROOM_NOT_UPCOMING',
      ]);
    });

    test('a reminder whose instance died mid-send is sent by the sweep once it is stale, and only once', async () => {
      const anchor = await devLogin(server, `crash-${(counter += 1)}`);
      const room = await plannedRoom(anchor.token);
      const fan = await wechatUser('fan');
      await server.request('POST', `/api/rooms/${room.id}/reminders`, { token: fan.token });
      // Another instance claimed it and died before sending: it stays 'sending'.
      const { store } = server.app.live;
      expect(await store.reminders.claimPending(room.id, now, now - 1)).toHaveLength(1);
      await store.rooms.setStatus(room.id, 'live', now);
      // The anchor stays live (a heartbeat just before each sweep); then the sweep looks for stale sends.
      const sweepAndWait = async (): Promise<void> => {
        expect(
          (await server.request('POST', `/api/rooms/${room.id}/heartbeat`, { token: anchor.token })).status,
        ).toBe(200);
        await server.app.sweeper.sweep();
        await server.app.reminders.idle();
      };
      now += RECLAIM_AFTER_MS - 1000;
      await sweepAndWait();
      expect(wechat.sends).toEqual([]);
      now += 2000;
      await sweepAndWait();
      expect(wechat.sends.map((c) => c.body.touser)).toEqual([fan.openid]);
      const mine = await server.request<{ state: string }>('GET', `/api/rooms/${room.id}/reminders/me`, {
        token: fan.token,
      });
      expect(mine.body.state).toBe('sent');
      now += RECLAIM_AFTER_MS * 2;
      await sweepAndWait();
      expect(wechat.sends).toHaveLength(1);
    });

    test('going live answers at once; the reminders follow in the background, a few at a time', async () => {
      const anchor = await devLogin(server, `slow-${(counter += 1)}`);
      const room = await plannedRoom(anchor.token);
      const fans = await Promise.all(Array.from({ length: 6 }, () => wechatUser('fan')));
      for (const fan of fans)
        await server.request('POST', `/api/rooms/${room.id}/reminders`, { token: fan.token });
      const started = Date.now();
      const wentLive = await server.request('POST', `/api/rooms/${room.id}/live`, { token: anchor.token });
      expect(wentLive.status).toBe(200);
      expect(Date.now() - started).toBeLessThan(500);
      await server.app.reminders.idle();
      expect(new Set(wechat.sends.map((c) => c.body.touser)).size).toBe(6);
    });
  });

for (const engine of SHARED_ENGINES)
  engine.describe(`start reminders across two instances on ${engine.name}`, () => {
    test('two instances told the room went live at once send each reminder once', async () => {
      const shared = await engine.database();
      const wechat = await startFakeWechat({ appid: WECHAT_APPID, secret: WECHAT_SECRET });
      wechat.templateId = TEMPLATE_ID;
      const a = await startPlanned(wechat, shared.file, { store: await shared.open() });
      const b = await startPlanned(wechat, shared.file, { store: await shared.open() });
      try {
        const anchor = await devLogin(a, 'two-anchor');
        const created = await a.request<{ room: RoomBody }>('POST', '/api/rooms', {
          token: anchor.token,
          body: { title: 'two', plannedStartAt: Date.now() + HOUR },
        });
        const roomId = created.body.room.id;
        const fans: string[] = [];
        for (let i = 0; i < 12; i += 1) {
          const signIn = await (i % 2 ? a : b).request<{ sessionToken: string }>('POST', '/api/auth/wechat', {
            body: { code: `good-two${i}` },
          });
          await (i % 2 ? b : a).request('POST', `/api/rooms/${roomId}/reminders`, {
            token: signIn.body.sessionToken,
          });
          fans.push(`o-two${i}`);
        }
        // A retried go-live (the first answer was lost) reaches the other instance at the same moment.
        await Promise.all([
          a.request('POST', `/api/rooms/${roomId}/live`, { token: anchor.token }),
          b.request('POST', `/api/rooms/${roomId}/live`, { token: anchor.token }),
        ]);
        await Promise.all([a.app.reminders.idle(), b.app.reminders.idle()]);
        expect(wechat.sends.map((c) => c.body.touser).sort()).toEqual([...fans].sort());
      } finally {
        await a.close();
        await b.close();
        await wechat.close();
        await shared.cleanup();
      }
    });
  });

describe('start reminders unavailable', () => {
  test('without the template (or without WeChat) the config says so and subscribing is 503', async () => {
    const wechat = await startFakeWechat({ appid: WECHAT_APPID, secret: WECHAT_SECRET });
    const envs: Record<string, string>[] = [
      { WECHAT_LIVE_TEMPLATE_ID: '' },
      { WECHAT_APPID: '', WECHAT_SECRET: '' },
    ];
    for (const env of envs) {
      const db = tempDbFile();
      const server = await startPlanned(wechat, db.file, {}, env);
      try {
        const config = await server.request<{ reminderTemplateId: string | null }>('GET', '/api/config');
        expect(config.body.reminderTemplateId).toBeNull();
        const user = await devLogin(server, 'no-reminders');
        const created = await server.request<{ room: RoomBody }>('POST', '/api/rooms', {
          token: user.token,
          body: { title: 'x', plannedStartAt: Date.now() + HOUR },
        });
        const answer = await server.request<ErrorBody>(
          'POST',
          `/api/rooms/${created.body.room.id}/reminders`,
          {
            token: user.token,
          },
        );
        expect(code(answer)).toEqual([503, 'REMINDERS_UNAVAILABLE']);
        expect(answer.body.error.message).toContain('WECHAT_LIVE_TEMPLATE_ID');
      } finally {
        await server.close();
        db.cleanup();
      }
    }
    await wechat.close();
  });
});

/**
 * Gifts on points, on both engines: the console's catalogue (the operator only), the daily free allowance, a gift
 * that debits the sender and credits the anchor together, never below zero, exactly once under retries and under
 * concurrent requests with one key, announced to the room under the service's identity, the 贡献榜 and the
 * anchor's total; the rights of each route (anchor, viewer, stranger, removed viewer, operator).
 */
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
import { startFakeZegoServerApi, type FakeZegoServerApi } from './helpers/zego-server-api-fake';

interface ErrorBody {
  error: { code: string; message: string };
}
interface Sent {
  send: { id: number; giftId: number; count: number; points: number; at: number };
  balance: number;
  replayed: boolean;
  signalled: boolean;
}

const T0 = Date.UTC(2026, 11, 1, 4, 0, 0);
const DAY = 24 * 3600 * 1000;
const code = (answer: { status: number; body: unknown }): [number, string | undefined] => [
  answer.status,
  (answer.body as ErrorBody).error?.code,
];

for (const engine of ENGINES)
  engine.describe(`gifts on points on ${engine.name}`, () => {
    let server: TestServer;
    let zego: FakeZegoServerApi;
    let now = T0;
    let counter = 0;
    let db: ReturnType<typeof tempDbFile> = { file: '', cleanup: () => undefined };
    let cleanup: () => Promise<void> = async () => undefined;

    beforeAll(async () => {
      db = tempDbFile();
      const opened = await engine.open();
      cleanup = opened.cleanup;
      zego = await startFakeZegoServerApi(ZEGO_APP_ID, ZEGO_SECRET);
      server = await startServer(
        testConfig(db.file, {
          ZEGO_SERVER_API: 'on',
          ZEGO_SERVER_API_URL: zego.url,
          GIFT_DAILY_POINTS: '100',
        }),
        {
          now: () => now,
          store: opened.store,
          zegoServerApiTimeoutMs: 500,
          rateLimits: { chat: { max: 1000, timeWindow: 1000 }, write: { max: 1000, timeWindow: 1000 } },
        },
      );
    });
    afterAll(async () => {
      await server?.close();
      await zego?.close();
      await cleanup();
      db.cleanup();
    });
    beforeEach(() => {
      now += 1000;
      zego.reset();
    });

    const user = (name: string) => devLogin(server, `${name}${(counter += 1)}`);
    const newGift = async (
      price: number,
      effect: 'banner' | 'fullscreen' = 'banner',
      name = `礼物${price}`,
    ) => {
      const answer = await server.request<{ gift: { id: number } }>('POST', '/api/gifts', {
        token: CONSOLE_TOKEN,
        body: { name, iconUrl: `https://cdn.example.com/${price}.png`, price, effect },
      });
      expect(answer.status).toBe(200);
      return answer.body.gift.id;
    };
    const liveRoom = async () => {
      const anchor = await user('anchor');
      const created = await server.request<{ room: { id: string } }>('POST', '/api/rooms', {
        token: anchor.token,
        body: { title: '礼物' },
      });
      const id = created.body.room.id;
      expect((await server.request('POST', `/api/rooms/${id}/live`, { token: anchor.token })).status).toBe(
        200,
      );
      return { id, anchor };
    };
    const send = (id: string, token: string | undefined, giftId: number, count: number, key: string) =>
      server.request<Sent>('POST', `/api/rooms/${id}/gifts`, {
        token,
        body: { giftId, count, idempotencyKey: key },
      });
    const points = async (token: string) =>
      (await server.request<{ balance: number }>('GET', '/api/me/points', { token })).body.balance;

    test('the console’s catalogue: the operator adds, changes and retires; the apps read the active ones', async () => {
      const viewer = await user('viewer');
      const body = { name: '小心心', iconUrl: 'https://cdn.example.com/h.png', price: 1, effect: 'banner' };
      expect(code(await server.request('POST', '/api/gifts', { body }))).toEqual([401, 'UNAUTHORIZED']);
      expect(code(await server.request('POST', '/api/gifts', { token: viewer.token, body }))).toEqual([
        403,
        'FORBIDDEN',
      ]);
      expect(code(await server.request('GET', '/api/console/gifts', { token: viewer.token }))[0]).toBe(403);
      const id = await newGift(520, 'fullscreen', '火箭');
      const listed = await server.request<{ gifts: { id: number; name: string; effect: string }[] }>(
        'GET',
        '/api/gifts',
      );
      expect(listed.body.gifts.find((g) => g.id === id)).toMatchObject({
        name: '火箭',
        effect: 'fullscreen',
      });
      const retired = await server.request('PATCH', `/api/gifts/${id}`, {
        token: CONSOLE_TOKEN,
        body: { active: false },
      });
      expect(retired.status).toBe(200);
      const after = await server.request<{ gifts: { id: number }[] }>('GET', '/api/gifts');
      expect(after.body.gifts.map((g) => g.id)).not.toContain(id);
      const all = await server.request<{ gifts: { id: number }[] }>('GET', '/api/console/gifts', {
        token: CONSOLE_TOKEN,
      });
      expect(all.body.gifts.map((g) => g.id)).toContain(id);
      const { id: room } = await liveRoom();
      expect(code(await send(room, viewer.token, id, 1, 'retired-gift-1'))).toEqual([
        409,
        'GIFT_UNAVAILABLE',
      ]);
      expect(
        code(
          await server.request('PATCH', '/api/gifts/999999', { token: CONSOLE_TOKEN, body: { price: 2 } }),
        ),
      ).toEqual([404, 'NOT_FOUND']);
    });

    test('a daily free allowance, once a day (China’s day)', async () => {
      const viewer = await user('viewer');
      expect(await points(viewer.token)).toBe(100);
      expect(await points(viewer.token)).toBe(100);
      now += DAY;
      expect(await points(viewer.token)).toBe(200);
    });

    test('a gift debits the sender and credits the anchor together, is announced, and counts on the 贡献榜', async () => {
      const gift = await newGift(10);
      const { id, anchor } = await liveRoom();
      const viewer = await user('viewer');
      const sent = await send(id, viewer.token, gift, 3, 'combo-key-001');
      expect(sent.status).toBe(200);
      expect(sent.body).toMatchObject({
        send: { giftId: gift, count: 3, points: 30 },
        balance: 70,
        replayed: false,
        signalled: true,
      });
      expect(await points(viewer.token)).toBe(70);
      expect(await points(anchor.token)).toBe(100 + 30);
      const [call] = zego.of('SendBroadcastMessage');
      expect(call.query.get('UserId')).toBe('live-service');
      expect(JSON.parse(call.query.get('MessageContent') ?? '')).toEqual({
        t: 'gift',
        u: viewer.userId,
        n: expect.stringMatching(/^viewer/),
        g: gift,
        name: '礼物10',
        icon: 'https://cdn.example.com/10.png',
        effect: 'banner',
        c: 3,
        i: sent.body.send.id,
      });
      const other = await user('other');
      expect((await send(id, other.token, gift, 5, 'other-key-001')).status).toBe(200);
      const board = await server.request<{ givers: { userId: string; points: number }[]; total: number }>(
        'GET',
        `/api/rooms/${id}/gifts/leaderboard`,
      );
      expect(board.body.givers.map((g) => [g.userId, g.points])).toEqual([
        [other.userId, 50],
        [viewer.userId, 30],
      ]);
      expect(board.body.total).toBe(80);
    });

    test('never below zero: a gift the points cannot pay is refused and nothing moves', async () => {
      const gift = await newGift(60);
      const { id, anchor } = await liveRoom();
      const viewer = await user('viewer');
      expect((await send(id, viewer.token, gift, 1, 'first-key-0001')).status).toBe(200);
      const refused = await send(id, viewer.token, gift, 1, 'second-key-001');
      expect(code(refused)).toEqual([409, 'POINTS_INSUFFICIENT']);
      expect(await points(viewer.token)).toBe(40);
      expect(await points(anchor.token)).toBe(160);
      expect(zego.of('SendBroadcastMessage')).toHaveLength(1);
    });

    test('a retried request is the same send: once, in turn and all at once', async () => {
      const gift = await newGift(7);
      const { id, anchor } = await liveRoom();
      const viewer = await user('viewer');
      const first = await send(id, viewer.token, gift, 2, 'retry-key-0001');
      const again = await send(id, viewer.token, gift, 2, 'retry-key-0001');
      expect(again.body).toEqual({ ...first.body, replayed: true, signalled: false });
      const burst = await Promise.all(
        Array.from({ length: 12 }, () => send(id, viewer.token, gift, 1, 'burst-key-0001')),
      );
      expect(burst.every((a) => a.status === 200)).toBe(true);
      expect(new Set(burst.map((a) => a.body.send.id)).size).toBe(1);
      expect(burst.filter((a) => !a.body.replayed)).toHaveLength(1);
      expect(await points(viewer.token)).toBe(100 - 14 - 7);
      expect(await points(anchor.token)).toBe(100 + 21);
      expect(zego.of('SendBroadcastMessage')).toHaveLength(2);
    });

    test('concurrent sends with different keys never overdraw: exactly what the points pay for goes through', async () => {
      const gift = await newGift(15);
      const { id, anchor } = await liveRoom();
      const viewer = await user('viewer');
      const answers = await Promise.all(
        Array.from({ length: 12 }, (_, k) => send(id, viewer.token, gift, 1, `parallel-key-${k}`)),
      );
      const ok = answers.filter((a) => a.status === 200);
      expect(ok).toHaveLength(6);
      expect(answers.filter((a) => code(a)[1] === 'POINTS_INSUFFICIENT')).toHaveLength(6);
      expect(await points(viewer.token)).toBe(10);
      expect(await points(anchor.token)).toBe(100 + 90);
      const board = await server.request<{ total: number }>('GET', `/api/rooms/${id}/gifts/leaderboard`);
      expect(board.body.total).toBe(90);
    });

    test('rights: a stranger, the operator, the anchor to itself, a removed viewer, a room not live', async () => {
      const gift = await newGift(1);
      const { id, anchor } = await liveRoom();
      const viewer = await user('viewer');
      expect(code(await send(id, undefined, gift, 1, 'stranger-key-1'))).toEqual([401, 'UNAUTHORIZED']);
      expect(code(await send(id, CONSOLE_TOKEN, gift, 1, 'operator-key-1'))).toEqual([403, 'FORBIDDEN']);
      expect(code(await send(id, anchor.token, gift, 1, 'anchor-key-001'))).toEqual([400, 'BAD_REQUEST']);
      expect(code(await send(id, viewer.token, 999999, 1, 'no-gift-key-01'))).toEqual([404, 'NOT_FOUND']);
      expect(code(await send(id, viewer.token, gift, 100, 'too-many-key-1'))[0]).toBe(400);
      expect(code(await send(id, viewer.token, gift, 1, 'bad key!'))[0]).toBe(400);
      await server.request('POST', `/api/rooms/${id}/removals`, {
        token: anchor.token,
        body: { userId: viewer.userId },
      });
      expect(code(await send(id, viewer.token, gift, 1, 'removed-key-01'))).toEqual([
        403,
        'REMOVED_FROM_ROOM',
      ]);
      const other = await user('other');
      await server.request('POST', `/api/rooms/${id}/end`, { token: anchor.token });
      expect(code(await send(id, other.token, gift, 1, 'ended-key-0001'))).toEqual([409, 'ROOM_NOT_LIVE']);
      expect(await points(other.token)).toBe(100);
    });
  });

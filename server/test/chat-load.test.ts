/**
 * Chat into one room under load, against the loopback fakes with their latency: a room's lines go to ZEGO in the
 * order the service accepted them even when their content checks end in another order; the calls to WeChat's
 * check and to ZEGO's broadcast are bounded, and past a bound's queue a line is refused at once (503 in the error
 * shape) while the service keeps answering its other routes.
 */
import type { BoundLimits } from '../src/lib/bound';
import { burst, type BurstAnswer } from './helpers/burst';
import {
  devLiveRoom,
  fakesEnv,
  startServer,
  tempDbFile,
  testConfig,
  WECHAT_APPID,
  WECHAT_SECRET,
  ZEGO_APP_ID,
  ZEGO_SECRET,
  type TestServer,
} from './helpers/server';
import { startFakeWechat, type FakeWechat } from './helpers/wechat-fake';
import { startFakeZegoServerApi, type FakeZegoServerApi } from './helpers/zego-server-api-fake';

interface Setup {
  server: TestServer;
  zego: FakeZegoServerApi;
  wechat: FakeWechat;
  close(): Promise<void>;
}

/** The service with both fakes (and these bounds), SQLite. */
async function setup(
  bounds: { wechatCheckBound?: BoundLimits; zegoBound?: BoundLimits } = {},
): Promise<Setup> {
  const db = tempDbFile();
  const zego = await startFakeZegoServerApi(ZEGO_APP_ID, ZEGO_SECRET);
  const wechat = await startFakeWechat({ appid: WECHAT_APPID, secret: WECHAT_SECRET });
  const server = await startServer(testConfig(db.file, fakesEnv(zego.url, wechat.url)), {
    wechatTimeoutMs: 5000,
    zegoServerApiTimeoutMs: 5000,
    ...bounds,
  });
  return {
    server,
    zego,
    wechat,
    close: async () => {
      await server.close();
      await zego.close();
      await wechat.close();
      db.cleanup();
    },
  };
}

let tag = 0;
/** WeChat users (openid o-...: the content check needs one) signed in through the fake. */
async function wechatUsers(server: TestServer, count: number): Promise<string[]> {
  const tokens: string[] = [];
  for (let i = 0; i < count; i += 1) {
    tag += 1;
    const answer = await server.request<{ sessionToken: string }>('POST', '/api/auth/wechat', {
      body: { code: `good-load${tag}`, nickname: `观众${tag}` },
    });
    expect(answer.status).toBe(200);
    tokens.push(answer.body.sessionToken);
  }
  return tokens;
}

const codes = (answers: readonly BurstAnswer[]): Array<string | number> =>
  answers.map((a) => (a.status === 200 ? 200 : (a.body as { error: { code: string } }).error.code));

describe('chat into one room under load', () => {
  let s: Setup | null = null;
  afterEach(async () => {
    await s?.close();
    s = null;
  });

  test("a room's lines go to ZEGO in the order they were accepted, though their checks end in reverse", async () => {
    s = await setup();
    const { server, wechat, zego } = s;
    const lines = 12;
    // The first line's check is the slowest: checked one by one, they would be sent in reverse.
    wechat.checkDelay = (content) => (lines - Number(/line(\d+)/.exec(content)?.[1] ?? 0)) * 25;
    zego.delayMs = 30;
    const { id } = await devLiveRoom(server, '热闹的直播间');
    const tokens = await wechatUsers(server, lines);
    const api = server.app.zegoServerApi;
    if (api === null) throw new Error('no ZEGO server API');
    const sentOrder: string[] = [];
    const send = api.sendBroadcastMessage.bind(api);
    const spy = jest.spyOn(api, 'sendBroadcastMessage').mockImplementation((message) => {
      sentOrder.push(/line\d+/.exec(message.content)?.[0] ?? message.content);
      return send(message);
    });
    try {
      const answers: Array<Promise<number>> = [];
      for (let i = 0; i < lines; i += 1) {
        answers.push(
          server
            .request('POST', `/api/rooms/${id}/messages`, { token: tokens[i], body: { text: `line${i}` } })
            .then((a) => a.status),
        );
        // Accepted once its check reached WeChat: the next line comes after it.
        while (wechat.checks.length < i + 1) await new Promise((resolve) => setTimeout(resolve, 2));
      }
      expect(await Promise.all(answers)).toEqual(tokens.map(() => 200));
    } finally {
      spy.mockRestore();
    }
    expect(sentOrder).toEqual(tokens.map((_, i) => `line${i}`));
    // The checks did overlap (the order was kept while they ran at once).
    expect(wechat.maxChecksInFlight).toBeGreaterThan(1);
  });

  test("WeChat's check is bounded: at most 2 at once, 3 waiting; the rest 503 at once; other routes answer", async () => {
    s = await setup({ wechatCheckBound: { concurrency: 2, queueMax: 3 } });
    const { server, wechat } = s;
    wechat.checkDelay = () => 150;
    const { id } = await devLiveRoom(server, '热闹的直播间');
    const tokens = await wechatUsers(server, 12);
    const flood = burst(
      server.url,
      tokens.map((token, i) => ({ path: `/api/rooms/${id}/messages`, token, body: { text: `hello${i}` } })),
    );
    // While the flood waits on WeChat, the service answers its other routes.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect((await server.request('GET', '/healthz')).status).toBe(200);
    expect((await server.request('GET', `/api/rooms/${id}/stats`)).status).toBe(200);
    const answers = await flood;
    const result = codes(answers);
    expect(result.filter((c) => c === 200)).toHaveLength(5);
    expect(result.filter((c) => c === 'CONTENT_CHECK_UNAVAILABLE')).toHaveLength(7);
    expect(answers.find((a) => a.status !== 200)).toMatchObject({
      status: 503,
      body: { error: { code: 'CONTENT_CHECK_UNAVAILABLE', message: expect.stringContaining('try again') } },
    });
    expect(wechat.maxChecksInFlight).toBe(2);
    const stats = await server.request<{ stats: { messages: number } }>('GET', `/api/rooms/${id}/stats`);
    expect(stats.body.stats.messages).toBe(5);
  });

  test("ZEGO's broadcast is bounded: at most 1 at once, 1 waiting; the rest 503 CHAT_UNAVAILABLE, in order", async () => {
    s = await setup({ zegoBound: { concurrency: 1, queueMax: 1 } });
    const { server, zego } = s;
    zego.delayMs = 200;
    const { id } = await devLiveRoom(server, '热闹的直播间');
    const tokens = await wechatUsers(server, 6);
    const answers = await burst(
      server.url,
      tokens.map((token, i) => ({ path: `/api/rooms/${id}/messages`, token, body: { text: `hi${i}` } })),
    );
    const result = codes(answers);
    expect(result.filter((c) => c === 200)).toHaveLength(2);
    expect(result.filter((c) => c === 'CHAT_UNAVAILABLE')).toHaveLength(4);
    expect(zego.maxInFlight).toBe(1);
  });
});

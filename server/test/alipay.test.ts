import http from 'node:http';
import { ConfigError, loadConfig } from '../src/config';
import {
  bareBase64,
  FAKE_ACCESS_TOKEN,
  rsaPair,
  startFakeAlipay,
  type FakeAlipay,
} from './helpers/alipay-fake';
import {
  devLogin,
  LogCapture,
  startServer,
  tempDbFile,
  testConfig,
  WECHAT_APPID,
  WECHAT_SECRET,
  type TestServer,
} from './helpers/server';
import { startFakeWechat, type FakeWechat } from './helpers/wechat-fake';

interface SignIn {
  sessionToken: string;
  user: { id: string; nickname: string; avatarUrl: string };
}
interface ErrorBody {
  error: { code: string; message: string };
}
interface RoomBody {
  id: string;
  kind: 'live' | 'call';
  status: string;
  members: Array<{ id: string }>;
}
interface RtcRoom {
  bizName: string;
  subBiz: string;
  serverUrl: string;
  signature: string;
}

const ALIPAY_APP_ID = '2021004100000001';
const appKeys = rsaPair();
const alipayKeys = rsaPair();

const RTC = {
  ALIPAY_RTC_BIZ_NAME: 'demo-biz',
  ALIPAY_RTC_SUB_BIZ: 'demo-sub-biz',
  ALIPAY_RTC_SERVER_URL: 'wss://mrtc.example.com/ws',
  ALIPAY_RTC_SIGNATURE: 'rtc-signature-SECRET-from-alipay-bd-0123456789',
};

/** The environment of a service with Alipay sign-in against this gateway (the private key as bare base64). */
function alipayEnv(gateway: string): Record<string, string> {
  return {
    ALIPAY_APP_ID,
    ALIPAY_PRIVATE_KEY: bareBase64(appKeys.privatePem),
    ALIPAY_PUBLIC_KEY: alipayKeys.publicPem,
    ALIPAY_GATEWAY: gateway,
  };
}

/** A loopback port with nothing listening on it. */
async function closedPort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return address.port;
}

/** The variable a bad environment is rejected for (the message names it and never quotes a key). */
function rejected(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('accepted');
}

describe('Alipay configuration', () => {
  test('keys as PEM, as bare base64 (PKCS#8 and PKCS#1), or PEM with literal \\n; the default gateway', () => {
    const pkcs1 = appKeys.privateKey.export({ format: 'der', type: 'pkcs1' }).toString('base64');
    for (const privateKey of [
      appKeys.privatePem,
      bareBase64(appKeys.privatePem),
      pkcs1,
      appKeys.privatePem.trim().replace(/\n/g, '\\n'),
    ]) {
      const config = loadConfig({
        ALIPAY_APP_ID,
        ALIPAY_PRIVATE_KEY: privateKey,
        ALIPAY_PUBLIC_KEY: bareBase64(alipayKeys.publicPem),
      });
      expect(config.alipay).toEqual({
        appId: ALIPAY_APP_ID,
        privateKey: appKeys.privatePem,
        alipayPublicKey: alipayKeys.publicPem,
        gateway: 'https://openapi.alipay.com/gateway.do',
      });
      // Alipay credentials alone turn nickname sign-in off.
      expect(config.authMode).toBe('wechat');
    }
    expect(loadConfig({}).alipay).toBeNull();
    expect(loadConfig({}).alipayRtc).toEqual({
      configured: false,
      missing: ['ALIPAY_RTC_BIZ_NAME', 'ALIPAY_RTC_SUB_BIZ', 'ALIPAY_RTC_SERVER_URL', 'ALIPAY_RTC_SIGNATURE'],
    });
    expect(loadConfig({ ...RTC, ALIPAY_RTC_SUB_BIZ: ' ' }).alipayRtc).toEqual({
      configured: false,
      missing: ['ALIPAY_RTC_SUB_BIZ'],
    });
    expect(loadConfig(RTC).alipayRtc).toEqual({
      configured: true,
      bizName: 'demo-biz',
      subBiz: 'demo-sub-biz',
      serverUrl: 'wss://mrtc.example.com/ws',
      signature: RTC.ALIPAY_RTC_SIGNATURE,
    });
  });

  test('a wrong or partial Alipay configuration stops the start naming the variable, never quoting a key', () => {
    const full = {
      ALIPAY_APP_ID,
      ALIPAY_PRIVATE_KEY: bareBase64(appKeys.privatePem),
      ALIPAY_PUBLIC_KEY: alipayKeys.publicPem,
    };
    expect(rejected({ ALIPAY_APP_ID }).variable).toBe('ALIPAY_PRIVATE_KEY');
    expect(rejected({ ...full, ALIPAY_PUBLIC_KEY: '' }).variable).toBe('ALIPAY_PUBLIC_KEY');
    expect(rejected({ ...full, ALIPAY_APP_ID: 'wx0123' }).variable).toBe('ALIPAY_APP_ID');
    expect(rejected({ ...full, ALIPAY_GATEWAY: 'ftp://x' }).variable).toBe('ALIPAY_GATEWAY');
    const garbled = rejected({ ...full, ALIPAY_PRIVATE_KEY: 'not-a-key-SECRETISH' });
    expect(garbled.variable).toBe('ALIPAY_PRIVATE_KEY');
    expect(garbled.message).not.toContain('SECRETISH');
    // The private key where Alipay's public key belongs, and the app's own public key instead of Alipay's.
    const swapped = rejected({ ...full, ALIPAY_PUBLIC_KEY: appKeys.privatePem });
    expect(swapped.variable).toBe('ALIPAY_PUBLIC_KEY');
    expect(swapped.message).not.toContain(bareBase64(appKeys.privatePem).slice(0, 40));
    const own = rejected({ ...full, ALIPAY_PUBLIC_KEY: appKeys.publicPem });
    expect(own.variable).toBe('ALIPAY_PUBLIC_KEY');
    expect(own.message).toMatch(/支付宝公钥/);
  });
});

describe('Alipay sign-in and <rtc-room> parameters', () => {
  const logs = new LogCapture();
  const db = tempDbFile();
  let alipay: FakeAlipay;
  let wechat: FakeWechat;
  let server: TestServer;
  /** Every auth code this suite sends; none may show up in a log line. */
  const codes: string[] = [];

  async function alipayLogin(authCode: string, extra: Record<string, string> = {}) {
    codes.push(authCode);
    return server.request<SignIn & ErrorBody>('POST', '/api/auth/alipay', { body: { authCode, ...extra } });
  }

  beforeAll(async () => {
    alipay = await startFakeAlipay({
      appId: ALIPAY_APP_ID,
      appPublicKey: appKeys.publicKey,
      alipayKey: alipayKeys.privateKey,
    });
    wechat = await startFakeWechat();
    const config = testConfig(db.file, {
      ...alipayEnv(alipay.url),
      ...RTC,
      WECHAT_APPID,
      WECHAT_SECRET,
      WECHAT_API_BASE: wechat.url,
    });
    server = await startServer(config, { logStream: logs, logLevel: 'trace', alipayTimeoutMs: 400 });
  });

  afterAll(async () => {
    await server.close();
    await alipay.close();
    await wechat.close();
    db.cleanup();
  });

  test('a new Alipay user without a nickname is 支付宝用户, not 微信用户', async () => {
    const answer = await alipayLogin('good-1077');
    expect(answer.status).toBe(200);
    expect(answer.body.user.nickname).toBe('支付宝用户');
  });

  test('the code goes to alipay.system.oauth.token, signed; the same Alipay user is the same user next time', async () => {
    const first = await alipayLogin('good-1001', {
      nickname: '支付宝用户',
      avatarUrl: 'https://img.example.com/z.png',
    });
    expect(first.status).toBe(200);
    expect(first.body.user).toEqual({
      id: expect.stringMatching(/^u[0-9A-Za-z]{15}$/),
      nickname: '支付宝用户',
      avatarUrl: 'https://img.example.com/z.png',
    });
    expect(first.body.sessionToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // Neither Alipay's user ID nor its access token leaves the service.
    expect(JSON.stringify(first.body)).not.toMatch(/20881001|ACCESS-TOKEN|REFRESH/);

    const call = alipay.calls[alipay.calls.length - 1];
    expect(call.problems).toEqual([]);
    expect(call.params).toMatchObject({
      method: 'alipay.system.oauth.token',
      app_id: ALIPAY_APP_ID,
      grant_type: 'authorization_code',
      code: 'good-1001',
      sign_type: 'RSA2',
    });
    // The code travels in the POST body, not in the URL (which proxies and access logs keep).
    expect(call.inBody).toContain('code');
    expect(call.inQuery).not.toContain('code');

    const again = await alipayLogin('good-1001');
    expect(again.status).toBe(200);
    expect(again.body.user).toEqual(first.body.user);
    expect(again.body.sessionToken).not.toBe(first.body.sessionToken);
    const me = await server.request<{ user: SignIn['user'] }>('GET', '/api/auth/me', {
      token: again.body.sessionToken,
    });
    expect(me.body.user).toEqual(first.body.user);

    const other = await alipayLogin('good-1002');
    expect(other.body.user.id).not.toBe(first.body.user.id);
    // An app switched to OpenID gets open_id only: a user too, and a different one.
    const byOpenId = await alipayLogin('openid-1001');
    expect(byOpenId.status).toBe(200);
    expect([first.body.user.id, other.body.user.id]).not.toContain(byOpenId.body.user.id);
    expect((await alipayLogin('openid-1001')).body.user.id).toBe(byOpenId.body.user.id);
    expect(alipay.calls.every((c) => c.problems.length === 0)).toBe(true);
  });

  test("Alipay's error answer for a bad code is a 401 in English", async () => {
    const answer = await alipayLogin('bad');
    expect(answer.status).toBe(401);
    expect(answer.body.error.code).toBe('ALIPAY_CODE_INVALID');
    expect(answer.body.error.message).toMatch(/my\.getAuthCode/);
    expect(answer.body.error.message).not.toMatch(/[\u4e00-\u9fff]/);
  });

  test('Alipay busy, an HTTP error, no answer in time, or an answer not signed by Alipay: 503', async () => {
    for (const code of ['busy', 'http-500', 'slow', 'forged']) {
      const answer = await alipayLogin(code);
      expect([code, answer.status, answer.body.error.code]).toEqual([code, 503, 'ALIPAY_UNAVAILABLE']);
    }
    const forged = await alipayLogin('forged');
    expect(forged.body.error.message).toMatch(/ALIPAY_PUBLIC_KEY/);
  });

  test('the body is checked: no authCode, or a too long one, is a 400', async () => {
    expect((await server.request('POST', '/api/auth/alipay', { body: {} })).status).toBe(400);
    const long = 'x'.repeat(129);
    codes.push(long);
    expect((await server.request('POST', '/api/auth/alipay', { body: { authCode: long } })).status).toBe(400);
  });

  test('<rtc-room> parameters: a member of the call (Alipay or WeChat) gets the configured four values', async () => {
    const caller = await alipayLogin('good-2001');
    const weixin = await server.request<SignIn>('POST', '/api/auth/wechat', {
      body: { code: 'good-callee' },
    });
    const created = await server.request<{ room: RoomBody }>('POST', '/api/rooms', {
      token: caller.body.sessionToken,
      body: { title: '1v1', kind: 'call' },
    });
    const roomId = created.body.room.id;
    // The WeChat user joins the Alipay user's call: the same rooms and tokens for both apps.
    const joined = await server.request<{ streamID: string }>('POST', `/api/rooms/${roomId}/token`, {
      token: weixin.body.sessionToken,
      body: { role: 'call' },
    });
    expect(joined.status).toBe(200);
    expect(joined.body.streamID).toBe(`${roomId}_${weixin.body.user.id}`);

    for (const token of [caller.body.sessionToken, weixin.body.sessionToken]) {
      const rtc = await server.request<RtcRoom>('GET', `/api/rooms/${roomId}/rtc-room`, { token });
      expect(rtc.status).toBe(200);
      expect(rtc.headers.get('cache-control')).toBe('no-store');
      expect(rtc.body).toEqual({
        bizName: 'demo-biz',
        subBiz: 'demo-sub-biz',
        serverUrl: 'wss://mrtc.example.com/ws',
        signature: RTC.ALIPAY_RTC_SIGNATURE,
      });
    }

    // A stranger (a third user) is refused; so is nobody.
    const stranger = await alipayLogin('good-2002');
    const refused = await server.request<ErrorBody>('GET', `/api/rooms/${roomId}/rtc-room`, {
      token: stranger.body.sessionToken,
    });
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('NOT_A_MEMBER');
    expect(JSON.stringify(refused.body)).not.toContain(RTC.ALIPAY_RTC_SIGNATURE);
    expect((await server.request('GET', `/api/rooms/${roomId}/rtc-room`)).status).toBe(401);

    // A live room is not a call; an unknown room is a 404.
    const liveRoom = await server.request<{ room: RoomBody }>('POST', '/api/rooms', {
      token: caller.body.sessionToken,
      body: { title: 'live' },
    });
    const wrongKind = await server.request<ErrorBody>('GET', `/api/rooms/${liveRoom.body.room.id}/rtc-room`, {
      token: caller.body.sessionToken,
    });
    expect([wrongKind.status, wrongKind.body.error.code]).toEqual([400, 'WRONG_KIND']);
    const unknown = await server.request<ErrorBody>('GET', '/api/rooms/r0000000000000000/rtc-room', {
      token: caller.body.sessionToken,
    });
    expect(unknown.status).toBe(404);

    // A hung-up call hands out nothing more.
    const ended = await server.request('POST', `/api/rooms/${roomId}/end`, {
      token: weixin.body.sessionToken,
    });
    expect(ended.status).toBe(200);
    const after = await server.request<ErrorBody>('GET', `/api/rooms/${roomId}/rtc-room`, {
      token: caller.body.sessionToken,
    });
    expect([after.status, after.body.error.code]).toEqual([409, 'ROOM_ENDED']);
  });

  test('the logs never contain the private key, an auth code, the rtc-room signature or Alipay tokens', () => {
    expect(logs.lines.length).toBeGreaterThan(20);
    // The suite's failures were logged, by kind only.
    expect(logs.text).toMatch(/Alipay sign-in failed/);
    const privateBody = bareBase64(appKeys.privatePem);
    for (let i = 0; i + 64 <= privateBody.length; i += 64) {
      expect(logs.text).not.toContain(privateBody.slice(i, i + 64));
    }
    expect(logs.text).not.toContain(RTC.ALIPAY_RTC_SIGNATURE);
    expect(logs.text).not.toContain(FAKE_ACCESS_TOKEN);
    expect(logs.text).not.toContain('REFRESH-must-not-leak');
    expect(codes.length).toBeGreaterThan(8);
    // Codes as JSON values or parameters: short ones ("bad") are also ordinary words.
    for (const code of codes) {
      expect(logs.text).not.toContain(`"${code}"`);
      expect(logs.text).not.toContain(`code=${code}`);
    }
    expect(logs.text).not.toContain('good-1001');
  });
});

describe('Alipay unreachable or not configured', () => {
  test('a gateway nobody answers on: 503 ALIPAY_UNAVAILABLE', async () => {
    const db = tempDbFile();
    const port = await closedPort();
    const server = await startServer(testConfig(db.file, alipayEnv(`http://127.0.0.1:${port}/gateway.do`)));
    try {
      const answer = await server.request<ErrorBody>('POST', '/api/auth/alipay', {
        body: { authCode: 'good-1' },
      });
      expect(answer.status).toBe(503);
      expect(answer.body.error.code).toBe('ALIPAY_UNAVAILABLE');
      expect(answer.body.error.message).not.toContain(String(port));
    } finally {
      await server.close();
      db.cleanup();
    }
  });

  test('a request signed with another private key is refused by the gateway: 503 naming the credentials', async () => {
    const alipay = await startFakeAlipay({
      appId: ALIPAY_APP_ID,
      appPublicKey: appKeys.publicKey,
      alipayKey: alipayKeys.privateKey,
    });
    const db = tempDbFile();
    const server = await startServer(
      testConfig(db.file, { ...alipayEnv(alipay.url), ALIPAY_PRIVATE_KEY: rsaPair().privatePem }),
    );
    try {
      const answer = await server.request<ErrorBody>('POST', '/api/auth/alipay', {
        body: { authCode: 'good-1' },
      });
      expect(answer.status).toBe(503);
      expect(answer.body.error.code).toBe('ALIPAY_UNAVAILABLE');
      expect(answer.body.error.message).toMatch(/ALIPAY_PRIVATE_KEY/);
      expect(alipay.calls.map((call) => call.problems)).toEqual([
        ['request signature does not verify with the app public key'],
      ]);
    } finally {
      await server.close();
      await alipay.close();
      db.cleanup();
    }
  });

  test('Alipay sign-in is rate limited like WeChat sign-in (429 RATE_LIMITED beyond the sign-in limit)', async () => {
    const db = tempDbFile();
    const server = await startServer(testConfig(db.file), {
      rateLimits: { auth: { max: 2, timeWindow: 60_000 } },
    });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 3; i += 1) {
        statuses.push(
          (await server.request('POST', '/api/auth/alipay', { body: { authCode: `good-${i}` } })).status,
        );
      }
      expect(statuses).toEqual([503, 503, 429]);
    } finally {
      await server.close();
      db.cleanup();
    }
  });

  test('without Alipay credentials: 503 naming the variables; dev sign-in serves Alipay users meanwhile', async () => {
    const db = tempDbFile();
    const server = await startServer(testConfig(db.file, { ALIPAY_RTC_BIZ_NAME: 'demo-biz' }));
    try {
      expect(server.config.authMode).toBe('dev');
      const answer = await server.request<ErrorBody>('POST', '/api/auth/alipay', {
        body: { authCode: 'good-1' },
      });
      expect(answer.status).toBe(503);
      expect(answer.body.error.code).toBe('ALIPAY_NOT_CONFIGURED');
      for (const name of ['ALIPAY_APP_ID', 'ALIPAY_PRIVATE_KEY', 'ALIPAY_PUBLIC_KEY', '/api/auth/dev']) {
        expect(answer.body.error.message).toContain(name);
      }

      // The development sign-in's users share calls; without ALIPAY_RTC_* the route names what is missing.
      const a = await devLogin(server, 'alipay-dev');
      const call = await server.request<{ room: RoomBody }>('POST', '/api/rooms', {
        token: a.token,
        body: { title: 'dev call', kind: 'call' },
      });
      const rtc = await server.request<ErrorBody>('GET', `/api/rooms/${call.body.room.id}/rtc-room`, {
        token: a.token,
      });
      expect(rtc.status).toBe(503);
      expect(rtc.body.error.code).toBe('RTC_ROOM_NOT_CONFIGURED');
      for (const name of ['ALIPAY_RTC_SUB_BIZ', 'ALIPAY_RTC_SERVER_URL', 'ALIPAY_RTC_SIGNATURE']) {
        expect(rtc.body.error.message).toContain(name);
      }
      expect(rtc.body.error.message).not.toContain('ALIPAY_RTC_BIZ_NAME');
      // Still never to a stranger.
      const b = await devLogin(server, 'stranger');
      const refused = await server.request<ErrorBody>('GET', `/api/rooms/${call.body.room.id}/rtc-room`, {
        token: b.token,
      });
      expect(refused.status).toBe(403);
    } finally {
      await server.close();
      db.cleanup();
    }
  });
});

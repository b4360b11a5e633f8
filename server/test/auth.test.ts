import { startFakeWechat, type FakeWechat } from './helpers/wechat-fake';
import {
  devLogin,
  startServer,
  tempDbFile,
  testConfig,
  WECHAT_APPID,
  WECHAT_SECRET,
  type TestServer,
} from './helpers/server';

interface SignIn {
  sessionToken: string;
  user: { id: string; nickname: string; avatarUrl: string };
}
interface ErrorBody {
  error: { code: string; message: string };
}

describe('sign-in', () => {
  let wechat: FakeWechat;
  let server: TestServer;
  let devServer: TestServer;
  const db = tempDbFile();
  const devDb = tempDbFile();

  beforeAll(async () => {
    wechat = await startFakeWechat();
    const config = testConfig(db.file, { WECHAT_APPID, WECHAT_SECRET, WECHAT_API_BASE: wechat.url });
    server = await startServer(config, { wechatTimeoutMs: 300 });
    devServer = await startServer(testConfig(devDb.file));
  });

  afterAll(async () => {
    await server.close();
    await devServer.close();
    await wechat.close();
    db.cleanup();
    devDb.cleanup();
  });

  test('WeChat sign-in: the code goes to code2Session, the openid becomes our user and is never returned', async () => {
    const first = await server.request<SignIn>('POST', '/api/auth/wechat', {
      body: { code: 'good-alice', nickname: '小明', avatarUrl: 'https://img.example.com/a.png' },
    });
    expect(first.status).toBe(200);
    expect(first.body.user).toEqual({
      id: expect.stringMatching(/^u[0-9A-Za-z]{15}$/),
      nickname: '小明',
      avatarUrl: 'https://img.example.com/a.png',
    });
    expect(first.body.sessionToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(JSON.stringify(first.body)).not.toMatch(/o-alice|SESSIONKEY/);

    const call = wechat.requests[wechat.requests.length - 1];
    expect(call.pathname).toBe('/sns/jscode2session');
    expect(Object.fromEntries(call.searchParams)).toEqual({
      appid: WECHAT_APPID,
      secret: WECHAT_SECRET,
      js_code: 'good-alice',
      grant_type: 'authorization_code',
    });

    // Same openid, same user; a new session; profile kept when not sent.
    const again = await server.request<SignIn>('POST', '/api/auth/wechat', { body: { code: 'good-alice' } });
    expect(again.body.user).toEqual(first.body.user);
    expect(again.body.sessionToken).not.toBe(first.body.sessionToken);

    const me = await server.request<{ user: SignIn['user'] }>('GET', '/api/auth/me', {
      token: first.body.sessionToken,
    });
    expect(me.status).toBe(200);
    expect(me.body.user).toEqual(first.body.user);
  });

  test('an invalid code (errcode 40029) is a 401 with a clear message', async () => {
    const answer = await server.request<ErrorBody>('POST', '/api/auth/wechat', { body: { code: 'bad' } });
    expect(answer.status).toBe(401);
    expect(answer.body.error.code).toBe('WECHAT_CODE_INVALID');
    expect(answer.body.error.message).toMatch(/wx\.login/);
  });

  test('WeChat down, busy, broken or slow is a 503 that never quotes the secret', async () => {
    for (const code of ['busy', 'http-500', 'slow']) {
      const answer = await server.request<ErrorBody>('POST', '/api/auth/wechat', { body: { code } });
      expect(answer.status).toBe(503);
      expect(answer.body.error.code).toBe('WECHAT_UNAVAILABLE');
      expect(JSON.stringify(answer.body)).not.toContain(WECHAT_SECRET);
    }
    const downDb = tempDbFile();
    const down = await startServer(
      testConfig(downDb.file, { WECHAT_APPID, WECHAT_SECRET, WECHAT_API_BASE: 'http://127.0.0.1:9' }),
    );
    try {
      const answer = await down.request<ErrorBody>('POST', '/api/auth/wechat', { body: { code: 'good-x' } });
      expect(answer.status).toBe(503);
      expect(answer.body.error.message).toMatch(/unavailable/);
    } finally {
      await down.close();
      downDb.cleanup();
    }
  });

  test('WeChat sign-in without WeChat credentials is a 503 naming the variables', async () => {
    const answer = await devServer.request<ErrorBody>('POST', '/api/auth/wechat', {
      body: { code: 'good-a' },
    });
    expect(answer.status).toBe(503);
    expect(answer.body.error.message).toMatch(/WECHAT_APPID and WECHAT_SECRET/);
  });

  test('development sign-in only in AUTH_MODE=dev; the same nickname is the same user', async () => {
    const a = await devLogin(devServer, 'tester');
    const b = await devLogin(devServer, 'tester');
    expect(a.userId).toBe(b.userId);
    expect(a.token).not.toBe(b.token);

    const refused = await server.request<ErrorBody>('POST', '/api/auth/dev', { body: { nickname: 'x' } });
    expect(refused.status).toBe(403);
    expect(refused.body.error.message).toMatch(/AUTH_MODE=wechat/);
  });

  test('schema errors name the field', async () => {
    const missing = await devServer.request<ErrorBody>('POST', '/api/auth/dev', { body: {} });
    expect(missing.status).toBe(400);
    expect(missing.body.error).toEqual({ code: 'BAD_REQUEST', message: expect.stringContaining('nickname') });
    const long = await devServer.request<ErrorBody>('POST', '/api/auth/dev', {
      body: { nickname: 'x'.repeat(33) },
    });
    expect(long.status).toBe(400);
    expect(long.body.error.message).toMatch(/nickname/);
    const badJson = await devServer.request<ErrorBody>('POST', '/api/auth/dev', {
      raw: '{"nickname":',
      headers: { 'content-type': 'application/json' },
    });
    expect(badJson.status).toBe(400);
    expect(badJson.body.error.code).toBe('BAD_REQUEST');
  });

  test('logout revokes the session: it is then a 401', async () => {
    const { token } = await devLogin(devServer, 'leaver');
    expect((await devServer.request('GET', '/api/auth/me', { token })).status).toBe(200);
    // A bodiless POST with a JSON content type is accepted.
    const out = await devServer.request('POST', '/api/auth/logout', {
      token,
      headers: { 'content-type': 'application/json' },
    });
    expect(out.status).toBe(200);
    const after = await devServer.request<ErrorBody>('GET', '/api/auth/me', { token });
    expect(after.status).toBe(401);
    expect(after.body.error.code).toBe('UNAUTHORIZED');
    expect((await devServer.request('POST', '/api/auth/logout', { token })).status).toBe(401);
    expect((await devServer.request('GET', '/api/auth/me')).status).toBe(401);
    expect(
      (await devServer.request('GET', '/api/auth/me', { headers: { authorization: 'Basic abc' } })).status,
    ).toBe(401);
  });

  test('sessions expire after 30 days', async () => {
    let now = Date.UTC(2026, 0, 1);
    const db2 = tempDbFile();
    const timed = await startServer(testConfig(db2.file), { now: () => now });
    try {
      const { token } = await devLogin(timed, 'sleeper');
      now += 29 * 24 * 3600 * 1000;
      expect((await timed.request('GET', '/api/auth/me', { token })).status).toBe(200);
      now += 2 * 24 * 3600 * 1000;
      expect((await timed.request('GET', '/api/auth/me', { token })).status).toBe(401);
    } finally {
      await timed.close();
      db2.cleanup();
    }
  });

  test('sign-in is rate limited: 429 RATE_LIMITED', async () => {
    const db3 = tempDbFile();
    const limited = await startServer(testConfig(db3.file), {
      rateLimits: { auth: { max: 3, timeWindow: 60_000 } },
    });
    try {
      const statuses: number[] = [];
      const limitHeaders: string[][] = [];
      for (let i = 0; i < 5; i += 1) {
        const signIn = await limited.request('POST', '/api/auth/dev', { body: { nickname: `n${i}` } });
        statuses.push(signIn.status);
        limitHeaders.push([...signIn.headers.keys()].filter((name) => /ratelimit|retry-after/i.test(name)));
      }
      expect(statuses).toEqual([200, 200, 200, 429, 429]);
      // An answer within the limit carries no rate-limit headers; only a refusal does.
      expect(limitHeaders.slice(0, 3)).toEqual([[], [], []]);
      const answer = await limited.request<ErrorBody>('POST', '/api/auth/dev', { body: { nickname: 'z' } });
      expect(answer.body.error.code).toBe('RATE_LIMITED');
      // A refusal says when to try again and what the limit is.
      expect(Number(answer.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(answer.headers.get('x-ratelimit-limit')).toBe('3');
      expect(answer.headers.get('x-ratelimit-remaining')).toBe('0');
    } finally {
      await limited.close();
      db3.cleanup();
    }
  });

  test('behind a reverse proxy (TRUST_PROXY=1) each client has its own limit, not the proxy', async () => {
    const signIns = async (server: TestServer) => {
      const statuses: number[] = [];
      for (const client of ['203.0.113.1', '203.0.113.1', '203.0.113.2', '203.0.113.3']) {
        const headers = { 'x-forwarded-for': client };
        statuses.push(
          (await server.request('POST', '/api/auth/dev', { body: { nickname: 'n' }, headers })).status,
        );
      }
      return statuses;
    };
    const limits = { rateLimits: { auth: { max: 2, timeWindow: 60_000 } } };
    const db4 = tempDbFile();
    const proxied = await startServer(testConfig(db4.file, { TRUST_PROXY: '1' }), limits);
    const db5 = tempDbFile();
    const direct = await startServer(testConfig(db5.file), limits);
    try {
      expect(await signIns(proxied)).toEqual([200, 200, 200, 200]);
      // Without it the forwarded address is ignored: every request is the proxy's, and the third is refused.
      expect(await signIns(direct)).toEqual([200, 200, 429, 429]);
    } finally {
      await proxied.close();
      await direct.close();
      db4.cleanup();
      db5.cleanup();
    }
  });
});

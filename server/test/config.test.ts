import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig, loadDotEnv, parseDotEnv, SERVER_ROOT } from '../src/config';

const SECRET = 'ZegoTestSecret0123456789abcdefXY';

/** The variable a bad environment is rejected for. */
function rejected(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) {
      expect(error.message.startsWith(`${error.variable}:`)).toBe(true);
      return error.variable;
    }
    throw error;
  }
  throw new Error('accepted');
}

describe('config', () => {
  test('defaults without any variable: dev sign-in, no ZEGO, ./data/live.db under server/', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      zego: null,
      wechat: null,
      authMode: 'dev',
      tokenTTL: 3600,
      port: 3000,
      host: '127.0.0.1',
      wechatApiBase: 'https://api.weixin.qq.com',
      consoleToken: null,
      linkBaseUrl: null,
    });
    expect(config.database).toBe(path.join(SERVER_ROOT, 'data', 'live.db'));
  });

  test('a full configuration; AUTH_MODE defaults to wechat with WeChat credentials', () => {
    const config = loadConfig({
      ZEGO_APP_ID: '123',
      ZEGO_SERVER_SECRET: SECRET,
      ZEGO_SERVER: 'wss://a.example.com/ws, wss://b.example.com/ws',
      WECHAT_APPID: 'wx0123456789abcdef',
      WECHAT_SECRET: '0123456789abcdef0123456789abcdef',
      TOKEN_TTL: '600',
      PORT: '8080',
      LINK_BASE_URL: 'https://live.example.com/',
    });
    expect(config.zego).toEqual({
      appID: 123,
      serverSecret: SECRET,
      server: ['wss://a.example.com/ws', 'wss://b.example.com/ws'],
    });
    expect(config.authMode).toBe('wechat');
    expect(config.tokenTTL).toBe(600);
    expect(config.port).toBe(8080);
    expect(config.linkBaseUrl).toBe('https://live.example.com');
    expect(loadConfig({ ZEGO_APP_ID: '7', ZEGO_SERVER_SECRET: SECRET }).zego?.server[0]).toMatch(/^wss:\/\//);
  });

  test.each([
    [{ ZEGO_APP_ID: 'abc', ZEGO_SERVER_SECRET: SECRET }, 'ZEGO_APP_ID'],
    [{ ZEGO_SERVER_SECRET: SECRET }, 'ZEGO_APP_ID'],
    [{ ZEGO_APP_ID: '1', ZEGO_SERVER_SECRET: 'too-short' }, 'ZEGO_SERVER_SECRET'],
    [{ ZEGO_APP_ID: '1' }, 'ZEGO_SERVER_SECRET'],
    [{ ZEGO_APP_ID: '1', ZEGO_SERVER_SECRET: SECRET, ZEGO_SERVER: 'https://x.example.com' }, 'ZEGO_SERVER'],
    [{ WECHAT_APPID: 'nope', WECHAT_SECRET: '0123456789abcdef0123456789abcdef' }, 'WECHAT_APPID'],
    [{ WECHAT_APPID: 'wx0123456789abcdef' }, 'WECHAT_SECRET'],
    [{ WECHAT_API_BASE: 'ftp://x' }, 'WECHAT_API_BASE'],
    [{ AUTH_MODE: 'open' }, 'AUTH_MODE'],
    [{ AUTH_MODE: 'wechat' }, 'AUTH_MODE'],
    [{ TOKEN_TTL: '1h' }, 'TOKEN_TTL'],
    [{ TOKEN_TTL: '5' }, 'TOKEN_TTL'],
    [{ PORT: '70000' }, 'PORT'],
    [{ CONSOLE_TOKEN: 'short' }, 'CONSOLE_TOKEN'],
    [{ ZEGO_CALLBACK_SECRET: 'x' }, 'ZEGO_CALLBACK_SECRET'],
    [{ LINK_BASE_URL: 'not a url' }, 'LINK_BASE_URL'],
    [{ TRUST_PROXY: 'yes please' }, 'TRUST_PROXY'],
    [{ DATABASE_URL: 'mysql://u:p@h/db', AVATAR_DIR: '/shared' }, 'DATABASE_URL'],
    [{ DATABASE_URL: 'postgres://u:p@h/db' }, 'AVATAR_DIR'],
    [{ REDIS_URL: 'http://h:6379' }, 'REDIS_URL'],
    [{ REDIS_KEY_PREFIX: 'has space' }, 'REDIS_KEY_PREFIX'],
    [{ HEARTBEAT_PAUSE_MS: '60000', HEARTBEAT_END_MS: '30000' }, 'HEARTBEAT_END_MS'],
    [{ HEARTBEAT_PAUSE_MS: 'soon' }, 'HEARTBEAT_PAUSE_MS'],
  ])('%j is rejected naming %s', (env, variable) => {
    expect(rejected(env)).toBe(variable);
  });

  test('PostgreSQL, Redis, shared avatars and heartbeat settings; a bad DATABASE_URL never echoes its password', () => {
    const config = loadConfig({
      DATABASE_URL: 'postgres://live:pw@db.internal:5432/live',
      AVATAR_DIR: '/mnt/shared/avatars',
      REDIS_URL: 'redis://cache.internal:6379',
      HEARTBEAT_PAUSE_MS: '20000',
    });
    expect(config).toMatchObject({
      databaseUrl: 'postgres://live:pw@db.internal:5432/live',
      avatarDir: '/mnt/shared/avatars',
      redisUrl: 'redis://cache.internal:6379',
      redisKeyPrefix: 'live-rate-limit:',
      heartbeat: { pauseMs: 20000, endMs: 600000, sweepMs: 6667 },
    });
    const defaults = loadConfig({});
    expect(defaults).toMatchObject({
      databaseUrl: null,
      redisUrl: null,
      heartbeat: { pauseMs: 30000, endMs: 600000 },
    });
    expect(defaults.avatarDir).toBe(path.join(SERVER_ROOT, 'data', 'avatars'));
    expect(() => loadConfig({ DATABASE_URL: 'mysql://live:SECRETPW@h/db', AVATAR_DIR: '/x' })).toThrow(
      expect.not.objectContaining({ message: expect.stringContaining('SECRETPW') }),
    );
  });

  test("co-hosting settings and ZEGO's server API: on with ZEGO credentials, off by switch, validated", () => {
    const zego = { ZEGO_APP_ID: '123', ZEGO_SERVER_SECRET: SECRET };
    expect(loadConfig({})).toMatchObject({
      zegoServerApi: null,
      cohost: { limit: 3, requestTtlMs: 30000, silenceMs: 30000 },
    });
    expect(loadConfig(zego).zegoServerApi).toEqual({ url: 'https://rtc-api.zego.im' });
    expect(
      loadConfig({ ...zego, ZEGO_SERVER_API_URL: 'https://rtc-api-sha.zego.im/' }).zegoServerApi,
    ).toEqual({
      url: 'https://rtc-api-sha.zego.im',
    });
    expect(loadConfig({ ...zego, ZEGO_SERVER_API: 'OFF' }).zegoServerApi).toBeNull();
    expect(
      loadConfig({ COHOST_LIMIT: '8', COHOST_REQUEST_TTL_MS: '15000', COHOST_SILENCE_MS: '60000' }).cohost,
    ).toEqual({ limit: 8, requestTtlMs: 15000, silenceMs: 60000 });
    expect(rejected({ COHOST_LIMIT: '0' })).toBe('COHOST_LIMIT');
    expect(rejected({ COHOST_LIMIT: '9' })).toBe('COHOST_LIMIT');
    expect(rejected({ COHOST_REQUEST_TTL_MS: 'soon' })).toBe('COHOST_REQUEST_TTL_MS');
    expect(rejected({ COHOST_SILENCE_MS: '10' })).toBe('COHOST_SILENCE_MS');
    expect(rejected({ ...zego, ZEGO_SERVER_API: 'maybe' })).toBe('ZEGO_SERVER_API');
    expect(rejected({ ZEGO_SERVER_API: 'on' })).toBe('ZEGO_SERVER_API');
    expect(rejected({ ...zego, ZEGO_SERVER_API_URL: 'ftp://x' })).toBe('ZEGO_SERVER_API_URL');
  });

  test('.env parsing and loading never overrides the real environment', () => {
    expect(parseDotEnv('# comment\nA=1\nexport B="two words"\nC=\'x\' \nD=plain # note\n\nbad line')).toEqual(
      {
        A: '1',
        B: 'two words',
        C: 'x',
        D: 'plain',
      },
    );
    const dir = mkdtempSync(path.join(os.tmpdir(), 'live-env-'));
    try {
      const file = path.join(dir, '.env');
      writeFileSync(file, 'PORT=4000\nHOST=0.0.0.0\n');
      const env: Record<string, string | undefined> = { PORT: '5000' };
      loadDotEnv(file, env);
      expect(env).toEqual({ PORT: '5000', HOST: '0.0.0.0' });
      loadDotEnv(path.join(dir, 'missing.env'), env);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

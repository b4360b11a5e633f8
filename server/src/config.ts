import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigError, type AuthMode, type Config } from './config-types';
import {
  httpUrl,
  integer,
  read,
  readAlipay,
  readAlipayRtc,
  readCohost,
  readTrustProxy,
  readUrl,
  readWechat,
  readZego,
  readZegoServerApi,
  readRecording,
  type Env,
} from './config-env';

export * from './config-types';
export { ALIPAY_RTC_VARIABLES, ALIPAY_VARIABLES } from './config-env';

/** Folder of the service (server/), the base for relative paths such as DATABASE. */
export const SERVER_ROOT = path.resolve(__dirname, '..');

export function loadConfig(env: Env = process.env): Config {
  const zego = readZego(env);
  const wechat = readWechat(env);
  const alipay = readAlipay(env);

  const callbackSecret = read(env, 'ZEGO_CALLBACK_SECRET') ?? null;
  if (callbackSecret !== null && callbackSecret.length < 8) {
    throw new ConfigError('ZEGO_CALLBACK_SECRET', 'must be the CallbackSecret from the ZEGO console');
  }

  const consoleToken = read(env, 'CONSOLE_TOKEN') ?? null;
  if (consoleToken !== null && (consoleToken.length < 8 || /\s/.test(consoleToken))) {
    throw new ConfigError('CONSOLE_TOKEN', 'must be at least 8 characters without spaces');
  }

  const modeRaw = read(env, 'AUTH_MODE');
  let authMode: AuthMode;
  // Platform credentials (WeChat or Alipay) turn nickname sign-in off unless AUTH_MODE=dev says otherwise.
  if (modeRaw === undefined) authMode = wechat || alipay ? 'wechat' : 'dev';
  else if (modeRaw === 'dev' || modeRaw === 'wechat') authMode = modeRaw;
  else throw new ConfigError('AUTH_MODE', `must be "dev" or "wechat", got "${modeRaw}"`);
  if (authMode === 'wechat' && wechat === null && alipay === null) {
    throw new ConfigError(
      'AUTH_MODE',
      'is "wechat" but neither WECHAT_APPID and WECHAT_SECRET nor the ALIPAY_* sign-in variables are set',
    );
  }

  const wechatApiBaseRaw = read(env, 'WECHAT_API_BASE');
  const wechatApiBase =
    wechatApiBaseRaw === undefined
      ? 'https://api.weixin.qq.com'
      : httpUrl('WECHAT_API_BASE', wechatApiBaseRaw);

  const linkRaw = read(env, 'LINK_BASE_URL');
  const linkBaseUrl = linkRaw === undefined ? null : httpUrl('LINK_BASE_URL', linkRaw);

  const publicRaw = read(env, 'PUBLIC_BASE_URL');
  const publicBaseUrl = publicRaw === undefined ? null : httpUrl('PUBLIC_BASE_URL', publicRaw);

  const database = path.resolve(SERVER_ROOT, read(env, 'DATABASE') ?? './data/live.db');
  const databaseUrl = readUrl(
    env,
    'DATABASE_URL',
    ['postgres:', 'postgresql:'],
    'postgres://user:password@host:5432/db',
  );
  const redisUrl = readUrl(env, 'REDIS_URL', ['redis:', 'rediss:'], 'redis://host:6379');
  const redisKeyPrefix = read(env, 'REDIS_KEY_PREFIX') ?? 'live-rate-limit:';
  if (!/^[A-Za-z0-9:_.-]{1,64}$/.test(redisKeyPrefix)) {
    throw new ConfigError('REDIS_KEY_PREFIX', 'must be 1-64 characters of [A-Za-z0-9:_.-]');
  }
  const avatarRaw = read(env, 'AVATAR_DIR');
  if (databaseUrl !== null && avatarRaw === undefined) {
    // With PostgreSQL there may be many instances: a folder beside a local SQLite file would be per machine.
    throw new ConfigError(
      'AVATAR_DIR',
      'is required with DATABASE_URL: a folder every instance shares (e.g. a network mount) for avatars',
    );
  }
  const avatarDir =
    avatarRaw === undefined
      ? path.join(path.dirname(database), 'avatars')
      : path.resolve(SERVER_ROOT, avatarRaw);
  const pauseMs = integer(env, 'HEARTBEAT_PAUSE_MS', 30_000, 1000, 24 * 3600 * 1000);
  const endMs = integer(env, 'HEARTBEAT_END_MS', 600_000, 1000, 7 * 24 * 3600 * 1000);
  if (endMs <= pauseMs) {
    throw new ConfigError(
      'HEARTBEAT_END_MS',
      `must be longer than HEARTBEAT_PAUSE_MS (${pauseMs}), got ${endMs}`,
    );
  }
  // Looking a few times per pause period keeps the pause within ~1/3 of its configured time.
  const sweepMs = integer(
    env,
    'HEARTBEAT_SWEEP_MS',
    Math.min(10_000, Math.ceil(pauseMs / 3)),
    100,
    3600 * 1000,
  );

  const trustProxy = readTrustProxy(read(env, 'TRUST_PROXY'));

  const host = read(env, 'HOST') ?? '127.0.0.1';
  if (/\s/.test(host)) throw new ConfigError('HOST', `must be a host name or address, got "${host}"`);

  return {
    zego,
    zegoServerApi: readZegoServerApi(env, zego),
    cohost: readCohost(env),
    zegoCallbackSecret: callbackSecret,
    recording: readRecording(env, zego, callbackSecret),
    wechat,
    wechatApiBase,
    alipay,
    alipayRtc: readAlipayRtc(env),
    consoleToken,
    authMode,
    database,
    databaseUrl,
    avatarDir,
    redisUrl,
    redisKeyPrefix,
    heartbeat: { pauseMs, endMs, sweepMs },
    tokenTTL: integer(env, 'TOKEN_TTL', 3600, 60, 24 * 3600),
    callRingTimeoutMs: integer(env, 'CALL_RING_TIMEOUT_MS', 30_000, 1000, 600_000),
    port: integer(env, 'PORT', 3000, 0, 65535),
    host,
    linkBaseUrl,
    publicBaseUrl,
    // Long enough for a 1 MB cover over a slow phone network, short enough that a drip of bytes lets go.
    requestTimeoutMs: integer(env, 'REQUEST_TIMEOUT_MS', 30_000, 1000, 600_000),
    reportRetentionDays: integer(env, 'REPORT_RETENTION_DAYS', 14, 1, 365),
    trustProxy,
    countersFlushMs: integer(env, 'COUNTERS_FLUSH_MS', 1000, 100, 60_000),
    giftDailyPoints: integer(env, 'GIFT_DAILY_POINTS', 100, 0, 1_000_000),
  };
}

/** Parses a .env file's text: KEY=value lines, # comments, optional single or double quotes. */
export function parseDotEnv(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const match = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/.exec(line);
    if (!match) continue;
    let value = match[2];
    const quoted = /^(['"])(.*)\1$/.exec(value);
    if (quoted) value = quoted[2];
    else value = value.replace(/\s+#.*$/, '');
    out[match[1]] = value;
  }
  return out;
}

/** Loads server/.env (if present) into env without overriding variables already set. */
export function loadDotEnv(file = path.join(SERVER_ROOT, '.env'), env: Env = process.env): void {
  if (!existsSync(file)) return;
  for (const [key, value] of Object.entries(parseDotEnv(readFileSync(file, 'utf8')))) {
    if (env[key] === undefined) env[key] = value;
  }
}

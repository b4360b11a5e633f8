import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import path from 'node:path';

/** Folder of the service (server/), the base for relative paths such as DATABASE. */
export const SERVER_ROOT = path.resolve(__dirname, '..');

/** ZEGO project credentials; absent when the service runs without ZEGO (tokens then answer 503). */
export interface ZegoConfig {
  appID: number;
  serverSecret: string;
  server: string[];
}

/** ZEGO's server API (rtc-api.zego.im): signalling, stopping streams and mixing; null when off or ZEGO is not configured. */
export interface ZegoServerApiConfig {
  /** ZEGO_SERVER_API_URL: the base URL (default https://rtc-api.zego.im; region hosts rtc-api-<region>.zego.im). */
  url: string;
}

/** Co-hosting (连麦): how many at once, how long a request waits, how long a silent co-host stays. */
export interface CohostConfig {
  /** COHOST_LIMIT: co-hosts on at once in one room (1..8, default 3). */
  limit: number;
  /** COHOST_REQUEST_TTL_MS: an unanswered request lapses after this (default 30000). */
  requestTtlMs: number;
  /** COHOST_SILENCE_MS: a co-host without a heartbeat for this long is ended by the sweeper (default 30000). */
  silenceMs: number;
}

/** WeChat mini-program credentials used for code2Session. */
export interface WechatConfig {
  appID: string;
  secret: string;
  /** Which build a mini-program code opens (WECHAT_ENV_VERSION): release, trial or develop. */
  envVersion: 'release' | 'trial' | 'develop';
  /** The subscribe-message template of the start reminder (开播提醒), or null: reminders are then unavailable. */
  liveTemplate?: LiveTemplateConfig | null;
}

/** WECHAT_LIVE_TEMPLATE_ID and the keywords its data fills (WECHAT_LIVE_TEMPLATE_KEYS: title, start time, anchor). */
export interface LiveTemplateConfig {
  id: string;
  keys: { title: string; time: string; anchor: string };
}

/** Alipay mini-program credentials used for alipay.system.oauth.token (keys normalised to PEM). */
export interface AlipayConfig {
  appId: string;
  /** The app's RSA2 private key as PKCS#8 PEM; never logged. */
  privateKey: string;
  /** Alipay's public key (SPKI PEM), verifies Alipay's answers. */
  alipayPublicKey: string;
  /** ALIPAY_GATEWAY: the OpenAPI gateway (production https://openapi.alipay.com/gateway.do). */
  gateway: string;
}

/** The `<rtc-room>` parameters Alipay's business contact issues; or which variables are missing. */
export type AlipayRtcConfig =
  | { configured: true; bizName: string; subBiz: string; serverUrl: string; signature: string }
  | { configured: false; missing: string[] };

/** dev: nickname sign-in; wechat: only platform sign-in (WeChat and/or Alipay), the name is historical. */
export type AuthMode = 'dev' | 'wechat';

/** The validated configuration of the service. */
export interface Config {
  zego: ZegoConfig | null;
  /** ZEGO's server API, on by default when ZEGO is configured (ZEGO_SERVER_API=off turns it off). */
  zegoServerApi: ZegoServerApiConfig | null;
  cohost: CohostConfig;
  zegoCallbackSecret: string | null;
  wechat: WechatConfig | null;
  wechatApiBase: string;
  /** Alipay sign-in (null: POST /api/auth/alipay answers 503 ALIPAY_NOT_CONFIGURED). */
  alipay: AlipayConfig | null;
  alipayRtc: AlipayRtcConfig;
  consoleToken: string | null;
  authMode: AuthMode;
  /** The SQLite file (the default store), used when databaseUrl is null. */
  database: string;
  /** DATABASE_URL: PostgreSQL instead of SQLite (postgres://user:password@host:port/db); never logged. */
  databaseUrl: string | null;
  /** Where avatars are stored (AVATAR_DIR; beside the SQLite file by default). Shared storage with many instances. */
  avatarDir: string;
  /** REDIS_URL: rate limits counted in Redis, shared by every instance; in memory when null. */
  redisUrl: string | null;
  /** REDIS_KEY_PREFIX: prefix of the service's keys in Redis (deployments may share one Redis). */
  redisKeyPrefix: string;
  /** Silence (ms) after which a live room is paused, then ended; and how often the sweeper looks. */
  heartbeat: { pauseMs: number; endMs: number; sweepMs: number };
  tokenTTL: number;
  port: number;
  host: string;
  linkBaseUrl: string | null;
  /**
   * TRUST_PROXY: whom to believe for the client address (rate limits, links) behind a reverse proxy: nobody (false),
   * that many proxy hops, or the proxies' addresses. Never everyone.
   */
  trustProxy: false | number | string[];
}

/** A configuration problem; the message always names the variable. */
export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`${variable}: ${message}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

function read(env: Env, name: string): string | undefined {
  const value = env[name];
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = read(env, name);
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw)) throw new ConfigError(name, `must be a whole number, got "${raw}"`);
  const value = Number(raw);
  if (value < min || value > max)
    throw new ConfigError(name, `must be between ${min} and ${max}, got ${value}`);
  return value;
}

function httpUrl(name: string, raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(name, `must be an http(s) URL, got "${raw}"`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ConfigError(name, `must be an http(s) URL, got "${raw}"`);
  }
  return raw.replace(/\/+$/, '');
}

function readZego(env: Env): ZegoConfig | null {
  const appIDRaw = read(env, 'ZEGO_APP_ID');
  const secret = read(env, 'ZEGO_SERVER_SECRET');
  const serverRaw = read(env, 'ZEGO_SERVER');
  if (appIDRaw === undefined && secret === undefined) {
    if (serverRaw !== undefined) throw new ConfigError('ZEGO_APP_ID', 'is required when ZEGO_SERVER is set');
    return null;
  }
  if (appIDRaw === undefined)
    throw new ConfigError('ZEGO_APP_ID', 'is required when ZEGO_SERVER_SECRET is set');
  if (secret === undefined)
    throw new ConfigError('ZEGO_SERVER_SECRET', 'is required when ZEGO_APP_ID is set');
  if (!/^\d+$/.test(appIDRaw) || Number(appIDRaw) < 1 || Number(appIDRaw) > 0xffffffff) {
    throw new ConfigError('ZEGO_APP_ID', 'must be the numeric AppID from the ZEGO console');
  }
  // Token04 uses the secret's UTF-8 bytes as an AES-256 key: exactly 32 single-byte characters.
  if (!/^[\x21-\x7e]{32}$/.test(secret)) {
    throw new ConfigError(
      'ZEGO_SERVER_SECRET',
      `must be the 32-character ServerSecret (got ${secret.length} characters)`,
    );
  }
  const appID = Number(appIDRaw);
  const server =
    serverRaw === undefined
      ? [`wss://wssliveroom${appID}-api.zego.im/ws`, `wss://wssliveroom${appID}-api-bak.zego.im/ws`]
      : serverRaw.split(',').map((s) => s.trim());
  for (const url of server) {
    if (!/^wss:\/\/[^\s/]+(\/\S*)?$/.test(url)) {
      throw new ConfigError('ZEGO_SERVER', `must be comma-separated wss:// URLs, got "${url}"`);
    }
  }
  return { appID, serverSecret: secret, server };
}

function readZegoServerApi(env: Env, zego: ZegoConfig | null): ZegoServerApiConfig | null {
  const switchRaw = read(env, 'ZEGO_SERVER_API')?.toLowerCase() ?? 'on';
  if (switchRaw !== 'on' && switchRaw !== 'off') {
    throw new ConfigError('ZEGO_SERVER_API', `must be "on" or "off", got "${switchRaw}"`);
  }
  const urlRaw = read(env, 'ZEGO_SERVER_API_URL');
  const url = urlRaw === undefined ? 'https://rtc-api.zego.im' : httpUrl('ZEGO_SERVER_API_URL', urlRaw);
  if (switchRaw === 'off') return null;
  if (zego === null) {
    // Only an explicit "on" insists on credentials; the default quietly follows ZEGO_APP_ID/ZEGO_SERVER_SECRET.
    if (read(env, 'ZEGO_SERVER_API') !== undefined) {
      throw new ConfigError('ZEGO_SERVER_API', 'is "on" but ZEGO_APP_ID and ZEGO_SERVER_SECRET are not set');
    }
    return null;
  }
  return { url };
}

function readCohost(env: Env): CohostConfig {
  return {
    limit: integer(env, 'COHOST_LIMIT', 3, 1, 8),
    requestTtlMs: integer(env, 'COHOST_REQUEST_TTL_MS', 30_000, 1000, 3600 * 1000),
    silenceMs: integer(env, 'COHOST_SILENCE_MS', 30_000, 1000, 3600 * 1000),
  };
}

function readWechat(env: Env): WechatConfig | null {
  const appID = read(env, 'WECHAT_APPID');
  const secret = read(env, 'WECHAT_SECRET');
  if (appID === undefined && secret === undefined) return null;
  if (appID === undefined) throw new ConfigError('WECHAT_APPID', 'is required when WECHAT_SECRET is set');
  if (secret === undefined) throw new ConfigError('WECHAT_SECRET', 'is required when WECHAT_APPID is set');
  if (!/^wx[0-9a-f]{16}$/i.test(appID)) {
    throw new ConfigError('WECHAT_APPID', 'must be the mini-program AppID (wx followed by 16 hex digits)');
  }
  if (!/^[0-9a-zA-Z]{16,64}$/.test(secret)) throw new ConfigError('WECHAT_SECRET', 'must be the AppSecret');
  const envVersion = read(env, 'WECHAT_ENV_VERSION') ?? 'release';
  if (envVersion !== 'release' && envVersion !== 'trial' && envVersion !== 'develop') {
    throw new ConfigError(
      'WECHAT_ENV_VERSION',
      `must be "release", "trial" or "develop", got "${envVersion}"`,
    );
  }
  return { appID, secret, envVersion, liveTemplate: readLiveTemplate(env) };
}

/** The start reminder's template: WECHAT_LIVE_TEMPLATE_ID, and its keywords (default thing1,time2,thing3). */
function readLiveTemplate(env: Env): LiveTemplateConfig | null {
  const id = read(env, 'WECHAT_LIVE_TEMPLATE_ID');
  if (id === undefined) return null;
  if (!/^[A-Za-z0-9_-]{10,64}$/.test(id)) {
    throw new ConfigError(
      'WECHAT_LIVE_TEMPLATE_ID',
      'must be a subscribe-message template ID (mp.weixin.qq.com)',
    );
  }
  const keys = (read(env, 'WECHAT_LIVE_TEMPLATE_KEYS') ?? 'thing1,time2,thing3')
    .split(',')
    .map((k) => k.trim());
  if (keys.length !== 3 || !keys.every((key) => /^[a-z_]+[0-9]+$/.test(key))) {
    throw new ConfigError(
      'WECHAT_LIVE_TEMPLATE_KEYS',
      'must be three template keywords (title, start time, anchor), e.g. "thing1,time2,thing3"',
    );
  }
  return { id, keys: { title: keys[0], time: keys[1], anchor: keys[2] } };
}

// ---- Alipay: sign-in (alipay.system.oauth.token) and the <rtc-room> parameters ----

/** The variables Alipay sign-in needs, in the order messages name them. */
export const ALIPAY_VARIABLES = ['ALIPAY_APP_ID', 'ALIPAY_PRIVATE_KEY', 'ALIPAY_PUBLIC_KEY'] as const;
/** The variables of Alipay's <rtc-room> component (issued by Alipay's business contact). */
export const ALIPAY_RTC_VARIABLES = [
  'ALIPAY_RTC_BIZ_NAME',
  'ALIPAY_RTC_SUB_BIZ',
  'ALIPAY_RTC_SERVER_URL',
  'ALIPAY_RTC_SIGNATURE',
] as const;

/** A key given as PEM (literal "\\n" allowed, for one-line .env values) or as bare base64 DER. */
function readKey(name: string, raw: string, kind: 'private' | 'public'): KeyObject {
  const text = raw.replace(/\\n/g, '\n');
  const attempts: Array<() => KeyObject> = [];
  if (kind === 'public' && text.includes('PRIVATE KEY')) {
    throw new ConfigError(name, "must be Alipay's public key (支付宝公钥), not a private key");
  }
  if (text.includes('-----BEGIN')) {
    attempts.push(() => (kind === 'private' ? createPrivateKey(text) : createPublicKey(text)));
  } else {
    const der = Buffer.from(text.replace(/\s+/g, ''), 'base64');
    if (kind === 'private') {
      attempts.push(() => createPrivateKey({ key: der, format: 'der', type: 'pkcs8' }));
      attempts.push(() => createPrivateKey({ key: der, format: 'der', type: 'pkcs1' }));
    } else {
      attempts.push(() => createPublicKey({ key: der, format: 'der', type: 'spki' }));
      attempts.push(() => createPublicKey({ key: der, format: 'der', type: 'pkcs1' }));
    }
  }
  for (const attempt of attempts) {
    let key: KeyObject;
    try {
      key = attempt();
    } catch {
      continue;
    }
    // The message never quotes the value: it is (or may be) a private key.
    if (key.asymmetricKeyType !== 'rsa') throw new ConfigError(name, 'must be an RSA key (RSA2)');
    return key;
  }
  const what =
    kind === 'private' ? "the app's RSA2 private key" : "Alipay's public key (支付宝公钥, not the app's)";
  throw new ConfigError(name, `must be ${what}, as PEM or as the bare base64 text Alipay's key tool shows`);
}

function readAlipay(env: Env): AlipayConfig | null {
  const values = ALIPAY_VARIABLES.map((name) => read(env, name));
  if (values.every((value) => value === undefined)) return null;
  const missing = ALIPAY_VARIABLES.filter((_, i) => values[i] === undefined);
  if (missing.length > 0) {
    throw new ConfigError(
      missing[0],
      `is required too: Alipay sign-in needs ${ALIPAY_VARIABLES.join(', ')} together (or none of them)`,
    );
  }
  const [appId, privateRaw, publicRaw] = values as [string, string, string];
  if (!/^\d{10,32}$/.test(appId)) {
    throw new ConfigError(
      'ALIPAY_APP_ID',
      'must be the numeric APPID of the Alipay mini-program (e.g. 2021...)',
    );
  }
  const privateKey = readKey('ALIPAY_PRIVATE_KEY', privateRaw, 'private');
  const publicKey = readKey('ALIPAY_PUBLIC_KEY', publicRaw, 'public');
  const publicPem = publicKey.export({ format: 'pem', type: 'spki' }).toString();
  if (createPublicKey(privateKey).export({ format: 'pem', type: 'spki' }).toString() === publicPem) {
    // A frequent mix-up: the app's own public key (应用公钥) verifies nothing Alipay sends.
    throw new ConfigError(
      'ALIPAY_PUBLIC_KEY',
      "is the app's own public key (应用公钥): it must be Alipay's public key (支付宝公钥) from the console",
    );
  }
  const gatewayRaw = read(env, 'ALIPAY_GATEWAY');
  return {
    appId,
    privateKey: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    alipayPublicKey: publicPem,
    gateway:
      gatewayRaw === undefined
        ? 'https://openapi.alipay.com/gateway.do'
        : httpUrl('ALIPAY_GATEWAY', gatewayRaw),
  };
}

function readAlipayRtc(env: Env): AlipayRtcConfig {
  const [bizName, subBiz, serverUrl, signature] = ALIPAY_RTC_VARIABLES.map((name) => read(env, name));
  if (bizName === undefined || subBiz === undefined || serverUrl === undefined || signature === undefined) {
    return {
      configured: false,
      missing: ALIPAY_RTC_VARIABLES.filter((name) => read(env, name) === undefined),
    };
  }
  return { configured: true, bizName, subBiz, serverUrl, signature };
}

// ---- end of the Alipay section ----

/** Reads and validates the environment; throws ConfigError naming the variable on a wrong value. */
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
    port: integer(env, 'PORT', 3000, 0, 65535),
    host,
    linkBaseUrl,
    trustProxy,
  };
}

/** An optional URL variable of one of these protocols (the message shows the form, never the given value's secret). */
function readUrl(env: Env, name: string, protocols: string[], form: string): string | null {
  const raw = read(env, name);
  if (raw === undefined) return null;
  let url: URL | null;
  try {
    url = new URL(raw);
  } catch {
    url = null;
  }
  if (url === null || !protocols.includes(url.protocol)) {
    throw new ConfigError(name, `must look like ${form}`);
  }
  return raw;
}

/**
 * TRUST_PROXY: unset/false, a hop count, or comma-separated proxy addresses/CIDRs. `true` (trust whatever
 * X-Forwarded-For says) is refused: any client could then claim a new address per request and lift every rate limit.
 */
function readTrustProxy(raw: string | undefined): false | number | string[] {
  if (raw === undefined || raw === 'false' || raw === '0') return false;
  if (raw === 'true') {
    throw new ConfigError(
      'TRUST_PROXY',
      '"true" would believe any X-Forwarded-For, so one client could lift every rate limit: set the number of ' +
        'proxies in front of the service (e.g. 1) or their addresses (e.g. 10.0.0.5,10.1.0.0/16)',
    );
  }
  if (/^\d+$/.test(raw)) return integer({ TRUST_PROXY: raw }, 'TRUST_PROXY', 0, 1, 10);
  const list = raw.split(',').map((item) => item.trim());
  if (list.every((item) => isProxyAddress(item))) return list;
  throw new ConfigError(
    'TRUST_PROXY',
    `must be false, a hop count (1-10) or proxy addresses/CIDRs (comma separated), got "${raw}"`,
  );
}

/** An IPv4 or IPv6 address with an optional /prefix (the forms proxy-addr accepts), or loopback/linklocal/uniquelocal. */
function isProxyAddress(item: string): boolean {
  if (item === 'loopback' || item === 'linklocal' || item === 'uniquelocal') return true;
  const [address, prefix, ...rest] = item.split('/');
  if (rest.length > 0 || isIP(address) === 0) return false;
  if (prefix === undefined) return true;
  if (!/^\d{1,3}$/.test(prefix)) return false;
  return Number(prefix) <= (isIP(address) === 4 ? 32 : 128);
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

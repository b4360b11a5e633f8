/** Readers of the environment's variables, one per outside system; each error names its variable. */
import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { isIP } from 'node:net';
import {
  ConfigError,
  type AlipayConfig,
  type AlipayRtcConfig,
  type CohostConfig,
  type LiveTemplateConfig,
  type RecordingConfig,
  type WechatConfig,
  type ZegoConfig,
  type ZegoServerApiConfig,
} from './config-types';

/** The environment (process.env, or a test's own). */
export type Env = Record<string, string | undefined>;

/** A variable, trimmed; empty is unset. */
export function read(env: Env, name: string): string | undefined {
  const value = env[name];
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

/** An integer variable within [min, max], or fallback when unset. */
export function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = read(env, name);
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw)) throw new ConfigError(name, `must be a whole number, got "${raw}"`);
  const value = Number(raw);
  if (value < min || value > max)
    throw new ConfigError(name, `must be between ${min} and ${max}, got ${value}`);
  return value;
}

/** An http(s) URL variable without a trailing slash. */
export function httpUrl(name: string, raw: string): string {
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

export function readZego(env: Env): ZegoConfig | null {
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

export function readZegoServerApi(env: Env, zego: ZegoConfig | null): ZegoServerApiConfig | null {
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

export function readCohost(env: Env): CohostConfig {
  return {
    limit: integer(env, 'COHOST_LIMIT', 3, 1, 8),
    requestTtlMs: integer(env, 'COHOST_REQUEST_TTL_MS', 30_000, 1000, 3600 * 1000),
    silenceMs: integer(env, 'COHOST_SILENCE_MS', 30_000, 1000, 3600 * 1000),
  };
}

export function readWechat(env: Env): WechatConfig | null {
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
export function readLiveTemplate(env: Env): LiveTemplateConfig | null {
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

export function readAlipay(env: Env): AlipayConfig | null {
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

export function readAlipayRtc(env: Env): AlipayRtcConfig {
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

/** An optional URL variable of one of these protocols (the message shows the form, never the given value's secret). */
export function readUrl(env: Env, name: string, protocols: string[], form: string): string | null {
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
/** TRUST_PROXY: off, a hop count, or a list of proxy addresses. */
export function readTrustProxy(raw: string | undefined): false | number | string[] {
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

/** The storage vendors whose StorageParams are Region, Bucket and a key pair (ZEGO's StartRecord). */
const BUCKET_VENDORS = new Set([1, 2, 3, 4, 7, 8, 9, 10]);

/** RECORDING_*: cloud recording into the deployment's bucket; null when RECORDING_STORAGE_VENDOR is unset. */
export function readRecording(
  env: Env,
  zego: ZegoConfig | null,
  callbackSecret: string | null,
): RecordingConfig | null {
  const vendorRaw = read(env, 'RECORDING_STORAGE_VENDOR');
  if (vendorRaw === undefined) return null;
  const vendor = integer(env, 'RECORDING_STORAGE_VENDOR', 0, 1, 10);
  if (!BUCKET_VENDORS.has(vendor)) {
    throw new ConfigError(
      'RECORDING_STORAGE_VENDOR',
      'must be 1 (S3), 2 (OSS), 3 (COS), 4 (Kodo), 7 (OBS), 8 (GCS), 9 (EOS) or 10 (S3-compatible)',
    );
  }
  if (zego === null)
    throw new ConfigError('RECORDING_STORAGE_VENDOR', 'needs ZEGO_APP_ID and ZEGO_SERVER_SECRET');
  if (callbackSecret === null) {
    throw new ConfigError(
      'RECORDING_STORAGE_VENDOR',
      'needs ZEGO_CALLBACK_SECRET (the status callback is signed)',
    );
  }
  const required = (name: string): string => {
    const value = read(env, name);
    if (value === undefined) throw new ConfigError(name, 'is required when RECORDING_STORAGE_VENDOR is set');
    return value;
  };
  const region =
    vendor === 8 || vendor === 10
      ? (read(env, 'RECORDING_STORAGE_REGION') ?? null)
      : required('RECORDING_STORAGE_REGION');
  const endpoint =
    vendor === 10 ? httpUrl('RECORDING_STORAGE_ENDPOINT', required('RECORDING_STORAGE_ENDPOINT')) : null;
  const urlRaw = read(env, 'RECORDING_API_URL');
  const playRaw = read(env, 'RECORDING_PLAY_BASE_URL');
  const folder = read(env, 'RECORDING_OUTPUT_FOLDER') ?? 'replays/';
  if (!/^[A-Za-z0-9_\-/.]{1,128}$/.test(folder) || folder.includes('..')) {
    throw new ConfigError('RECORDING_OUTPUT_FOLDER', 'must be a folder path of letters, digits, - _ . /');
  }
  return {
    url: urlRaw === undefined ? 'https://cloudrecord-api.zego.im' : httpUrl('RECORDING_API_URL', urlRaw),
    storage: {
      vendor,
      region,
      bucket: required('RECORDING_STORAGE_BUCKET'),
      accessKeyId: required('RECORDING_STORAGE_ACCESS_KEY_ID'),
      accessKeySecret: required('RECORDING_STORAGE_ACCESS_KEY_SECRET'),
      endpoint,
    },
    outputFolder: folder,
    playBaseUrl: playRaw === undefined ? null : httpUrl('RECORDING_PLAY_BASE_URL', playRaw),
  };
}

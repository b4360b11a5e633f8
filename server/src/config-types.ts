/** The service's configuration as loadConfig reads it from the environment (every variable in .env.example). */
import type { RecordStorage } from './zego/cloud-record';

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
  /** The missed-call template (未接来电, WECHAT_CALL_TEMPLATE_ID), or null: nothing is sent on a timeout. */
  callTemplate?: CallTemplateConfig | null;
}

/** WECHAT_CALL_TEMPLATE_ID and the keywords its data fills (WECHAT_CALL_TEMPLATE_KEYS: caller, time). */
export interface CallTemplateConfig {
  id: string;
  keys: { caller: string; time: string };
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

/**
 * ZEGO cloud recording (replays) into the deployment's own bucket; null when RECORDING_STORAGE_VENDOR is unset.
 * The storage keys are passed to ZEGO on every StartRecord and never appear in an answer or a log line.
 */
export interface RecordingConfig {
  /** RECORDING_API_URL: ZEGO's cloud-recording API (default https://cloudrecord-api.zego.im). */
  url: string;
  /** ZEGO's StorageParams: Vendor 1 S3, 2 OSS, 3 COS, 4 Kodo, 7 OBS, 8 GCS, 9 EOS, 10 any S3-compatible. */
  storage: RecordStorage;
  /** RECORDING_OUTPUT_FOLDER: the folder in the bucket (default replays/). */
  outputFolder: string;
  /** RECORDING_PLAY_BASE_URL: where the apps fetch the files (a CDN before the bucket); null: ZEGO's file_url. */
  playBaseUrl: string | null;
}

/** The validated configuration of the service. */
export interface Config {
  zego: ZegoConfig | null;
  /** ZEGO's server API, on by default when ZEGO is configured (ZEGO_SERVER_API=off turns it off). */
  zegoServerApi: ZegoServerApiConfig | null;
  cohost: CohostConfig;
  zegoCallbackSecret: string | null;
  /** Cloud recording of live rooms (replays); null: no replays. */
  recording?: RecordingConfig | null;
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
  /** CALL_RING_TIMEOUT_MS: an invitation nobody answers ends as a timeout after this (default 30000). */
  callRingTimeoutMs: number;
  port: number;
  host: string;
  linkBaseUrl: string | null;
  /** COUNTERS_FLUSH_MS: how often a room's counters are written to the database (ms); a kill -9 loses at most this. */
  countersFlushMs: number;
  /**
   * PUBLIC_BASE_URL: the address phones reach this service at, the base of every stored file's URL (avatars,
   * covers); null: the address this instance listens on. Never taken from a request's Host.
   */
  publicBaseUrl: string | null;
  /** REPORT_RETENTION_DAYS: how long users' problem reports are kept (default 14). */
  reportRetentionDays: number;
  /** REQUEST_TIMEOUT_MS: how long a request's headers and body may take to arrive (slow senders are cut off). */
  requestTimeoutMs: number;
  /**
   * TRUST_PROXY: whom to believe for the client address (rate limits, links) behind a reverse proxy: nobody (false),
   * that many proxy hops, or the proxies' addresses. Never everyone.
   */
  trustProxy: false | number | string[];
  /** GIFT_DAILY_POINTS: the points each user gets free once a day (China's day) to send gifts with. */
  giftDailyPoints: number;
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

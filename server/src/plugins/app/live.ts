import type Redis from 'ioredis';
import type { Config } from '../../config';
import type { Store } from '../../store/types';
import type { HeartbeatSweeper } from './sweeper';
import type { RandomSource } from '../../lib/ids';
import type { ZegoServerApi } from '../../zego/server-api';
import type { AccessTokenCache } from '../../wechat/access-token';
import type { MsgSecCheckClient } from '../../wechat/msg-sec-check';
import type { ReminderSender } from './reminders';

/** Route limits (requests per window per client address). */
export interface RateLimits {
  auth: { max: number; timeWindow: number };
  token: { max: number; timeWindow: number };
  claim: { max: number; timeWindow: number };
  /** Every other write: room creation, invite, live/pause/end, stats, heartbeat, logout, co-hosting. */
  write: { max: number; timeWindow: number };
  /** The public room list (GET /api/rooms). */
  list: { max: number; timeWindow: number };
  /** Chat messages per signed-in session (not per address: a NAT hides many viewers). */
  chat: { max: number; timeWindow: number };
}

/** Everything a route needs besides the request, decorated on the Fastify instance. */
export interface LiveContext {
  config: Config;
  store: Store;
  /** Milliseconds since the epoch (injectable). */
  now: () => number;
  random: RandomSource;
  /** Base URL of WeChat's API (WECHAT_API_BASE, or a test's loopback fake). */
  wechatApiBase: string;
  wechatTimeoutMs: number;
  rateLimits: RateLimits;
  /** The Redis client when REDIS_URL is set (shared rate limits), else null. */
  redis: Redis | null;
  /** ZEGO's server API (signalling, stopping streams, mixing) when configured, else null. */
  zegoServerApi: ZegoServerApi | null;
  /** WeChat's server access token (one cache for every WeChat API the service calls) when WeChat is configured. */
  wechatTokens: AccessTokenCache | null;
  /** WeChat's content check of chat (msgSecCheck v2) when WeChat is configured, else null. */
  msgSecCheck: MsgSecCheckClient | null;
  /** Pauses and ends rooms whose anchor went silent. */
  sweeper: HeartbeatSweeper;
  /** Sends a room's start reminders (开播提醒) when it goes live. */
  reminders: ReminderSender;
}

declare module 'fastify' {
  interface FastifyInstance {
    live: LiveContext;
  }
}

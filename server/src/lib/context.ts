import type Redis from 'ioredis';
import type { Config } from '../config';
import type { Store } from '../store/types';
import type { HeartbeatSweeper } from './heartbeat';
import type { RandomSource } from './ids';
import type { ZegoServerApi } from '../zego/server-api';

/** Route limits (requests per window per client address). */
export interface RateLimits {
  auth: { max: number; timeWindow: number };
  token: { max: number; timeWindow: number };
  claim: { max: number; timeWindow: number };
  /** Every other write: room creation, invite, live/pause/end, stats, heartbeat, logout, co-hosting. */
  write: { max: number; timeWindow: number };
  /** The public room list (GET /api/rooms). */
  list: { max: number; timeWindow: number };
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
  /** Pauses and ends rooms whose anchor went silent. */
  sweeper: HeartbeatSweeper;
}

declare module 'fastify' {
  interface FastifyInstance {
    live: LiveContext;
  }
}

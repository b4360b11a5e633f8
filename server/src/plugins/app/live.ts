/**
 * The live context: the one typed object every feature's service receives (the store, the clock, the outside
 * systems that are configured, the limits), assembled once from the plugins that own each part.
 */
import fp from 'fastify-plugin';
import type { Config } from '../../config';
import type { RoomCounters } from '../../counters/index';
import type { RandomSource } from '../../lib/ids';
import type { Store } from '../../store/types';
import type { CloudRecordApi } from '../../zego/cloud-record';
import type { ZegoServerApi } from '../../zego/server-api';
import type { LaterJobs } from './recording';
import type { WeChat } from './wechat';

/** One route limit: requests per window. */
export interface RateLimit {
  max: number;
  timeWindow: number;
}

/** Route limits (requests per window per client address). */
export interface RateLimits {
  auth: RateLimit;
  token: RateLimit;
  claim: RateLimit;
  /** Every other write: room creation, invite, live/pause/end, stats, heartbeat, logout, co-hosting. */
  write: RateLimit;
  /** The public room list (GET /api/rooms). */
  list: RateLimit;
  /** Chat messages per signed-in session (not per address: a NAT hides many viewers). */
  chat: RateLimit;
  /** Like batches per signed-in session (the app sends at most one a second). */
  likes: RateLimit;
  /** Problem reports per signed-in session. */
  reports: RateLimit;
}

/** Requests per minute per client address on the sensitive routes. */
export const DEFAULT_RATE_LIMITS: RateLimits = {
  auth: { max: 30, timeWindow: 60_000 },
  token: { max: 60, timeWindow: 60_000 },
  claim: { max: 30, timeWindow: 60_000 },
  // Generous: an anchor reports stats/heartbeats every few seconds, and many anchors may share one NAT address.
  write: { max: 300, timeWindow: 60_000 },
  // The room list is cheap (cached) but anonymous: a page refresh every 0.2 s per address is plenty, NAT included.
  list: { max: 300, timeWindow: 60_000 },
  // 5 messages per 5 s per session: one a second on average, a burst of 5.
  chat: { max: 5, timeWindow: 5_000 },
  // The app sends one batch a second: 20 per 10 s leaves room for a retry burst, not for a script.
  likes: { max: 20, timeWindow: 10_000 },
  // A user reports a problem now and then: 3 in 10 minutes stops a loop, not a person.
  reports: { max: 3, timeWindow: 600_000 },
};

/** Everything a feature's service needs besides the request. */
export interface LiveContext {
  readonly config: Config;
  readonly store: Store;
  /** A room's likes, messages and viewers, counted and read live (src/counters). */
  readonly counters: RoomCounters;
  /** Milliseconds since the epoch (injectable). */
  readonly now: () => number;
  readonly random: RandomSource;
  readonly rateLimits: RateLimits;
  /** ZEGO's server API (signalling, stopping streams, mixing) when configured, else null. */
  readonly zegoServerApi: ZegoServerApi | null;
  /** WeChat's server APIs when WeChat is configured, else null. */
  readonly wechat: WeChat | null;
  /** ZEGO's cloud recording (replays) when RECORDING_* is configured, else null. */
  readonly cloudRecord: CloudRecordApi | null;
  /** Work done after an answer (a recording's start or stop), awaited before the app closes. */
  readonly later: LaterJobs;
}

/** What buildApp hands the context: the configuration, the clock, the randomness, the limits. */
export interface LiveOptions {
  config: Config;
  now: () => number;
  random: RandomSource;
  rateLimits: RateLimits;
}

declare module 'fastify' {
  interface FastifyInstance {
    live: LiveContext;
  }
}

/** Decorates `live` from the store, ZEGO and WeChat plugins. */
export default fp<LiveOptions>(
  async (app, { config, now, random, rateLimits }) => {
    const live: LiveContext = {
      config,
      store: app.store,
      counters: app.counters,
      now,
      random,
      rateLimits,
      zegoServerApi: app.zegoServerApi,
      wechat: app.wechat,
      cloudRecord: app.cloudRecord,
      later: app.recordingJobs,
    };
    app.decorate('live', live);
  },
  { name: 'live', dependencies: ['store', 'counters', 'zego', 'wechat', 'recording'] },
);

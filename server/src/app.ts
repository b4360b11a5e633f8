/**
 * The live service, as the list of what it is made of: Fastify with the API's error shape, the outside systems
 * and background jobs as plugins (each decorating one name), then the features' routes. docs/design.md explains
 * the layers.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyInstance, type RouteOptions } from 'fastify';
import { SERVER_ROOT, type Config } from './config';
import alipayRoutes from './features/alipay/routes';
import authRoutes from './features/auth/routes';
import callRoutes from './features/calls/routes';
import avatarRoutes, { avatarFiles } from './features/avatar/routes';
import chatRoutes from './features/chat/routes';
import cohostRoutes from './features/cohosts/routes';
import configRoutes from './features/config/routes';
import docs from './features/docs/routes';
import eventRoutes from './features/events/routes';
import healthRoutes from './features/health/routes';
import moderationRoutes from './features/moderation/routes';
import obsRoutes from './features/obs/routes';
import adminRoutes from './features/admins/routes';
import announcementRoutes from './features/announcement/routes';
import giftRoutes from './features/gifts/routes';
import operatorRoutes from './features/operators/routes';
import wallRoutes from './features/wall/routes';
import reportRoutes from './features/reports/routes';
import plannedRoutes, { coverFiles } from './features/planned/routes';
import qrcodeRoutes from './features/qrcode/routes';
import replayRoutes from './features/replays/routes';
import roomRoutes from './features/rooms/routes';
import statsRoutes from './features/stats/routes';
import tokenRoutes from './features/tokens/routes';
import zegoCallbackRoutes from './features/zego-callback/routes';
import answers from './http/answers';
import { serverOptions, type LogOptions } from './http/options';
import type { BoundLimits } from './lib/bound';
import { defaultRandom, type RandomSource } from './lib/ids';
import alipay from './plugins/app/alipay';
import counters from './plugins/app/counters';
import type { EventHubOptions } from './plugins/app/event-hub';
import events from './plugins/app/events';
import audit from './plugins/app/audit';
import live, { DEFAULT_RATE_LIMITS, type RateLimits } from './plugins/app/live';
import recording from './plugins/app/recording';
import reminders from './plugins/app/reminders';
import store from './plugins/app/store';
import sweeper from './plugins/app/sweeper';
import wechat from './plugins/app/wechat';
import zego from './plugins/app/zego';
import rateLimit from './plugins/external/rate-limit';
import redis from './plugins/external/redis';
import type { Store } from './store/types';

/** What tests (and main) may inject instead of the real clock, randomness, outside systems, store and log output. */
export interface AppDeps extends LogOptions {
  store?: Store;
  /** Milliseconds since the epoch. */
  now?: () => number;
  random?: RandomSource;
  /** Overrides WECHAT_API_BASE (a loopback fake in tests). */
  wechatApiBase?: string;
  wechatTimeoutMs?: number;
  /** Overrides ZEGO_SERVER_API_URL (a loopback fake in tests). */
  zegoServerApiUrl?: string;
  /** Overrides RECORDING_API_URL (a loopback fake of ZEGO's cloud recording in tests). */
  cloudRecordUrl?: string;
  /** How long one call to ZEGO's server API may take (default 3000 ms). */
  zegoServerApiTimeoutMs?: number;
  /** Calls to ZEGO's server API at once and waiting (default ZEGO_BOUND). */
  zegoBound?: BoundLimits;
  /** WeChat content checks at once and waiting (default WECHAT_CHECK_BOUND). */
  wechatCheckBound?: BoundLimits;
  /** How long to wait for Alipay's gateway (default 5000 ms). */
  alipayTimeoutMs?: number;
  rateLimits?: Partial<RateLimits>;
  /** The operator console's folder (default server/public, served only if it exists). */
  publicDir?: string;
  /** How often the heartbeat sweeper runs (default HEARTBEAT_SWEEP_MS); false: never by itself (tests sweep by hand). */
  sweepIntervalMs?: number | false;
  /** Prefix of the rate-limit keys in Redis (default REDIS_KEY_PREFIX); tests use their own. */
  redisKeyPrefix?: string;
  /** How often the room counters are flushed to the database (default the config's COUNTERS_FLUSH_MS). */
  countersFlushMs?: number;
  /** How long a start reminder waits before its one retry (default 1000 ms). */
  reminderRetryDelayMs?: number;
  /** The event channel's limits (tests shorten them). */
  events?: Partial<EventHubOptions>;
  /** Told of every route as it is added (the contract test checks each against the OpenAPI document). */
  onRoute?: (route: RouteOptions) => void;
}

/** Builds the live service (not listening); the caller listens and closes it. Closing also closes the store. */
export async function buildApp(config: Config, deps: AppDeps = {}): Promise<FastifyInstance> {
  const now = deps.now ?? Date.now;
  const random = deps.random ?? defaultRandom;
  const app = Fastify(serverOptions(config, deps)).withTypeProvider<TypeBoxTypeProvider>();
  if (deps.onRoute) app.addHook('onRoute', deps.onRoute);

  // HTTP: the one error shape, and the shared limits.
  await app.register(answers);
  await app.register(redis, { url: config.redisUrl });
  const keyPrefix = deps.redisKeyPrefix ?? config.redisKeyPrefix;
  await app.register(rateLimit, { keyPrefix });

  // The outside systems, and the context every feature's service receives.
  await app.register(store, { config, random, store: deps.store });
  await app.register(counters, {
    keyPrefix,
    now,
    intervalMs: deps.countersFlushMs ?? config.countersFlushMs,
  });
  await app.register(zego, {
    config,
    url: deps.zegoServerApiUrl,
    timeoutMs: deps.zegoServerApiTimeoutMs,
    bound: deps.zegoBound,
  });
  await app.register(wechat, {
    config,
    now,
    apiBase: deps.wechatApiBase,
    timeoutMs: deps.wechatTimeoutMs,
    checkBound: deps.wechatCheckBound,
  });
  await app.register(alipay, { config, timeoutMs: deps.alipayTimeoutMs });
  await app.register(recording, { config, url: deps.cloudRecordUrl, timeoutMs: deps.zegoServerApiTimeoutMs });
  const rateLimits = { ...DEFAULT_RATE_LIMITS, ...deps.rateLimits };
  await app.register(live, { config, now, random, rateLimits });
  const redisChannel = `${deps.redisKeyPrefix ?? config.redisKeyPrefix}events`;
  await app.register(events, { redisUrl: config.redisUrl, channel: redisChannel, hub: deps.events });
  // Every operator write, under the operator's name.
  await app.register(audit);

  // Background jobs: the heartbeat sweeper, the start reminders (开播提醒).
  await app.register(sweeper, { intervalMs: deps.sweepIntervalMs ?? config.heartbeat.sweepMs });
  await app.register(reminders, { retryDelayMs: deps.reminderRetryDelayMs });

  // The features. The OpenAPI document first: it records the routes as they are added.
  await app.register(docs);
  await app.register(healthRoutes);
  await app.register(configRoutes, { prefix: '/api' });
  await app.register(authRoutes, { prefix: '/api' });
  await app.register(eventRoutes, { prefix: '/api' });
  await app.register(callRoutes, { prefix: '/api' });
  await app.register(avatarRoutes, { prefix: '/api' });
  await app.register(avatarFiles);
  await app.register(roomRoutes, { prefix: '/api' });
  await app.register(tokenRoutes, { prefix: '/api' });
  await app.register(plannedRoutes, { prefix: '/api' });
  await app.register(coverFiles);
  await app.register(cohostRoutes, { prefix: '/api' });
  await app.register(chatRoutes, { prefix: '/api' });
  await app.register(moderationRoutes, { prefix: '/api' });
  await app.register(adminRoutes, { prefix: '/api' });
  await app.register(announcementRoutes, { prefix: '/api' });
  await app.register(giftRoutes, { prefix: '/api' });
  await app.register(statsRoutes, { prefix: '/api' });
  await app.register(alipayRoutes, { prefix: '/api' });
  await app.register(zegoCallbackRoutes, { prefix: '/api' });
  await app.register(qrcodeRoutes, { prefix: '/api' });
  await app.register(replayRoutes, { prefix: '/api' });
  await app.register(obsRoutes, { prefix: '/api' });
  await app.register(operatorRoutes, { prefix: '/api' });
  await app.register(wallRoutes, { prefix: '/api' });
  await app.register(reportRoutes, { prefix: '/api' });

  // The operator console (server/console, built into server/public/), served only if present.
  const publicDir = deps.publicDir ?? path.join(SERVER_ROOT, 'public');
  if (existsSync(publicDir)) {
    await app.register(fastifyStatic, { root: publicDir, prefix: '/', index: 'index.html' });
  }
  return app;
}

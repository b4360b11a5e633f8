import { existsSync } from 'node:fs';
import path from 'node:path';
import rateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyError, type FastifyInstance, type RouteOptions } from 'fastify';
import type { DestinationStream } from 'pino';
import { SERVER_ROOT, type Config } from './config';
import type { LiveContext, RateLimits } from './plugins/app/live';
import { ApiError } from './lib/errors';
import {
  clientErrorHandler,
  frameworkErrors,
  MAX_PARAM_LENGTH,
  refuseMissingHost,
  schemaController,
  sendError,
  validationMessage,
} from './http/http-contract';
import { defaultRandom, newUserId, type RandomSource } from './lib/ids';
import { trustProxy } from './http/trust-proxy';
import alipayRoutes from './features/alipay/routes';
import authRoutes from './features/auth/routes';
import avatarRoutes from './features/avatar/routes';
import configRoutes from './features/config/routes';
import { registerDocs } from './features/docs/routes';
import healthRoutes from './features/health/routes';
import qrcodeRoutes from './features/qrcode/routes';
import plannedRoutes from './features/planned/routes';
import roomRoutes from './features/rooms/routes';
import zegoCallbackRoutes from './features/zego-callback/routes';
import cohostRoutes from './features/cohosts/routes';
import chatRoutes from './features/chat/routes';
import statsRoutes from './features/stats/routes';
import { AccessTokenCache } from './wechat/access-token';
import { MsgSecCheckClient } from './wechat/msg-sec-check';
import { ZegoServerApi } from './zego/server-api';
import { HeartbeatSweeper } from './plugins/app/sweeper';
import { ReminderSender } from './plugins/app/reminders';
import { RequestLog } from './http/request-log';
import { closeRedis, connectRedis, redisReady } from './plugins/external/redis';
import { DatabaseUnavailableError } from './store/common';
import { openStore } from './store/index';
import type { Store } from './store/types';

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
};

/** Largest accepted request body (bytes); every API body is a few hundred bytes. */
export const BODY_LIMIT = 16 * 1024;

/** What tests (and main) may inject instead of the real clock, randomness, WeChat, store and log output. */
export interface AppDeps {
  store?: Store;
  /** Milliseconds since the epoch. */
  now?: () => number;
  random?: RandomSource;
  /** Overrides WECHAT_API_BASE (a loopback fake in tests). */
  wechatApiBase?: string;
  wechatTimeoutMs?: number;
  /** Overrides ZEGO_SERVER_API_URL (a loopback fake in tests). */
  zegoServerApiUrl?: string;
  /** How long one call to ZEGO's server API may take (default 3000 ms). */
  zegoServerApiTimeoutMs?: number;
  /** How long to wait for Alipay's gateway (default 5000 ms). */
  alipayTimeoutMs?: number;
  rateLimits?: Partial<RateLimits>;
  /** Where pino writes (default stdout); `false` silences logs. */
  logStream?: DestinationStream | false;
  logLevel?: string;
  /** The operator console's folder (default server/public, served only if it exists). */
  publicDir?: string;
  /** How often the heartbeat sweeper runs (default HEARTBEAT_SWEEP_MS); false: never by itself (tests sweep by hand). */
  sweepIntervalMs?: number | false;
  /** Prefix of the rate-limit keys in Redis (default "live-rate-limit:"); tests use their own. */
  redisKeyPrefix?: string;
  /** How long a start reminder waits before its one retry (default 1000 ms). */
  reminderRetryDelayMs?: number;
  /** Told of every route as it is added (the contract test checks each against the OpenAPI document). */
  onRoute?: (route: RouteOptions) => void;
}

/** Paths pino replaces with "[redacted]" wherever they show up in a log line. */
const REDACT = [
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'authorization',
  'sessionToken',
  'token',
  'secret',
  'serverSecret',
  'consoleToken',
  '*.sessionToken',
  '*.token',
  '*.secret',
  '*.serverSecret',
  '*.consoleToken',
  '*.zegoCallbackSecret',
  // Alipay: the app's private key, a sign-in's auth code, the <rtc-room> signature.
  'privateKey',
  'authCode',
  'signature',
  '*.privateKey',
  '*.authCode',
  '*.signature',
];

/** Builds the live service (not listening); the caller listens and closes it. Closing also closes the store. */
export async function buildApp(config: Config, deps: AppDeps = {}): Promise<FastifyInstance> {
  const random = deps.random ?? defaultRandom;
  const app = Fastify({
    bodyLimit: BODY_LIMIT,
    // While closing, our onRequest hook answers 503 in the API's error shape (Fastify's own 503 body is not).
    return503OnClosing: false,
    // One short line per request (method, path, status, ms); never headers, bodies or query strings.
    logController: new RequestLog(),
    trustProxy: config.trustProxy === false ? false : trustProxy(config.trustProxy),
    logger:
      deps.logStream === false
        ? false
        : {
            level: deps.logLevel ?? 'info',
            redact: { paths: REDACT, censor: '[redacted]' },
            ...(deps.logStream ? { stream: deps.logStream } : {}),
          },
    // Bodies strictly, the query string and params coerced; Fastify's and Node's own refusals in our error shape.
    schemaController: schemaController(),
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    frameworkErrors,
    clientErrorHandler,
    // Node would answer a Host-less HTTP/1.1 request itself, with an empty body: refuseMissingHost answers instead.
    http: { requireHostHeader: false },
  }).withTypeProvider<TypeBoxTypeProvider>();
  if (deps.onRoute) app.addHook('onRoute', deps.onRoute);

  // One warning per outage, not one per broken connection or reconnect attempt.
  const warnOnce = (what: string): ((error: Error) => void) => {
    let last = 0;
    return (error) => {
      if (Date.now() - last < 30_000) return;
      last = Date.now();
      app.log.warn(
        { err: { message: error.message, code: (error as { code?: string }).code } },
        `${what} error`,
      );
    };
  };
  const store =
    deps.store ??
    (await openStore(config, { newUserId: () => newUserId(random), onIdleError: warnOnce('database') }));
  const redis =
    config.redisUrl === null ? null : connectRedis(config.redisUrl, { onError: warnOnce('Redis') });
  const live = {
    config,
    store,
    now: deps.now ?? Date.now,
    random,
    wechatApiBase: deps.wechatApiBase ?? config.wechatApiBase,
    wechatTimeoutMs: deps.wechatTimeoutMs ?? 5000,
    rateLimits: { ...DEFAULT_RATE_LIMITS, ...deps.rateLimits },
    redis,
    zegoServerApi:
      config.zego === null || config.zegoServerApi === null
        ? null
        : new ZegoServerApi({
            baseUrl: deps.zegoServerApiUrl ?? config.zegoServerApi.url,
            appId: config.zego.appID,
            serverSecret: config.zego.serverSecret,
            timeoutMs: deps.zegoServerApiTimeoutMs,
          }),
  } as LiveContext;
  live.wechatTokens =
    config.wechat === null
      ? null
      : new AccessTokenCache(
          {
            appID: config.wechat.appID,
            secret: config.wechat.secret,
            apiBase: live.wechatApiBase,
            timeoutMs: live.wechatTimeoutMs,
          },
          fetch,
          live.now,
        );
  live.msgSecCheck =
    live.wechatTokens === null
      ? null
      : new MsgSecCheckClient(live.wechatTokens, live.wechatApiBase, fetch, live.wechatTimeoutMs);
  live.sweeper = new HeartbeatSweeper(live, app.log);
  live.reminders = new ReminderSender(live, app.log, deps.reminderRetryDelayMs);
  app.decorate('live', live);
  if (redis !== null) {
    // Count from the first request: give Redis a moment to connect before listening (start anyway if it is away).
    app.addHook('onReady', async () => {
      await redisReady(redis, 2000).catch(() =>
        app.log.warn('Redis is not reachable yet: rate limits are off until it is'),
      );
    });
  }
  const sweepEvery = deps.sweepIntervalMs ?? config.heartbeat.sweepMs;
  if (sweepEvery !== false) {
    app.addHook('onReady', async () => live.sweeper.start(sweepEvery));
  }
  // In-flight requests are done by now (Fastify closes the server first); then the sweeper, Redis, the pool.
  app.addHook('onClose', async () => {
    await live.sweeper.stop();
    await live.reminders.idle();
    if (redis !== null) await closeRedis(redis);
    await store.close();
  });

  // Bodiless POSTs (logout, live, end, a viewer's token) often still say application/json, as wx.request does by
  // default: a request without a body is {} (with that type or none), and it skips the body reader (stream events,
  // an async resource, a parse) by going on as Fastify does for a request without a body.
  app.addHook('onRequest', (request, _reply, done) => {
    const { headers } = request;
    if (
      request.method !== 'GET' &&
      headers['transfer-encoding'] === undefined &&
      (headers['content-length'] === undefined || headers['content-length'] === '0')
    ) {
      const type = headers['content-type'];
      if (type === undefined || type.startsWith('application/json')) {
        delete headers['content-type'];
        request.body = {};
      }
    }
    done();
  });
  // A body the hook cannot know is empty in advance (chunked, or only whitespace) is {} too.
  const defaultJson = app.getDefaultJsonParser('error', 'error');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (typeof body === 'string' && body.trim() === '') done(null, {});
    else defaultJson(request, body.toString(), done);
  });
  // ZEGO may post callbacks as a form.
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string' },
    (_request, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(String(body))));
    },
  );

  app.setErrorHandler((error: FastifyError | ApiError, request, reply) => {
    if (error instanceof ApiError) {
      if (error.statusCode >= 500) request.log.warn({ code: error.code }, error.message);
      return reply.status(error.statusCode).send({ error: { code: error.code, message: error.message } });
    }
    if (error instanceof DatabaseUnavailableError) {
      request.log.warn({ code: 'DATABASE_UNAVAILABLE' }, 'database unavailable');
      return reply.status(503).send({
        error: { code: 'DATABASE_UNAVAILABLE', message: 'The database is unavailable; try again shortly' },
      });
    }
    if (error.validation)
      return sendError(reply, 400, validationMessage(error.validationContext, error.validation));
    const status = error.statusCode ?? 500;
    if (status === 413) {
      return reply.status(413).send({
        error: { code: 'PAYLOAD_TOO_LARGE', message: `Request body is larger than ${BODY_LIMIT} bytes` },
      });
    }
    if (status >= 400 && status < 500) return sendError(reply, status, error.message);
    // Unexpected: log it, answer without details (no stack, no secrets).
    request.log.error({ err: error }, 'unhandled error');
    return reply.status(500).send({ error: { code: 'INTERNAL', message: 'Internal server error' } });
  });

  app.addHook('onRequest', refuseMissingHost);

  // Shutdown: requests already running finish (Fastify waits for them before the onClose hooks close the pools);
  // a request arriving on a kept-alive connection meanwhile is told to go elsewhere.
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onRequest', async (_request, reply) => {
    if (!closing) return;
    reply.header('connection', 'close');
    throw new ApiError(503, 'SHUTTING_DOWN', 'This instance is shutting down; retry the request');
  });
  // A response finished while closing ends its connection: kept alive, it would hold the close for the whole
  // keep-alive timeout (72 s in Fastify) once idle.
  app.addHook('onSend', async (_request, reply, payload) => {
    if (closing) reply.header('connection', 'close');
    return payload;
  });

  app.setNotFoundHandler((request, reply) =>
    reply.status(404).send({
      error: { code: 'NOT_FOUND', message: `No route for ${request.method} ${request.url.split('?')[0]}` },
    }),
  );

  await app.register(rateLimit, {
    global: false,
    // With REDIS_URL every instance counts in the same keys, so N instances enforce one limit. If Redis is
    // briefly away the request passes unlimited rather than failing (/readyz reports Redis down meanwhile).
    ...(redis !== null
      ? { redis, nameSpace: deps.redisKeyPrefix ?? config.redisKeyPrefix, skipOnError: true }
      : {}),
    // A refusal says when to retry (Retry-After and the limits); an answer within the limit carries no extra headers.
    addHeadersOnExceeding: {
      'x-ratelimit-limit': false,
      'x-ratelimit-remaining': false,
      'x-ratelimit-reset': false,
    },
    errorResponseBuilder: (_request, context) =>
      new ApiError(429, 'RATE_LIMITED', `Too many requests; try again in ${Math.ceil(context.ttl / 1000)} s`),
  });

  // The OpenAPI document (/docs/json) and its page (/docs): before the routes, which it records as they are added.
  await registerDocs(app);
  await app.register(healthRoutes);
  await app.register(configRoutes, { prefix: '/api' });
  await app.register(authRoutes, { prefix: '/api' });
  // POST /api/me/avatar and GET /avatars/:file (no prefix: the files are not under /api).
  await app.register(avatarRoutes);
  await app.register(roomRoutes, { prefix: '/api' });
  // Planned rooms (the plan, the cover) and their start reminders (开播提醒).
  await app.register(plannedRoutes);
  // Co-hosting (连麦) in live rooms: requests, acceptance, the list, ending.
  await app.register(cohostRoutes, { prefix: '/api' });
  // Chat through the service (content check, limits) and its moderation: comments off, mute, remove, the log.
  await app.register(chatRoutes, { prefix: '/api' });
  await app.register(statsRoutes, { prefix: '/api' });
  // POST /api/auth/alipay and GET /api/rooms/:id/rtc-room (the Alipay mini-program).
  await app.register(alipayRoutes, { prefix: '/api', timeoutMs: deps.alipayTimeoutMs });
  await app.register(zegoCallbackRoutes, { prefix: '/api' });

  // ---- QR-code engineer: register src/routes/qrcode.ts here (GET /api/rooms/:id/anchor-qrcode, operator only) ----
  await app.register(qrcodeRoutes, { prefix: '/api' });
  // ---- end of the QR-code section ----

  // The operator console (built by another engineer into server/public/), served only if present.
  const publicDir = deps.publicDir ?? path.join(SERVER_ROOT, 'public');
  if (existsSync(publicDir)) {
    await app.register(fastifyStatic, { root: publicDir, prefix: '/', index: 'index.html' });
  }

  return app;
}

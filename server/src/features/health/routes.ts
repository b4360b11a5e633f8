import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { ApiError } from '../../lib/errors';
import { ErrorView } from '../../lib/views';
import { pingRedis } from '../../redis/client';

/** How long /readyz waits for each dependency. */
const PROBE_TIMEOUT_MS = 1000;

/** Rejects if promise takes longer than ms. */
async function within<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_resolve, reject) => {
        timer = setTimeout(() => reject(new Error('timed out')), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** GET /healthz (the process is up) and GET /readyz (its database and Redis answer). */
const healthRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/healthz', { schema: { response: { 200: Type.Object({ ok: Type.Boolean() }) } } }, async () => ({
    ok: true,
  }));

  /**
   * GET /readyz: 200 {ok, database, redis, counters} when every configured dependency answers; 503 NOT_READY naming
   * which not. counters says where a room's likes and messages are counted now: 'redis' (shared), or 'process' (no
   * Redis, or Redis away: each instance counts its own and flushes it itself).
   */
  app.get(
    '/readyz',
    {
      schema: {
        response: {
          200: Type.Object({
            ok: Type.Boolean(),
            database: Type.Literal('up'),
            redis: Type.Union([Type.Literal('up'), Type.Literal('off')]),
            counters: Type.Union([Type.Literal('redis'), Type.Literal('process')]),
          }),
          503: ErrorView,
        },
      },
    },
    async () => {
      const { store, redis } = app;
      const [database, cache] = await Promise.all([
        within(store.ping(), PROBE_TIMEOUT_MS).then(
          () => 'up' as const,
          () => 'down' as const,
        ),
        redis === null
          ? ('off' as const)
          : pingRedis(redis, PROBE_TIMEOUT_MS).then(
              () => 'up' as const,
              () => 'down' as const,
            ),
      ]);
      // Redis that does not answer counts nothing: each instance counts in its own memory meanwhile.
      const mode = cache === 'down' ? 'process' : app.counters.mode;
      if (database === 'down' || cache === 'down') {
        throw new ApiError(
          503,
          'NOT_READY',
          `Not ready: database ${database}, redis ${cache}, counters per ${mode === 'redis' ? 'Redis' : 'process'}`,
        );
      }
      return { ok: true, database, redis: cache, counters: mode };
    },
  );
};

export default healthRoutes;

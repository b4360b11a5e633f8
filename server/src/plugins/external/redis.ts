import fp from 'fastify-plugin';
import type Redis from 'ioredis';
import { closeRedis, connectRedis, redisReady } from '../../redis/client';
import { warnOnce } from '../warn-once';

/** REDIS_URL, or null: rate limits count in this process only. */
export interface RedisPluginOptions {
  url: string | null;
}

declare module 'fastify' {
  interface FastifyInstance {
    redis: Redis | null;
  }
}

/**
 * Decorates `redis` (shared rate limits), or null without REDIS_URL. The app waits a moment for it to connect before
 * listening, so limits count from the first request, and starts anyway if it is away.
 */
export default fp<RedisPluginOptions>(
  async (app, { url }) => {
    const client = url === null ? null : connectRedis(url, { onError: warnOnce(app.log, 'Redis') });
    app.decorate('redis', client);
    if (client === null) return;
    app.addHook('onReady', async () => {
      await redisReady(client, 2000).catch(() =>
        app.log.warn('Redis is not reachable yet: rate limits are off until it is'),
      );
    });
    app.addHook('onClose', async () => closeRedis(client));
  },
  { name: 'redis' },
);

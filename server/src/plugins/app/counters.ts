import fp from 'fastify-plugin';
import { SERIES_MINUTES } from '../../counters/counts';
import { RoomCounters } from '../../counters/index';
import { warnOnce } from '../warn-once';

/** The counters' options: the Redis key prefix, the clock, and the flush interval (tests shorten it). */
export interface CountersPluginOptions {
  keyPrefix: string;
  now: () => number;
  intervalMs?: number;
}

declare module 'fastify' {
  interface FastifyInstance {
    counters: RoomCounters;
  }
}

/**
 * Decorates `counters` (src/counters: a room's likes, messages and viewers, in Redis or this process) and flushes
 * them every interval; closing flushes what is left before the store closes (a graceful stop loses nothing).
 */
export default fp<CountersPluginOptions>(
  async (app, { keyPrefix, now, intervalMs }) => {
    const warn = warnOnce(app.log, 'counters flush');
    const counters = new RoomCounters({
      store: app.store,
      redis: app.redis,
      keyPrefix,
      now,
      seriesMinutes: SERIES_MINUTES,
      intervalMs,
      onError: (error) => warn(error instanceof Error ? error : new Error(String(error))),
    });
    app.decorate('counters', counters);
    app.addHook('onReady', async () => counters.start());
    app.addHook('onClose', async () => counters.stop());
  },
  { name: 'counters', dependencies: ['store', 'redis'] },
);

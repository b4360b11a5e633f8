import fp from 'fastify-plugin';
import type { Config } from '../../config';
import { Bound, type BoundLimits } from '../../lib/bound';
import { ZegoServerApi } from '../../zego/server-api';

/** Where ZEGO's server API is (tests: a loopback fake) and how long one call may take. */
export interface ZegoOptions {
  config: Config;
  /** Overrides ZEGO_SERVER_API_URL. */
  url?: string;
  /** Default 3000 ms. */
  timeoutMs?: number;
  /** How many calls may run at once and wait (default ZEGO_BOUND). */
  bound?: BoundLimits;
}

/**
 * ZEGO's server API takes about 100 calls a second per project: 16 at once at its usual 30-100 ms is about that, and a
 * second's worth may wait; past that a chat line is refused at once (503) rather than queued without end.
 */
export const ZEGO_BOUND: BoundLimits = { concurrency: 16, queueMax: 100 };

declare module 'fastify' {
  interface FastifyInstance {
    zegoServerApi: ZegoServerApi | null;
  }
}

/** Decorates `zegoServerApi`: ZEGO's server API with the app's credentials, or null when not configured. */
export default fp<ZegoOptions>(
  async (app, { config, url, timeoutMs, bound = ZEGO_BOUND }) => {
    app.decorate(
      'zegoServerApi',
      config.zego === null || config.zegoServerApi === null
        ? null
        : new ZegoServerApi({
            baseUrl: url ?? config.zegoServerApi.url,
            appId: config.zego.appID,
            serverSecret: config.zego.serverSecret,
            timeoutMs,
            bound: new Bound('ZEGO server API', bound),
          }),
    );
  },
  { name: 'zego' },
);

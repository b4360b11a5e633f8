import fp from 'fastify-plugin';
import type { Config } from '../../config';
import { ZegoServerApi } from '../../zego/server-api';

/** Where ZEGO's server API is (tests: a loopback fake) and how long one call may take. */
export interface ZegoOptions {
  config: Config;
  /** Overrides ZEGO_SERVER_API_URL. */
  url?: string;
  /** Default 3000 ms. */
  timeoutMs?: number;
}

declare module 'fastify' {
  interface FastifyInstance {
    zegoServerApi: ZegoServerApi | null;
  }
}

/** Decorates `zegoServerApi`: ZEGO's server API with the app's credentials, or null when not configured. */
export default fp<ZegoOptions>(
  async (app, { config, url, timeoutMs }) => {
    app.decorate(
      'zegoServerApi',
      config.zego === null || config.zegoServerApi === null
        ? null
        : new ZegoServerApi({
            baseUrl: url ?? config.zegoServerApi.url,
            appId: config.zego.appID,
            serverSecret: config.zego.serverSecret,
            timeoutMs,
          }),
    );
  },
  { name: 'zego' },
);

import fp from 'fastify-plugin';
import { AlipayAuth } from '../../alipay/oauth';
import type { Config } from '../../config';

/** Alipay's gateway timeout (tests shorten it). */
export interface AlipayOptions {
  config: Config;
  /** Default 5000 ms. */
  timeoutMs?: number;
}

declare module 'fastify' {
  interface FastifyInstance {
    alipay: AlipayAuth | null;
  }
}

/** Decorates `alipay`: Alipay's sign-in (my.getAuthCode codes) when configured, else null. */
export default fp<AlipayOptions>(
  async (app, { config, timeoutMs }) => {
    app.decorate('alipay', config.alipay === null ? null : new AlipayAuth(config.alipay, timeoutMs));
  },
  { name: 'alipay' },
);

import fp from 'fastify-plugin';
import type { Config } from '../../config';
import { newUserId, type RandomSource } from '../../lib/ids';
import { openStore } from '../../store/index';
import type { Store } from '../../store/types';
import { warnOnce } from '../warn-once';

/** The store's options: a test's own store, or the configured one opened with the service's randomness. */
export interface StoreOptions {
  config: Config;
  random: RandomSource;
  /** A store opened by the caller (tests); closed with the app all the same. */
  store?: Store;
}

declare module 'fastify' {
  interface FastifyInstance {
    store: Store;
  }
}

/** Decorates `store` (SQLite, or PostgreSQL with DATABASE_URL), closed last when the app closes. */
export default fp<StoreOptions>(
  async (app, options) => {
    const store =
      options.store ??
      (await openStore(options.config, {
        newUserId: () => newUserId(options.random),
        onIdleError: warnOnce(app.log, 'database'),
      }));
    app.decorate('store', store);
    app.addHook('onClose', async () => store.close());
  },
  { name: 'store' },
);

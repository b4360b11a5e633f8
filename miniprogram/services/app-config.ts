/**
 * The service's /api/config (ZEGO app ID and servers) kept in storage with a lifetime: a warm start creates the
 * engine without waiting for the service, and the first launch asks once. A stored copy past its lifetime, or one
 * that does not look like a config, is asked for again; a failed request leaves nothing stored.
 */
import type { ApiConfig } from './api-client';
import type { Platform } from './platform-types';

/** Storage key of the stored config. */
export const CONFIG_STORAGE_KEY = 'live.config';

/** How long a stored config is used before the service is asked again (the app ID changes only on a migration). */
export const CONFIG_LIFETIME_MS = 12 * 60 * 60 * 1000;

/** What is kept: the config and when it was fetched (epoch ms). */
interface StoredConfig {
  config: ApiConfig;
  fetchedAt: number;
}

/** Where the cache reads the config and keeps it. */
export interface ConfigCacheDeps {
  fetch: () => Promise<ApiConfig>;
  storage: () => Pick<Platform, 'getStorage' | 'setStorage' | 'removeStorage'>;
  now?: () => number;
  lifetimeMs?: number;
}

const isConfig = (value: unknown): value is ApiConfig => {
  const config = value as Partial<ApiConfig> | null;
  return (
    typeof config?.appID === 'number' &&
    config.appID > 0 &&
    (typeof config.server === 'string' || Array.isArray(config.server))
  );
};

/** /api/config through storage: `get()` answers the stored copy while it is fresh, else asks (once at a time). */
export class ConfigCache {
  private inFlight: Promise<ApiConfig> | null = null;
  private readonly now: () => number;
  private readonly lifetimeMs: number;

  constructor(private readonly deps: ConfigCacheDeps) {
    this.now = deps.now ?? Date.now;
    this.lifetimeMs = deps.lifetimeMs ?? CONFIG_LIFETIME_MS;
  }

  /** The stored config when it is still within its lifetime. */
  stored(): ApiConfig | null {
    const saved = this.deps.storage().getStorage<StoredConfig>(CONFIG_STORAGE_KEY);
    if (!saved || !isConfig(saved.config) || typeof saved.fetchedAt !== 'number') return null;
    const age = this.now() - saved.fetchedAt;
    return age >= 0 && age < this.lifetimeMs ? saved.config : null;
  }

  /** The config: stored (no round trip) or fetched and stored. */
  get(): Promise<ApiConfig> {
    const stored = this.stored();
    if (stored) return Promise.resolve(stored);
    if (!this.inFlight) {
      this.inFlight = this.deps.fetch().then(
        (config) => {
          this.inFlight = null;
          // A service without ZEGO credentials answers configured: false; ask again next time rather than keep it.
          if (isConfig(config) && config.configured !== false) {
            this.deps
              .storage()
              .setStorage<StoredConfig>(CONFIG_STORAGE_KEY, { config, fetchedAt: this.now() });
          }
          return config;
        },
        (error: unknown) => {
          this.inFlight = null;
          throw error;
        },
      );
    }
    return this.inFlight;
  }

  /** Drops the stored copy (the engine could not be created with it). */
  forget(): void {
    this.deps.storage().removeStorage(CONFIG_STORAGE_KEY);
  }
}

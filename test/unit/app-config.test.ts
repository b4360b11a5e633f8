/**
 * The stored /api/config (services/app-config.ts): used without a request while within its lifetime, asked for
 * again after it, one request for callers at the same time, nothing stored from a failure or from a service
 * without ZEGO credentials.
 */
import type { ApiConfig } from '../../miniprogram/services/api-client';
import { CONFIG_LIFETIME_MS, CONFIG_STORAGE_KEY, ConfigCache } from '../../miniprogram/services/app-config';
import { FakePlatform } from '../helpers/fake-platform';

const CONFIG: ApiConfig = {
  appID: 1234567,
  server: ['wss://zego.example/ws'],
  configured: true,
  authMode: 'dev',
};

function setup(answer: () => Promise<ApiConfig> = () => Promise.resolve(CONFIG)) {
  const platform = new FakePlatform();
  let now = 1_000_000;
  const fetch = jest.fn(answer);
  const cache = () => new ConfigCache({ fetch, storage: () => platform, now: () => now });
  return { platform, fetch, cache, tick: (ms: number) => (now += ms) };
}

describe('ConfigCache', () => {
  it('asks once, then a new launch uses the stored config without a request', async () => {
    const s = setup();
    await expect(s.cache().get()).resolves.toEqual(CONFIG);
    s.tick(CONFIG_LIFETIME_MS - 1);
    await expect(s.cache().get()).resolves.toEqual(CONFIG);
    expect(s.fetch).toHaveBeenCalledTimes(1);
  });

  it('asks again once the stored config is past its lifetime', async () => {
    const s = setup();
    await s.cache().get();
    s.tick(CONFIG_LIFETIME_MS);
    await s.cache().get();
    expect(s.fetch).toHaveBeenCalledTimes(2);
  });

  it('callers at the same time share one request', async () => {
    const s = setup();
    const cache = s.cache();
    await Promise.all([cache.get(), cache.get(), cache.get()]);
    expect(s.fetch).toHaveBeenCalledTimes(1);
  });

  it('stores nothing from a failed request, nor a config without ZEGO credentials, nor a malformed copy', async () => {
    const failing = setup(() => Promise.reject(new Error('request:fail')));
    await expect(failing.cache().get()).rejects.toThrow('request:fail');
    expect(failing.platform.storage.has(CONFIG_STORAGE_KEY)).toBe(false);

    const unconfigured = setup(() => Promise.resolve({ ...CONFIG, configured: false }));
    await unconfigured.cache().get();
    expect(unconfigured.platform.storage.has(CONFIG_STORAGE_KEY)).toBe(false);

    const s = setup();
    s.platform.storage.set(CONFIG_STORAGE_KEY, { config: { appID: 'x' }, fetchedAt: 1_000_000 });
    await s.cache().get();
    expect(s.fetch).toHaveBeenCalledTimes(1);
  });

  it('forget() drops the stored copy', async () => {
    const s = setup();
    const cache = s.cache();
    await cache.get();
    cache.forget();
    await cache.get();
    expect(s.fetch).toHaveBeenCalledTimes(2);
  });
});

/**
 * The real-time engine for the WeChat app. ZEGO's SDK lives in the live subpackage (pages/, with its own
 * miniprogram_npm), so nothing in the main package imports it: this module loads the subpackage's engine module
 * (pages/engine/zego-engine.ts, the ONLY importer of the SDK) with WeChat's async require while the config
 * (app ID and server, stored with a lifetime: services/app-config.ts) is read, then creates the engine once.
 */
import { api } from './api';
import { ConfigCache } from './app-config';
import { platform } from './platform';
import type { RtcEngineOptions } from './rtc-adapter';
import type { RtcEngine } from './rtc-types';

// Kept exported from here so existing importers of the WeChat engine module need not change.
export { toRtcError, toStreamStats, type RtcEngineOptions, type RtcLogLevel } from './rtc-adapter';

/** Where the engine connects: the ZEGO app ID and server URL(s) from our service's /api/config. */
export interface RtcEngineConfig {
  appID: number;
  server: string | string[];
}

/** What the live subpackage's engine module exports. */
export interface LiveEngineModule {
  createRtcEngine(config: RtcEngineConfig, options?: RtcEngineOptions): RtcEngine;
}

/**
 * How the engine module is reached: WeChat's require.async, which downloads the live subpackage first when it is
 * not there yet (a live page opened directly has it already). Tests replace `load`.
 */
export const liveEngineModule = {
  load: (): Promise<LiveEngineModule> =>
    require.async('../pages/engine/zego-engine.js') as Promise<LiveEngineModule>,
};

/** /api/config, stored with a lifetime. */
export const appConfig = new ConfigCache({ fetch: () => api.config(), storage: () => platform() });

let loading: Promise<RtcEngine> | null = null;

/**
 * The app's engine: the config (stored or fetched) and the subpackage's engine module at the same time, then one
 * engine for every caller; a failed load may be retried (and a stored config that failed is asked for again).
 */
export function loadRtcEngine(options?: RtcEngineOptions): Promise<RtcEngine> {
  if (!loading) {
    loading = Promise.all([appConfig.get(), liveEngineModule.load()])
      .then(([config, engineModule]) => {
        try {
          return engineModule.createRtcEngine({ appID: config.appID, server: config.server }, options);
        } catch (error) {
          appConfig.forget();
          throw error;
        }
      })
      .catch((error: unknown) => {
        loading = null;
        throw error;
      });
  }
  return loading;
}

/**
 * The real-time engine for the WeChat app: the ONLY module that imports WeChat's ZEGO SDK. It creates the SDK
 * instance and hands it to the shared adapter (rtc-adapter.ts), which does the validation, error translation,
 * callback table and stats; this file adds the WeChat loader (app ID and server from our service, once).
 */
import { ZegoExpressEngine } from 'zego-express-engine-miniprogram';
import { api } from './api';
import { adaptZegoEngine, type RtcEngineOptions, type ZegoSdkLike } from './rtc-adapter';
import type { RtcEngine } from './rtc-types';

// Kept exported from here so existing importers of the WeChat engine module need not change.
export { toRtcError, toStreamStats, type RtcEngineOptions, type RtcLogLevel } from './rtc-adapter';

/** Where the engine connects: the ZEGO app ID and server URL(s) from our service's /api/config. */
export interface RtcEngineConfig {
  appID: number;
  server: string | string[];
}

/** Creates one WeChat SDK engine and wraps it as an RtcEngine; the app uses loadRtcEngine. */
export function createRtcEngine(config: RtcEngineConfig, options: RtcEngineOptions = {}): RtcEngine {
  const sdk: ZegoSdkLike = new ZegoExpressEngine(config.appID, config.server);
  return adaptZegoEngine(sdk, options);
}

let loading: Promise<RtcEngine> | null = null;

/** The app's engine: fetches /api/config once and creates the engine once; a failed load may be retried. */
export function loadRtcEngine(options?: RtcEngineOptions): Promise<RtcEngine> {
  if (!loading) {
    loading = api
      .config()
      .then((config) => createRtcEngine({ appID: config.appID, server: config.server }, options))
      .catch((error: unknown) => {
        loading = null;
        throw error;
      });
  }
  return loading;
}

/**
 * The live subpackage's engine module: the ONLY module that imports WeChat's ZEGO SDK, which the npm build puts in
 * this subpackage's miniprogram_npm (pages/package.json). It creates the SDK instance and hands it to the shared
 * adapter (services/rtc-adapter.ts: validation, error translation, callback table, stats). The main package reaches
 * it only through services/rtc-engine.ts's async require.
 */
import { ZegoExpressEngine } from 'zego-express-engine-miniprogram';
import { adaptZegoEngine, type RtcEngineOptions, type ZegoSdkLike } from '../../services/rtc-adapter';
import type { RtcEngineConfig } from '../../services/rtc-engine';
import type { RtcEngine } from '../../services/rtc-types';

/** Creates one WeChat SDK engine and wraps it as an RtcEngine; the app uses services/rtc-engine's loadRtcEngine. */
export function createRtcEngine(config: RtcEngineConfig, options: RtcEngineOptions = {}): RtcEngine {
  const sdk: ZegoSdkLike = new ZegoExpressEngine(config.appID, config.server);
  return adaptZegoEngine(sdk, options);
}

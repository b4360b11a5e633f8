/**
 * The real-time engine for the Alipay app: ZEGO's Alipay mini-program SDK through the shared adapter
 * (miniprogram/services/rtc-adapter.ts). The SDK class is injected, not imported: ZEGO ships it as a downloaded
 * file (alipay/libs/ZegoExpressAlipayMiniProgram.js, never committed), and the contract test passes the vendored
 * copy. This file touches no `my`: whatever the app must ask the phone is passed in as a function.
 *
 * What differs from WeChat's SDK (3.6) and is smoothed over here, so the shared adapter stays one copy:
 * - startPublishingStream before loginRoom rejects with a bare TypeError (it reads the first room of an empty list)
 *   instead of a ZEGO code; we reject with the SDK's own "not login room" code, 1000002, as its
 *   startPlayingStream does in the same case.
 * - checkSystemRequirements answers only 0 or 10001 (Alipay older than 10.1.80): it calls my.getSetting but never
 *   looks at the answer, so it never reports 10002. Given `readAuthSetting`, we report 10002 when the camera or
 *   the microphone was refused. When my.getSetting fails the SDK rejects with Alipay's {error, errorMessage},
 *   which carries no ZEGO code: we turn it into a readable RtcError.
 * The same as WeChat's (checked against SDK 1.0.0 under jest): the ID validation codes, `{streamID, url}` from
 * startPublishingStream / startPlayingStream, every event name of RTC_EVENT_NAMES, loginRoom's {userUpdate}.
 */
import {
  adaptZegoEngine,
  UNKNOWN_ERROR_CODE,
  type RtcEngineOptions,
  type ZegoSdkLike,
} from '../../miniprogram/services/rtc-adapter';
import type { RtcEngine, RtcError, RtcSystemCheck } from '../../miniprogram/services/rtc-types';

/** Where the engine connects: the ZEGO app ID and server URL(s) from our service's /api/config. */
export interface AlipayRtcConfig {
  appID: number;
  server: string | string[];
}

/** The SDK class as the downloaded file exports it (`ZegoExpressEngine`). */
export type ZegoSdkConstructor = new (appID: number, server: string | string[]) => ZegoSdkLike;

/** Alipay's my.getSetting().authSetting (keys such as `camera`, `audioRecord`; absent = never asked). */
export type AlipayAuthSetting = Record<string, boolean | undefined>;

/** Engine options for Alipay: the shared log levels, plus what only the app can ask the phone. */
export interface AlipayRtcEngineOptions extends RtcEngineOptions {
  /**
   * Reads my.getSetting's authSetting (the app wraps `my.getSetting`), so checkSystemRequirements can report 10002,
   * which the Alipay SDK never does itself. Without it the SDK's answer is passed on unchanged.
   */
  readAuthSetting?: () => Promise<AlipayAuthSetting>;
}

/** The Alipay SDK's codes we produce ourselves, where it leaves them out. */
export const ALIPAY_SDK_CODES = {
  /** The SDK's kPublishNoLoginError / kPlayNoLoginError: "not login room". */
  notLoggedIn: 1000002,
  /** checkSystemRequirements: the Alipay client is older than 10.1.80 (the SDK's own answer). */
  clientTooOld: 10001,
  /** checkSystemRequirements: camera or microphone refused (the SDK has the text but never answers it). */
  noPermission: 10002,
} as const;

/** The SDK's own message for 10002, so both codes read like the SDK's. */
const NO_PERMISSION_MSG = '需要摄像头和录音功能的授权';

/** The authSetting keys of the camera and the microphone; false means refused. */
const CAMERA_KEY = 'camera';
const MICROPHONE_KEY = 'audioRecord';

const hasNumericCode = (reason: unknown): boolean => {
  const r = typeof reason === 'object' && reason !== null ? (reason as Record<string, unknown>) : {};
  return Number.isFinite(Number(r.code ?? r.errorCode));
};

/** Alipay's failure object {error, errorMessage} (my.* fail callbacks) as an RtcError with its text kept. */
function alipayFailure(what: string, reason: unknown): RtcError {
  const r = typeof reason === 'object' && reason !== null ? (reason as Record<string, unknown>) : {};
  const detail = [r.error, r.errorMessage ?? r.message].filter((v) => v !== undefined).join(' ');
  return { code: UNKNOWN_ERROR_CODE, msg: `${what} failed: ${detail || String(reason)}` };
}

/**
 * The Alipay SDK instance as a ZegoSdkLike with its differences (above) removed. Every other method is passed
 * straight through, looked up on the SDK at call time (so spies on the SDK's prototype still see the calls).
 */
function smoothAlipaySdk(sdk: ZegoSdkLike, options: AlipayRtcEngineOptions): ZegoSdkLike {
  const checkSystemRequirements = async (): Promise<RtcSystemCheck> => {
    let result: RtcSystemCheck;
    try {
      result = await sdk.checkSystemRequirements();
    } catch (reason) {
      throw hasNumericCode(reason) ? reason : alipayFailure('my.getSetting', reason);
    }
    if (result.code !== 0 || !options.readAuthSetting) return result;
    let auth: AlipayAuthSetting;
    try {
      auth = await options.readAuthSetting();
    } catch (reason) {
      throw alipayFailure('my.getSetting', reason);
    }
    const refused = auth[CAMERA_KEY] === false || auth[MICROPHONE_KEY] === false;
    return refused ? { code: ALIPAY_SDK_CODES.noPermission, msg: NO_PERMISSION_MSG } : result;
  };

  const startPublishingStream = (streamID: string): Promise<{ url: string }> =>
    sdk.startPublishingStream(streamID).catch((reason: unknown) => {
      // Coded rejections (validation, dispatch...) are the SDK's word; only the code-less crash is translated.
      if (hasNumericCode(reason)) throw reason;
      const error: RtcError = {
        code: ALIPAY_SDK_CODES.notLoggedIn,
        msg: `not login room (${String(reason)})`,
      };
      throw error;
    });

  return {
    setLogConfig: (config) => sdk.setLogConfig(config),
    on: (event, callback) => sdk.on(event, callback),
    off: (event, callback) => sdk.off(event, callback),
    checkSystemRequirements,
    loginRoom: (roomID, token, user, config) => sdk.loginRoom(roomID, token, user, config),
    logoutRoom: (roomID) => sdk.logoutRoom(roomID),
    renewToken: (token, roomID) => sdk.renewToken(token, roomID),
    startPublishingStream,
    stopPublishingStream: (streamID) => sdk.stopPublishingStream(streamID),
    startPlayingStream: (streamID) => sdk.startPlayingStream(streamID),
    stopPlayingStream: (streamID) => sdk.stopPlayingStream(streamID),
    updatePlayerState: (streamID, event) => sdk.updatePlayerState(streamID, event),
    updatePlayerNetStatus: (streamID, event) => sdk.updatePlayerNetStatus(streamID, event),
    sendBroadcastMessage: (roomID, message) => sdk.sendBroadcastMessage(roomID, message),
    sendBarrageMessage: (roomID, message) => sdk.sendBarrageMessage(roomID, message),
    sendCustomCommand: (roomID, command, toUserIDs) => sdk.sendCustomCommand(roomID, command, toUserIDs),
  };
}

/** Creates one Alipay SDK engine from the injected class and wraps it as an RtcEngine (quiet logs by default). */
export function createAlipayRtcEngine(
  Sdk: ZegoSdkConstructor,
  config: AlipayRtcConfig,
  options: AlipayRtcEngineOptions = {},
): RtcEngine {
  const sdk = new Sdk(config.appID, config.server);
  return adaptZegoEngine(smoothAlipaySdk(sdk, options), options);
}

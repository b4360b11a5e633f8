/**
 * The real-time engine on any ZEGO Express mini-program SDK instance (WeChat's npm package, Alipay's downloaded
 * file): the platform-agnostic half of the engine. It implements `RtcEngine` on a `ZegoSdkLike` — validates IDs
 * before the SDK sees them, turns SDK rejections into RtcError {code, msg}, and translates the SDK's callbacks into
 * the RtcEvents payloads for the one handler the store installs.
 *
 * It imports neither SDK package and touches no `wx` / `my`: the platform file creates the SDK instance (and smooths
 * over that SDK's own differences) and hands it here, so both apps share one copy of this behaviour.
 */
import {
  RTC_EVENT_NAMES,
  type NativeLiveEvent,
  type PlayerState,
  type PublisherState,
  type RoomState,
  type RoomStateChangedReason,
  type RtcEngine,
  type RtcError,
  type RtcEventHandler,
  type RtcEvents,
  type RtcStreamStats,
  type RtcSystemCheck,
  type RtcUser,
  type UpdateType,
} from './rtc-types';
import { validateRoomID, validateStreamID, validateUserID, type ValidationError } from '../utils/validate';

/** SDK log levels (local console / ZEGO's remote log). */
export type RtcLogLevel = 'debug' | 'info' | 'warn' | 'error' | 'disable';

/** Engine options; the defaults are quiet, for production. */
export interface RtcEngineOptions {
  /** Console log level of the SDK (default 'error'). */
  logLevel?: RtcLogLevel;
  /** Level of logs the SDK uploads to ZEGO (default 'disable'). */
  remoteLogLevel?: RtcLogLevel;
}

/** Any SDK callback, as the adapter registers it (the typed work is in `translate`). */
export type ZegoSdkCallback = (...args: never[]) => void;

/**
 * The SDK methods the adapter uses, structurally: both ZEGO mini-program SDKs have this shape (a platform file
 * adapts a method whose result differs, e.g. a URL returned as a string instead of `{url}`). Results the adapter
 * ignores are `unknown`, so an SDK returning `boolean` or `void` there fits as it is.
 */
export interface ZegoSdkLike {
  setLogConfig(config: { logLevel: RtcLogLevel; remoteLogLevel: RtcLogLevel }): unknown;
  /** Answers false for an event name the SDK does not know. */
  on(event: keyof RtcEvents, callback: ZegoSdkCallback): boolean;
  off(event: keyof RtcEvents, callback?: ZegoSdkCallback): boolean;
  checkSystemRequirements(): Promise<RtcSystemCheck>;
  loginRoom(
    roomID: string,
    token: string,
    user: { userID: string; userName?: string },
    config?: { userUpdate?: boolean },
  ): Promise<unknown>;
  logoutRoom(roomID?: string): unknown;
  renewToken(token: string, roomID?: string): boolean;
  startPublishingStream(streamID: string): Promise<{ url: string }>;
  stopPublishingStream(streamID: string): unknown;
  startPlayingStream(streamID: string, options?: { isMix?: boolean }): Promise<{ url: string }>;
  stopPlayingStream(streamID: string): unknown;
  updatePlayerState(streamID: string, event: NativeLiveEvent): unknown;
  updatePlayerNetStatus(streamID: string, event: NativeLiveEvent): unknown;
  sendBroadcastMessage(roomID: string, message: string): Promise<unknown>;
  sendBarrageMessage(roomID: string, message: string): Promise<unknown>;
  /** Resolves with {errorCode} (0 when sent). */
  sendCustomCommand(roomID: string, command: string, toUserIDs: string[]): Promise<unknown>;
}

/** The SDK's own codes for bad IDs, so our validation and the SDK's speak the same numbers (same in both SDKs). */
const VALIDATION_CODES: Record<ValidationError['field'], Partial<Record<ValidationError['code'], number>>> = {
  roomID: { EMPTY: 1002011, BAD_CHARACTERS: 1002012, TOO_LONG: 1002013 },
  userID: { EMPTY: 1002005, TOO_LONG: 1002007 },
  streamID: { EMPTY: 1000015, BAD_CHARACTERS: 1000016, TOO_LONG: 1000014 },
};

/** Code for an SDK failure that carried no numeric code. */
export const UNKNOWN_ERROR_CODE = -1;

/** Our validation result as an RtcError, or null when the ID is valid. */
function validationError(error: ValidationError | null): RtcError | null {
  if (!error) return null;
  const code = VALIDATION_CODES[error.field][error.code] ?? UNKNOWN_ERROR_CODE;
  return { code, msg: `${error.field} ${error.code}: ${error.message}` };
}

/** Any SDK rejection ({code, msg}, {errorCode, extendedData}, an Error...) as an RtcError. */
export function toRtcError(reason: unknown): RtcError {
  const r = (typeof reason === 'object' && reason !== null ? reason : {}) as Record<string, unknown>;
  const rawCode = r.code ?? r.errorCode;
  const code = typeof rawCode === 'number' ? rawCode : Number(rawCode);
  const rawMsg = r.msg ?? r.message ?? r.extendedData ?? r.errMsg;
  return {
    code: Number.isFinite(code) ? code : UNKNOWN_ERROR_CODE,
    msg: typeof rawMsg === 'string' ? rawMsg : String(reason),
  };
}

/** Runs an SDK call, rejecting with an RtcError whether it throws or its promise rejects. */
async function sdkCall<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (reason) {
    throw toRtcError(reason);
  }
}

const num = (value: unknown, fallback = 0): number =>
  typeof value === 'number' && Number.isFinite(value) ? value : fallback;

/** ZEGO's publish/play stats (web-style {video, audio}; the mini-program SDK fills videoWidth/videoHeight). */
export function toStreamStats(stats: unknown): RtcStreamStats {
  const s = (typeof stats === 'object' && stats !== null ? stats : {}) as Record<string, unknown>;
  const video = (s.video ?? {}) as Record<string, unknown>;
  const audio = (s.audio ?? {}) as Record<string, unknown>;
  const hasVideo = num(video.videoBitrate) > 0 || num(video.videoFPS) > 0;
  const loss = num(hasVideo ? video.videoPacketsLostRate : audio.audioPacketsLostRate);
  return {
    videoBitrateKbps: num(video.videoBitrate),
    audioBitrateKbps: num(audio.audioBitrate),
    videoFps: num(video.videoFPS),
    // ZEGO reports loss as a fraction or a percentage depending on the path; keep it 0..1.
    packetLossRate: Math.min(1, Math.max(0, loss > 1 ? loss / 100 : loss)),
    frameWidth: num(video.frameWidth ?? video.videoWidth),
    frameHeight: num(video.frameHeight ?? video.videoHeight),
    quality: num(video.videoQuality ?? audio.audioQuality, -1),
  };
}

type SdkUser = { userID?: unknown; userName?: unknown } | null | undefined;

const toUser = (user: SdkUser): RtcUser => ({
  userID: String(user?.userID ?? ''),
  userName: String(user?.userName ?? ''),
});

type SdkMessage = { messageID: number | string; fromUser: SdkUser; message: string; sendTime: number };

const toMessages = (list: SdkMessage[] | undefined) =>
  (list ?? []).map((m) => ({
    messageID: String(m.messageID),
    fromUser: toUser(m.fromUser),
    message: String(m.message ?? ''),
    sendTime: num(m.sendTime),
  }));

type SdkStreamState<S> = { streamID: string; state: S; errorCode?: number; extendedData?: string };

/**
 * The arguments each SDK callback is called with, as ZEGO documents them for its mini-program SDKs (written out
 * here so the adapter needs no SDK's type declarations). Optional where the SDK has been seen to leave them out.
 */
interface SdkEventArgs {
  roomStateUpdate: [roomID: string, state: RoomState, errorCode?: number, extendedData?: string];
  roomStateChanged: [
    roomID: string,
    reason: RoomStateChangedReason,
    errorCode?: number,
    extendedData?: string,
  ];
  roomStreamUpdate: [
    roomID: string,
    updateType: UpdateType,
    streamList?: { streamID: string; user?: SdkUser; extraInfo?: string }[],
  ];
  roomUserUpdate: [roomID: string, updateType: UpdateType, userList?: SdkUser[]];
  roomOnlineUserCountUpdate: [roomID: string, count: number];
  publisherStateUpdate: [result: SdkStreamState<PublisherState>];
  publishQualityUpdate: [streamID: string, stats: unknown];
  playerStateUpdate: [result: SdkStreamState<PlayerState>];
  playQualityUpdate: [streamID: string, stats: unknown];
  IMRecvBroadcastMessage: [roomID: string, messageList?: SdkMessage[]];
  IMRecvBarrageMessage: [roomID: string, messageList?: SdkMessage[]];
  IMRecvCustomCommand: [roomID: string, fromUser: SdkUser, command: string];
  roomExtraInfoUpdate: [roomID: string, roomExtraInfoList?: { key: string; value: string }[]];
  tokenWillExpire: [roomID: string];
}

/** SDK callback arguments -> our event payloads, one per event in RTC_EVENT_NAMES. */
const translate: { [K in keyof RtcEvents]: (...args: SdkEventArgs[K]) => RtcEvents[K] } = {
  roomStateUpdate: (roomID, state, errorCode, extendedData) => ({
    roomID,
    state,
    errorCode: num(errorCode),
    extendedData: String(extendedData ?? ''),
  }),
  roomStateChanged: (roomID, reason, errorCode, extendedData) => ({
    roomID,
    reason,
    errorCode: num(errorCode),
    extendedData: String(extendedData ?? ''),
  }),
  roomStreamUpdate: (roomID, updateType, streamList) => ({
    roomID,
    updateType,
    streams: (streamList ?? []).map((s) => ({
      streamID: s.streamID,
      user: toUser(s.user),
      extraInfo: String(s.extraInfo ?? ''),
    })),
  }),
  roomUserUpdate: (roomID, updateType, userList) => ({
    roomID,
    updateType,
    users: (userList ?? []).map(toUser),
  }),
  roomOnlineUserCountUpdate: (roomID, count) => ({ roomID, count: num(count) }),
  publisherStateUpdate: (r) => ({
    streamID: r.streamID,
    state: r.state,
    errorCode: num(r.errorCode),
    extendedData: String(r.extendedData ?? ''),
  }),
  publishQualityUpdate: (streamID, stats) => ({ streamID, stats: toStreamStats(stats) }),
  playerStateUpdate: (r) => ({
    streamID: r.streamID,
    state: r.state,
    errorCode: num(r.errorCode),
    extendedData: String(r.extendedData ?? ''),
  }),
  playQualityUpdate: (streamID, stats) => ({ streamID, stats: toStreamStats(stats) }),
  IMRecvBroadcastMessage: (roomID, list) => ({ roomID, messages: toMessages(list) }),
  IMRecvBarrageMessage: (roomID, list) => ({ roomID, messages: toMessages(list) }),
  IMRecvCustomCommand: (roomID, fromUser, command) => ({ roomID, fromUser: toUser(fromUser), command }),
  roomExtraInfoUpdate: (roomID, list) => ({
    roomID,
    items: (list ?? []).map((i) => ({ key: i.key, value: i.value })),
  }),
  tokenWillExpire: (roomID) => ({ roomID }),
};

/** The callback as registered: the SDK may call it with anything, so its arguments are checked in `translate`. */
type RegisteredCallback = (...args: unknown[]) => void;

/** Wraps one SDK instance (quiet logs by default) as an RtcEngine. Call it once per SDK instance. */
export function adaptZegoEngine(sdk: ZegoSdkLike, options: RtcEngineOptions = {}): RtcEngine {
  sdk.setLogConfig({
    logLevel: options.logLevel ?? 'error',
    remoteLogLevel: options.remoteLogLevel ?? 'disable',
  });
  const registered = new Map<keyof RtcEvents, RegisteredCallback>();
  let handler: RtcEventHandler | null = null;

  const dispatch = <K extends keyof RtcEvents>(name: K, args: unknown[]): void => {
    if (!handler) return;
    try {
      handler[name]((translate[name] as unknown as (...a: unknown[]) => RtcEvents[K])(...args));
    } catch (error) {
      // A throwing handler (or odd SDK arguments) must not break the SDK's own event loop.
      console.error(`[rtc-engine] ${name} handler failed`, error);
    }
  };

  const registerAll = (): void => {
    for (const name of RTC_EVENT_NAMES) {
      if (registered.has(name)) continue;
      const callback: RegisteredCallback = (...args) => dispatch(name, args);
      sdk.on(name, callback);
      registered.set(name, callback);
    }
  };

  const unregisterAll = (): void => {
    registered.forEach((callback, name) => sdk.off(name, callback));
    registered.clear();
  };

  const rejectIfInvalid = (...errors: (ValidationError | null)[]): Promise<never> | null => {
    const error = errors.map(validationError).find((e) => e !== null);
    return error ? Promise.reject(error) : null;
  };

  return {
    checkSystemRequirements: () => sdkCall(() => sdk.checkSystemRequirements()),

    loginRoom(roomID, token, user) {
      const invalid = rejectIfInvalid(validateRoomID(roomID), validateUserID(user.userID));
      if (invalid) return invalid;
      return sdkCall(() =>
        sdk.loginRoom(roomID, token, { userID: user.userID, userName: user.userName }, { userUpdate: true }),
      ).then(() => undefined);
    },

    logoutRoom: (roomID) => void sdk.logoutRoom(roomID),

    renewToken: (roomID, token) => sdk.renewToken(token, roomID),

    startPublishingStream(streamID) {
      return (
        rejectIfInvalid(validateStreamID(streamID)) ??
        sdkCall(() => sdk.startPublishingStream(streamID)).then(({ url }) => ({ url }))
      );
    },

    stopPublishingStream: (streamID) => void sdk.stopPublishingStream(streamID),

    startPlayingStream(streamID, options) {
      return (
        rejectIfInvalid(validateStreamID(streamID)) ??
        sdkCall(() =>
          options?.isMix
            ? sdk.startPlayingStream(streamID, { isMix: true })
            : sdk.startPlayingStream(streamID),
        ).then(({ url }) => ({ url }))
      );
    },

    stopPlayingStream: (streamID) => void sdk.stopPlayingStream(streamID),

    updatePlayerState: (streamID, event) => void sdk.updatePlayerState(streamID, event),

    updatePlayerNetStatus: (streamID, event) => void sdk.updatePlayerNetStatus(streamID, event),

    sendBroadcastMessage: (roomID, message) =>
      sdkCall(() => sdk.sendBroadcastMessage(roomID, message)).then(() => undefined),

    sendBarrageMessage: (roomID, message) =>
      sdkCall(() => sdk.sendBarrageMessage(roomID, message)).then(() => undefined),

    sendCustomCommand: (roomID, command, toUserIDs) =>
      sdkCall(() => sdk.sendCustomCommand(roomID, command, toUserIDs)).then((answer) => {
        const code = (answer as { errorCode?: unknown } | null)?.errorCode;
        if (typeof code === 'number' && code !== 0) throw { code, msg: 'sendCustomCommand failed' };
      }),

    // ZEGO: register every callback once, before the first login (the store installs its handler before loginRoom).
    setEventHandler(next) {
      handler = next;
      if (next) registerAll();
      else unregisterAll();
    },

    listenerCount: () => registered.size,
  };
}

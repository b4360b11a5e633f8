/**
 * The narrow, typed face of the real-time engine that the store talks to.
 * `rtc-engine.ts` implements it on ZEGO's SDK (the only importer of the SDK); tests implement it with a fake.
 * Event payloads are plain objects named after the SDK callbacks they come from.
 */

/** Room connection state, as ZEGO reports it in roomStateUpdate. */
export type RoomState = 'DISCONNECTED' | 'CONNECTING' | 'CONNECTED';
/** Why the room state changed (roomStateChanged). */
export type RoomStateChangedReason =
  | 'LOGINING'
  | 'LOGINED'
  | 'LOGIN_FAILED'
  | 'RECONNECTING'
  | 'RECONNECTED'
  | 'RECONNECT_FAILED'
  | 'KICKOUT'
  | 'LOGOUT'
  | 'LOGOUT_FAILED';
/** Publisher state (publisherStateUpdate). */
export type PublisherState = 'NO_PUBLISH' | 'PUBLISH_REQUESTING' | 'PUBLISHING';
/** Player state (playerStateUpdate). */
export type PlayerState = 'NO_PLAY' | 'PLAY_REQUESTING' | 'PLAYING';
/** Stream list or user list change kind. */
export type UpdateType = 'ADD' | 'DELETE';

/** A user in a ZEGO room. */
export interface RtcUser {
  userID: string;
  userName: string;
}

/** A stream published in the room. */
export interface RtcStream {
  streamID: string;
  user: RtcUser;
  extraInfo: string;
}

/** An error from the SDK or from our validation: a numeric code and the raw message. */
export interface RtcError {
  code: number;
  msg: string;
}

/** Stream statistics, normalised from ZEGO's publish/play stats (bitrates in kbps). */
export interface RtcStreamStats {
  videoBitrateKbps: number;
  audioBitrateKbps: number;
  videoFps: number;
  /** Packet loss 0..1 (video, or audio when there is no video). */
  packetLossRate: number;
  frameWidth: number;
  frameHeight: number;
  /** ZEGO's quality grade when reported: 0 excellent, 1 good, 2 medium, 3 bad, 4 dead; -1 unknown. */
  quality: number;
}

/** A chat message received in the room (IMRecvBroadcastMessage / IMRecvBarrageMessage). */
export interface RtcRoomMessage {
  messageID: string;
  fromUser: RtcUser;
  message: string;
  sendTime: number;
}

/** The native live-pusher / live-player event as the SDK expects it in updatePlayerState / updatePlayerNetStatus. */
export interface NativeLiveEvent {
  detail: {
    code?: number;
    message?: string;
    info?: Record<string, unknown>;
    streamID?: string;
  };
}

/** Payloads of the engine events, keyed by the SDK callback they come from. */
export interface RtcEvents {
  roomStateUpdate: { roomID: string; state: RoomState; errorCode: number; extendedData: string };
  roomStateChanged: {
    roomID: string;
    reason: RoomStateChangedReason;
    errorCode: number;
    extendedData: string;
  };
  roomStreamUpdate: { roomID: string; updateType: UpdateType; streams: RtcStream[] };
  roomUserUpdate: { roomID: string; updateType: UpdateType; users: RtcUser[] };
  roomOnlineUserCountUpdate: { roomID: string; count: number };
  publisherStateUpdate: { streamID: string; state: PublisherState; errorCode: number; extendedData: string };
  publishQualityUpdate: { streamID: string; stats: RtcStreamStats };
  playerStateUpdate: { streamID: string; state: PlayerState; errorCode: number; extendedData: string };
  playQualityUpdate: { streamID: string; stats: RtcStreamStats };
  IMRecvBroadcastMessage: { roomID: string; messages: RtcRoomMessage[] };
  IMRecvBarrageMessage: { roomID: string; messages: RtcRoomMessage[] };
  IMRecvCustomCommand: { roomID: string; fromUser: RtcUser; command: string };
  roomExtraInfoUpdate: { roomID: string; items: { key: string; value: string }[] };
  tokenWillExpire: { roomID: string };
}

/** Every engine event name; the adapter registers each of them on the SDK exactly once. */
export const RTC_EVENT_NAMES: readonly (keyof RtcEvents)[] = [
  'roomStateUpdate',
  'roomStateChanged',
  'roomStreamUpdate',
  'roomUserUpdate',
  'roomOnlineUserCountUpdate',
  'publisherStateUpdate',
  'publishQualityUpdate',
  'playerStateUpdate',
  'playQualityUpdate',
  'IMRecvBroadcastMessage',
  'IMRecvBarrageMessage',
  'IMRecvCustomCommand',
  'roomExtraInfoUpdate',
  'tokenWillExpire',
];

/** The one listener the store installs: one method per engine event. */
export type RtcEventHandler = { [K in keyof RtcEvents]: (payload: RtcEvents[K]) => void };

/** How a stream is played. */
export interface RtcPlayOptions {
  /** The stream is the output of a mix task (the anchor and the co-hosts in one picture). */
  isMix?: boolean;
}

/** Result of the SDK's pre-flight check: code 0 ok, 10001 WeChat too old, 10002 no camera/record permission. */
export interface RtcSystemCheck {
  code: number;
  msg: string;
}

/** What the store needs from the engine. Promises reject with an RtcError. */
export interface RtcEngine {
  /** Runs the SDK's checkSystemRequirements. */
  checkSystemRequirements(): Promise<RtcSystemCheck>;
  /** Logs in with a token from our service; always with userUpdate: true. */
  loginRoom(roomID: string, token: string, user: RtcUser): Promise<void>;
  /** Logs out of the room (call after every stream is stopped). */
  logoutRoom(roomID: string): void;
  /** Hands the SDK a fresh token before the current one expires. */
  renewToken(roomID: string, token: string): boolean;
  /** Returns the push URL to put on zego-pusher. */
  startPublishingStream(streamID: string): Promise<{ url: string }>;
  /** Clears the SDK's publish state; the caller stops the pusher component afterwards. */
  stopPublishingStream(streamID: string): void;
  /** Returns the play URL to put on zego-player (`isMix`: a mix task's output, as ZEGO plays it). */
  startPlayingStream(streamID: string, options?: RtcPlayOptions): Promise<{ url: string }>;
  /** Clears the SDK's play state; the caller stops the player component afterwards. */
  stopPlayingStream(streamID: string): void;
  /** Forwards a native statechange event (pusher or player) into the SDK. */
  updatePlayerState(streamID: string, event: NativeLiveEvent): void;
  /** Forwards a native netstatus event (pusher or player) into the SDK. */
  updatePlayerNetStatus(streamID: string, event: NativeLiveEvent): void;
  /** Sends a chat message to everyone in the room. */
  sendBroadcastMessage(roomID: string, message: string): Promise<void>;
  /** Sends a barrage message (used for likes, batched). */
  sendBarrageMessage(roomID: string, message: string): Promise<void>;
  /** Sends a custom command to these users of the room (a hint: the receiver confirms with the service). */
  sendCustomCommand(roomID: string, command: string, toUserIDs: string[]): Promise<void>;
  /** Installs the single event listener (null removes it). */
  setEventHandler(handler: RtcEventHandler | null): void;
  /** How many SDK callbacks of ours are registered right now (for leak checks). */
  listenerCount(): number;
}

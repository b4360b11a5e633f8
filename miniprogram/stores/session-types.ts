/**
 * The live session's public shape: what pages bind to and call. The store (live-session.ts) implements it;
 * pages and tests rely on these names.
 */
import type { PlayerState, PublisherState, RoomState } from '../services/rtc-types';

/** Who this phone is in the room. */
export type Role = 'anchor' | 'audience' | 'call';

/** The phases of a room visit (their transitions: pages/stores/session-table.ts). */
export type SessionPhase =
  | 'idle'
  | 'checking'
  | 'authorizing'
  | 'joining'
  | 'preview'
  | 'live'
  | 'watching'
  | 'calling'
  | 'cohosting'
  | 'reconnecting'
  | 'interrupted'
  | 'ended'
  | 'kicked'
  | 'failed';

/** What the user can do about an error, and the error itself: defined with the error catalog (utils). */
export type { ErrorAction, SessionError } from '../utils/error-catalog';

/** Quality reduced to what the screen shows. */
export interface QualityView {
  bitrateKbps: number;
  fps: number;
  grade: 'excellent' | 'good' | 'poor' | 'bad' | 'unknown';
}

/** What zego-pusher is bound to. */
export interface PusherView {
  streamID: string;
  /** Push URL from startPublishingStream; '' before going live. */
  url: string;
  state: PublisherState;
  enableCamera: boolean;
  muted: boolean;
  beauty: number;
  whiteness: number;
  devicePosition: 'front' | 'back';
}

/** What one zego-player is bound to. */
export interface PlayerView {
  streamID: string;
  url: string;
  state: PlayerState;
  muted: boolean;
  /** The publishing user's name. */
  userName: string;
}

/** One line of the room's chat. */
export interface ChatLine {
  id: string;
  nickname: string;
  text: string;
  /**
   * A viewer's line, the service's notice, 「某某 来了」 (a join notice; userID: the newest joiner), or a gift sent
   * (「送出 火箭 ×3」, userID: the giver).
   */
  kind: 'chat' | 'system' | 'join' | 'gift';
  /** Who wrote it (the anchor long-presses a line to mute or remove its writer); absent on system lines. */
  userID?: string;
  /** Our own line, shown at once, not yet accepted by the service ("发送中"). */
  pending?: boolean;
}

/**
 * The page's native components, as the store drives them. The page implements it with selectComponent on its
 * zego-pusher / zego-player and waits for pending setData to render before start/play (the URL must be on the
 * component first). The store calls it after the SDK (start) and after the SDK (stop), in ZEGO's order.
 */
export interface LiveViewPort {
  startPusher(): Promise<void>;
  stopPusher(): void;
  pausePusher(): void;
  resumePusher(): void;
  playPlayer(streamID: string): Promise<void>;
  stopPlayer(streamID: string): void;
  resumePlayer(streamID: string): void;
}

/** Re-exported for pages. */
export type { PlayerState, PublisherState, RoomState };

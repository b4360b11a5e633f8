/**
 * The event channel (GET /api/events, a WebSocket): what an app sends, what the service pushes, and why a socket was
 * closed. An event only says what the database already holds: an app that (re)connects reads what it missed.
 */

/** What an app sends: its session first (never in the URL, where logs keep it), then a heartbeat. */
export type ClientFrame = { type: 'hello'; sessionToken: string } | { type: 'ping' };

/** How often the app pings (ms); the service closes a socket silent for twice this. */
export const EVENT_HEARTBEAT_MS = 20_000;

/** The service's own frames: signed in, the heartbeat's answer. */
export type ServiceFrame = { type: 'ready'; userId: string } | { type: 'pong' };

/** Close codes the service uses (4000-4999 are the application's). */
export const EVENT_CLOSE = {
  /** No session, or a session that is unknown, expired or signed out. */
  UNAUTHORIZED: 4001,
  /** The session signed out (or was revoked) while the socket was open. */
  SIGNED_OUT: 4002,
  /** The socket did not read its events fast enough; reconnect and read what was missed. */
  TOO_SLOW: 4008,
  /** Too many messages from the app. */
  RATE_LIMITED: 4029,
  /** No heartbeat for twice EVENT_HEARTBEAT_MS. */
  SILENT: 4010,
} as const;

/** A call invitation's state: ringing, then one outcome. */
export type InvitationState =
  'ringing' | 'accepted' | 'declined' | 'cancelled' | 'timeout' | 'busy' | 'failed';

/** What a call is: with both cameras, or voices only. */
export type CallMedia = 'video' | 'audio';

/** An invitation as both parties see it. */
export interface InvitationEventView {
  id: string;
  state: InvitationState;
  media: CallMedia;
  caller: { id: string; nickname: string; avatarUrl: string };
  callee: { id: string; nickname: string; avatarUrl: string };
  /** The call room both join once accepted. */
  roomId: string;
  /** When an unanswered invitation times out (epoch ms). */
  ringUntil: number;
}

/** The events the service pushes about calls. */
export type CallEvent =
  /** The callee's every device rings (also sent to a device that connects while it rings). */
  | { type: 'call.invited'; invitation: InvitationEventView }
  /** The invitation left ringing: accepted, declined, cancelled, timed out or failed (both parties, every device). */
  | { type: 'call.updated'; invitation: InvitationEventView }
  /** One party switched the call to audio: the other follows. */
  | { type: 'call.media'; roomId: string; media: CallMedia; by: string };

/** Any event the service pushes to an app. */
export type AppEvent = CallEvent;

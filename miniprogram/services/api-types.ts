/**
 * The live service's API types, as the app names them: the service's own schemas (the contract package), for their
 * types only.
 */

import type { CallRecordPageView, CallRecordView, InvitationView } from '@zego-live/contract/call-schemas';
import type {
  ChatMessageView,
  ChatView,
  CohostChangeView,
  CohostRequestView,
  CohostsView,
  CohostView,
  ConfigView,
  ReminderAnswer,
  ReplayAnswer,
  RoomKind as RoomKindSchema,
  RoomStatsView,
  RoomStatus as RoomStatusSchema,
  RoomTokenView,
  RoomView,
  RoomViewerView,
  RtmpAddressView,
  SessionView,
  StatsBody,
  TokenRole as TokenRoleSchema,
  UserView,
} from '@zego-live/contract/schemas';

// The API's types are the service's own schemas (the contract package, packages/contract/schemas.ts, TypeBox), imported for their types
// only: nothing of the service reaches the app's package, and a change there that the app does not follow fails
// the type check here.

/** A user as the service shows it. */
export type ApiUser = UserView;

/** Room status as the service keeps it. */
export type RoomStatus = RoomStatusSchema;

/** A room as the service shows it; times are epoch milliseconds. */
export type ApiRoom = RoomView;

/** A live room (one anchor, an audience) or a 1v1 call. */
export type RoomKind = RoomKindSchema;

/** The role a token is asked for: the anchor publishes the room's stream, a call member or a co-host its own. */
export type TokenRole = TokenRoleSchema;

/** A viewer on screen with the anchor (连麦), as the service keeps them (streamId: `<roomID>_co_<userID>`). */
export type ApiCohost = CohostView;

/** A viewer's pending request to co-host (it lapses at expiresAt). */
export type ApiCohostRequest = CohostRequestView;

/** A room's co-hosting as the service decides it: the co-hosts, the requests the caller may see, its own state, the mix. */
export type ApiCohosts = CohostsView;

/** What a co-hosting change answers: the new state, and whether the service told the people concerned itself. */
export type ApiCohostChange = CohostChangeView;

/** A room's chat as the caller sees it (comments off, its own mute end, removed). */
export type ApiChatState = ChatView;

/** A chat line the service accepted and delivered. */
export type ApiChatMessage = ChatMessageView;

/** A login session. */
export type ApiSession = SessionView;

/** The engine settings the app reads at start. */
export type ApiConfig = ConfigView;

/** A call invitation as both parties see it (ringing, then one outcome). */
export type ApiInvitation = InvitationView;

/** One call in my records, from my side. */
export type ApiCallRecord = CallRecordView;

/** A page of my call records and the missed-call badge. */
export type ApiCallRecordPage = CallRecordPageView;

/** A ZEGO login token for one room and role. */
export type ApiRoomToken = RoomTokenView;

/** The counters an anchor reports. */
export type ApiStats = StatsBody;

/** The caller's start reminder (开播提醒) for a room: subscribed, and its one send's outcome. */
export type ApiReminder = ReminderAnswer;
/** A room's figures as the service keeps them (durationMs: time live, pauses left out; series for the anchor). */
export type ApiRoomStats = RoomStatsView;

/** A viewer on the anchor's list (the newest join first). */
export type ApiRoomViewer = RoomViewerView;

/** A failed call: the service's code and message, the HTTP status (0 when the network failed). */
/** A finished room's replay (its parts, length and views) with the room. */
export type ApiReplay = ReplayAnswer;

/** OBS's push address and stream key for a room. */
export type ApiRtmpAddress = RtmpAddressView;

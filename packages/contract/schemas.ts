/**
 * The API contract: the TypeBox schemas of what the service answers (and of the bodies it takes). The routes
 * validate and serialise with them, /docs publishes them as OpenAPI, and the apps derive their API types from them
 * with a type-only import (miniprogram/services/api-client.ts). So this module imports TypeBox and nothing else:
 * no server code, no Node API.
 */
import { Type, type Static } from '@sinclair/typebox';
import { BODY } from './schema-parts';

/**
 * A room's status: idle (not yet live), live, paused (anchor away for a moment), ended (for good). An idle room with
 * a plannedStartAt is "upcoming" (shown so in the lobby and on the audience page); there is no status of its own.
 */
export const RoomStatus = Type.Union([
  Type.Literal('idle'),
  Type.Literal('live'),
  Type.Literal('paused'),
  Type.Literal('ended'),
]);
export type RoomStatus = Static<typeof RoomStatus>;

/** A live room (one anchor, an audience) or a 1v1 call (two members, both publish). */
export const RoomKind = Type.Union([Type.Literal('live'), Type.Literal('call')]);
export type RoomKind = Static<typeof RoomKind>;

/** The role a token is asked for: the anchor publishes the room's stream, a call member its own. */
export const TokenRole = Type.Union([
  Type.Literal('anchor'),
  Type.Literal('audience'),
  Type.Literal('call'),
  Type.Literal('cohost'),
]);
export type TokenRole = Static<typeof TokenRole>;

/** A user as others may see it (never the openid). */
export const UserView = Type.Object({
  id: Type.String(),
  nickname: Type.String(),
  avatarUrl: Type.String(),
});
export type UserView = Static<typeof UserView>;

/** A room as the API shows it; times are epoch milliseconds. */
export const RoomView = Type.Object({
  id: Type.String(),
  title: Type.String(),
  kind: RoomKind,
  status: RoomStatus,
  streamID: Type.String(),
  anchor: Type.Union([UserView, Type.Null()]),
  /** A call room's members in join order (each publishes `<roomID>_<userID>`); [] for a live room. */
  members: Type.Array(UserView),
  createdAt: Type.Number(),
  startedAt: Type.Union([Type.Number(), Type.Null()]),
  endedAt: Type.Union([Type.Number(), Type.Null()]),
  stats: Type.Object({
    viewers: Type.Integer(),
    peakViewers: Type.Integer(),
    likes: Type.Integer(),
    messages: Type.Integer(),
  }),
  /** When the anchor plans to go live (epoch ms), or null; idle + plannedStartAt = upcoming. */
  plannedStartAt: Type.Optional(Type.Union([Type.Number(), Type.Null()])),
  /** The room's cover image URL, or null. */
  coverUrl: Type.Optional(Type.Union([Type.String(), Type.Null()])),
});
export type RoomView = Static<typeof RoomView>;

/** A one-time invite; expiresAt in epoch milliseconds. */
export const InviteView = Type.Object({ code: Type.String(), expiresAt: Type.Number() });
export type InviteView = Static<typeof InviteView>;

/** The body of every error response. */
export const ErrorView = Type.Object({
  error: Type.Object({ code: Type.String(), message: Type.String() }),
});
export type ErrorView = Static<typeof ErrorView>;

/** A sign-in's answer: the session token (send as Authorization: Bearer) and the user. */
export const SessionView = Type.Object({ sessionToken: Type.String(), user: UserView });
export type SessionView = Static<typeof SessionView>;

/** GET /api/config: what an app needs to create the ZEGO engine (never the secret). */
export const ConfigView = Type.Object({
  appID: Type.Number(),
  server: Type.Array(Type.String()),
  /** false when the service has no ZEGO credentials (tokens then answer 503). */
  configured: Type.Boolean(),
  /** 'dev': sign in with a nickname (/api/auth/dev); 'wechat': wx.login + /api/auth/wechat. */
  authMode: Type.Union([Type.Literal('dev'), Type.Literal('wechat')]),
  /** The start reminder's subscribe-message template (for wx.requestSubscribeMessage); null: reminders unavailable. */
  reminderTemplateId: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  /** Whether finished lives are recorded (replays); false or absent: no 「看回放」. */
  replays: Type.Optional(Type.Boolean()),
  /** The missed-call (未接来电) subscribe-message template; null: nothing is sent when a call goes unanswered. */
  callTemplateId: Type.Optional(Type.Union([Type.String(), Type.Null()])),
});
export type ConfigView = Static<typeof ConfigView>;

/** A ZEGO login token for one room and role; expiresAt in epoch milliseconds. */
export const RoomTokenView = Type.Object({
  token: Type.String(),
  expiresAt: Type.Number(),
  appID: Type.Number(),
  userID: Type.String(),
  roomID: Type.String(),
  /** The stream this token may publish (the anchor's, or a call member's own); absent for the audience. */
  streamID: Type.Optional(Type.String()),
});
export type RoomTokenView = Static<typeof RoomTokenView>;

/** {room}: the answer of every route that reads or changes one room. */
export const RoomAnswer = Type.Object({ room: RoomView });
export type RoomAnswer = Static<typeof RoomAnswer>;

/** POST /api/rooms: the room, and the one-time invite when the operator made it. */
export const CreatedRoomAnswer = Type.Object({ room: RoomView, invite: Type.Optional(InviteView) });
export type CreatedRoomAnswer = Static<typeof CreatedRoomAnswer>;

/** GET /api/rooms: one page of rooms, newest first; nextCursor null on the last page. */
export const RoomListAnswer = Type.Object({
  rooms: Type.Array(RoomView),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
});
export type RoomListAnswer = Static<typeof RoomListAnswer>;

/** {user}: the signed-in user (GET /api/auth/me, POST /api/me/avatar). */
export const UserAnswer = Type.Object({ user: UserView });
export type UserAnswer = Static<typeof UserAnswer>;

/** What `<rtc-room>` needs besides the push/pull URLs (from Alipay's business contact, kept by the service). */
export const RtcRoomView = Type.Object({
  bizName: Type.String(),
  subBiz: Type.String(),
  serverUrl: Type.String(),
  signature: Type.String(),
});
export type RtcRoomView = Static<typeof RtcRoomView>;

/** A current co-host of a live room (public); since = when it was accepted. */
export const CohostView = Type.Object({
  userId: Type.String(),
  nickname: Type.String(),
  avatarUrl: Type.Union([Type.String(), Type.Null()]),
  /** The co-host's own stream (`<roomID>_co_<userID>`). */
  streamId: Type.String(),
  since: Type.Number(),
});
export type CohostView = Static<typeof CohostView>;

/** A pending request to co-host; it lapses at expiresAt. */
export const CohostRequestView = Type.Object({
  userId: Type.String(),
  nickname: Type.String(),
  avatarUrl: Type.Union([Type.String(), Type.Null()]),
  requestedAt: Type.Number(),
  expiresAt: Type.Number(),
});
export type CohostRequestView = Static<typeof CohostRequestView>;

/** A live room's co-hosting as the caller may see it (requests: all for the anchor and operator, own for a viewer). */
export const CohostsView = Type.Object({
  limit: Type.Integer(),
  cohosts: Type.Array(CohostView),
  requests: Type.Array(CohostRequestView),
  mine: Type.Union([Type.Literal('none'), Type.Literal('pending'), Type.Literal('cohost')]),
  /** The mix of the anchor and the co-hosts while one runs, else null. */
  mixStreamId: Type.Union([Type.String(), Type.Null()]),
});
export type CohostsView = Static<typeof CohostsView>;

/** What a co-hosting change answers; signalled: the service sent the custom command itself (ZEGO's server API). */
export const CohostChangeView = Type.Object({ cohosts: CohostsView, signalled: Type.Boolean() });
export type CohostChangeView = Static<typeof CohostChangeView>;

/** The room's chat as one caller sees it. */
export const ChatView = Type.Object({
  commentsOff: Type.Boolean(),
  /** The caller's own mute end (epoch ms) while one runs, else null. */
  mutedUntil: Type.Union([Type.Number(), Type.Null()]),
  /** The caller was removed from this room. */
  removed: Type.Boolean(),
  maxLength: Type.Integer(),
});
export type ChatView = Static<typeof ChatView>;

/** A chat line the service accepted and delivered. */
export const ChatMessageView = Type.Object({
  id: Type.Union([Type.Number(), Type.Null()]),
  text: Type.String(),
  sentAt: Type.Number(),
});
export type ChatMessageView = Static<typeof ChatMessageView>;

export { BODY } from './schema-parts';

/** A counter an anchor reports. */
const Count = Type.Integer({ minimum: 0, maximum: 1_000_000_000 });

/** POST /api/rooms/:id/stats: the anchor's counters (peaks never go down). */
export const StatsBody = Type.Object({ viewers: Count, likes: Count, messages: Count }, BODY);
export type StatsBody = Static<typeof StatsBody>;

/** POST /api/rooms: a title, and kind "call" for a 1v1 call (users only); plannedStartAt (future) plans a live room. */
export const CreateRoomBody = Type.Object(
  {
    title: Type.String({ minLength: 1, maxLength: 64 }),
    kind: Type.Optional(RoomKind),
    plannedStartAt: Type.Optional(Type.Integer({ minimum: 0 })),
  },
  BODY,
);
export type CreateRoomBody = Static<typeof CreateRoomBody>;

/** POST /api/rooms/:id/token: the role asked for. */
/** No body, `{}` or no role: an audience token (what most requests ask for, so they need not send a body). */
export const TokenBody = Type.Object({ role: Type.Optional(TokenRole) }, BODY);
export type TokenBody = Static<typeof TokenBody>;

/** An image answer for OpenAPI (sent as bytes: no serialiser touches it), in each of the given content types. */
export function imageAnswer(description: string, contentTypes: readonly string[]) {
  const schema = Type.Unsafe<Uint8Array>({ type: 'string', format: 'binary' });
  return { description, content: Object.fromEntries(contentTypes.map((type) => [type, { schema }])) };
}

/** The :id of a room route: a ZEGO room ID is at most 128 characters. */
export const RoomParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 128 }) });

/** One moderation action: who (actorKind, actorId, actorName), whom (targetId), when (at), what (action, until, detail). */
export const ModerationView = Type.Object({
  id: Type.Number(),
  roomId: Type.String(),
  action: Type.Union(
    (
      [
        'comments_off',
        'comments_on',
        'mute',
        'unmute',
        'remove',
        'held',
        'announcement',
        'admin_appointed',
        'admin_dismissed',
      ] as const
    ).map((a) => Type.Literal(a)),
  ),
  actorKind: Type.Union(
    (['anchor', 'admin', 'operator', 'content_check'] as const).map((a) => Type.Literal(a)),
  ),
  actorId: Type.Union([Type.String(), Type.Null()]),
  /** Who acted, by name: the anchor's or the admin's nickname, the operator account's name (CONSOLE_TOKEN before accounts). */
  actorName: Type.Union([Type.String(), Type.Null()]),
  targetId: Type.Union([Type.String(), Type.Null()]),
  targetNickname: Type.Union([Type.String(), Type.Null()]),
  until: Type.Union([Type.Number(), Type.Null()]),
  detail: Type.Union([Type.String(), Type.Null()]),
  at: Type.Number(),
});
export type ModerationView = Static<typeof ModerationView>;
/** GET /api/moderation and GET /api/rooms/:id/moderation: the newest actions first. */
export const ModerationList = Type.Object({ actions: Type.Array(ModerationView) });

// --- console-mod: what the anchor and the operator see of a room's chat, to pick a viewer to moderate ---

/** A delivered chat line, with its sender. */
export const RecentChatLine = Type.Object({
  id: Type.Number(),
  userId: Type.String(),
  nickname: Type.String(),
  text: Type.String(),
  sentAt: Type.Number(),
});

/** GET /api/rooms/:id/chat/recent: comments on or off, the newest lines (newest first), the mutes still running. */
export const RecentChatView = Type.Object({
  commentsOff: Type.Boolean(),
  messages: Type.Array(RecentChatLine),
  mutes: Type.Array(
    Type.Object({
      userId: Type.String(),
      nickname: Type.Union([Type.String(), Type.Null()]),
      until: Type.Number(),
    }),
  ),
});
export type RecentChatView = Static<typeof RecentChatView>;
// ---- branch planned: planned rooms (start time, cover) and start reminders (开播提醒) ----

/** PATCH /api/rooms/:id: what may change before the room goes live (plannedStartAt null drops the plan). */
export const PlanRoomBody = Type.Object(
  {
    title: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    plannedStartAt: Type.Optional(Type.Union([Type.Integer({ minimum: 0 }), Type.Null()])),
  },
  BODY,
);
export type PlanRoomBody = Static<typeof PlanRoomBody>;

/** Where the caller's start reminder stands: pending until the room goes live, then its one send's outcome. */
export const ReminderState = Type.Union([
  Type.Literal('pending'),
  Type.Literal('sending'),
  Type.Literal('sent'),
  Type.Literal('refused'),
  Type.Literal('failed'),
]);
export type ReminderState = Static<typeof ReminderState>;

/** GET/POST/DELETE /api/rooms/:id/reminders(/me): the caller's reminder for the room (state null: none). */
export const ReminderAnswer = Type.Object({
  roomId: Type.String(),
  subscribed: Type.Boolean(),
  state: Type.Union([ReminderState, Type.Null()]),
});
export type ReminderAnswer = Static<typeof ReminderAnswer>;
// ---- branch stats: figures from the service and the viewer list ----

/** One minute of a room's viewer series: the most viewers reported in the minute that starts at `at` (epoch ms). */
export const ViewerMinuteView = Type.Object({ at: Type.Number(), viewers: Type.Integer() });
export type ViewerMinuteView = Static<typeof ViewerMinuteView>;

/**
 * GET /api/rooms/:id/stats: a room's figures as the service keeps them. durationMs is the time live (from the first
 * `live` to the end, paused time left out). `series` (oldest first) only for the room's anchor and the operator.
 */
export const RoomStatsView = Type.Object({
  roomId: Type.String(),
  status: RoomStatus,
  viewers: Type.Integer(),
  peakViewers: Type.Integer(),
  likes: Type.Integer(),
  messages: Type.Integer(),
  durationMs: Type.Number(),
  startedAt: Type.Union([Type.Number(), Type.Null()]),
  endedAt: Type.Union([Type.Number(), Type.Null()]),
  series: Type.Optional(Type.Array(ViewerMinuteView)),
  /** Why an operator ended the room (the end screens show it); absent otherwise. */
  endReason: Type.Optional(Type.String()),
});
export type RoomStatsView = Static<typeof RoomStatsView>;

/** The answer of GET /api/rooms/:id/stats. */
export const RoomStatsAnswer = Type.Object({ stats: RoomStatsView });
export type RoomStatsAnswer = Static<typeof RoomStatsAnswer>;

/** A viewer of a room as its anchor's list shows it (joinedAt: the latest join, epoch ms). */
export const RoomViewerView = Type.Object({
  userId: Type.String(),
  nickname: Type.String(),
  avatarUrl: Type.Union([Type.String(), Type.Null()]),
  joinedAt: Type.Number(),
});
export type RoomViewerView = Static<typeof RoomViewerView>;

/** GET /api/rooms/:id/viewers: the newest joins first, at most `limit`. */
export const RoomViewersAnswer = Type.Object({ viewers: Type.Array(RoomViewerView), limit: Type.Integer() });
export type RoomViewersAnswer = Static<typeof RoomViewersAnswer>;

// Replays and OBS (issue 29).

/** One playable part of a replay (an mp4 in the deployment's bucket), in order. */
export const ReplayPartView = Type.Object({ url: Type.String(), durationMs: Type.Number() });
export type ReplayPartView = Static<typeof ReplayPartView>;

/** A finished room's replay: its parts, their total length and how often the replay was opened. */
export const ReplayView = Type.Object({
  parts: Type.Array(ReplayPartView),
  durationMs: Type.Number(),
  views: Type.Number(),
});
export type ReplayView = Static<typeof ReplayView>;

/** GET /api/rooms/:id/replay: the room (title, anchor, figures) and its replay. */
export const ReplayAnswer = Type.Object({ room: RoomView, replay: ReplayView });
export type ReplayAnswer = Static<typeof ReplayAnswer>;

/** GET /api/replays: finished rooms with a replay, newest first. */
export const ReplayListAnswer = Type.Object({ rooms: Type.Array(RoomView) });
export type ReplayListAnswer = Static<typeof ReplayListAnswer>;

/** What OBS needs to push a room (设置 → 推流 → 自定义): 服务器 and 串流密钥; the server holds until validUntil. */
export const RtmpAddressView = Type.Object({
  server: Type.String(),
  streamKey: Type.String(),
  validUntil: Type.Number(),
});
export type RtmpAddressView = Static<typeof RtmpAddressView>;
export * from './social-schemas';

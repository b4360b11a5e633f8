/**
 * The rows both engines store (the same columns in SQLite and PostgreSQL: schema.ts) and their mapping to the
 * repository's types. Times are epoch milliseconds in both.
 */
import type { Selectable } from 'kysely';
import type {
  ChatLinesTable,
  Flag,
  InvitesTable,
  ModerationLogTable,
  RoomRemindersTable,
  RoomsTable,
  UsersTable,
} from './schema';
import type {
  ChatLine,
  Cohost,
  CohostState,
  Invite,
  ModerationRecord,
  Reminder,
  Room,
  RoomKind,
  RoomStatus,
  TokenFacts,
  User,
} from './types';

/** Whether a Flag column says yes (1 in SQLite, true in PostgreSQL). */
export const isOn = (flag: Flag | null | undefined): boolean => flag === true || flag === 1;

export type UserRow = Selectable<UsersTable>;

export type RoomRow = Selectable<RoomsTable>;

export type InviteRow = Selectable<InvitesTable>;

export const toUser = (r: UserRow): User => ({
  id: r.id,
  nickname: r.nickname,
  avatarUrl: r.avatar_url,
  createdAt: r.created_at,
});

export const toRoom = (r: RoomRow): Room => ({
  id: r.id,
  title: r.title,
  kind: r.kind,
  status: r.status,
  ownerId: r.owner_id,
  streamId: r.stream_id,
  createdAt: r.created_at,
  startedAt: r.started_at,
  endedAt: r.ended_at,
  stats: { viewers: r.viewers, peakViewers: r.peak_viewers, likes: r.likes, messages: r.messages },
  plannedStartAt: r.planned_start_at ?? null,
  coverUrl: r.cover_url ?? null,
  liveMs: Number(r.live_ms),
  liveSince: r.live_since,
});

/** The token route's one read: the session's user, the room's token columns (null: no such room), the removal. */
export interface TokenFactsRow {
  user_id: string;
  id: string | null;
  kind: RoomKind | null;
  status: RoomStatus | null;
  owner_id: string | null;
  stream_id: string | null;
  /** A BIGINT may come back as a string from PostgreSQL; only null or not matters. */
  removed_at: number | string | null;
}

export const toTokenFacts = (r: TokenFactsRow): TokenFacts => ({
  userId: r.user_id,
  room:
    r.id === null
      ? null
      : {
          id: r.id,
          kind: r.kind as RoomKind,
          status: r.status as RoomStatus,
          ownerId: r.owner_id,
          streamId: r.stream_id as string,
        },
  removed: r.removed_at !== null,
});

/** A room_reminders row. */
export type ReminderRow = Selectable<RoomRemindersTable>;

export const toReminder = (r: ReminderRow): Reminder => ({
  roomId: r.room_id,
  userId: r.user_id,
  state: r.state,
  createdAt: r.created_at,
  errcode: r.errcode,
  attempts: r.attempts,
  doneAt: r.done_at,
});

export const toInvite = (r: InviteRow): Invite => ({
  code: r.code,
  roomId: r.room_id,
  createdAt: r.created_at,
  expiresAt: r.expires_at,
  usedAt: r.used_at,
  usedBy: r.used_by,
});

/** A cohosts row joined with its user's columns (prefixed c_ where they would clash). */
export interface CohostRow extends UserRow {
  c_room_id: string;
  c_state: CohostState;
  c_requested_at: number;
  c_accepted_at: number | null;
  c_seen_at: number | null;
  c_stream_forbidden: Flag;
}

export const toCohost = (r: CohostRow): Cohost => ({
  roomId: r.c_room_id,
  user: toUser(r),
  state: r.c_state,
  requestedAt: r.c_requested_at,
  acceptedAt: r.c_accepted_at,
  seenAt: r.c_seen_at,
  streamForbidden: isOn(r.c_stream_forbidden),
});

/** A moderation_log row. */
export type ModerationRow = Selectable<ModerationLogTable>;

export const toModeration = (r: ModerationRow): ModerationRecord => ({
  id: Number(r.id),
  roomId: r.room_id,
  action: r.action,
  actorKind: r.actor_kind,
  actorId: r.actor_id,
  targetId: r.target_id,
  until: r.until_at,
  detail: r.detail,
  at: r.at,
});

/** Alipay users are stored under "alipay:..." in the openid column; only the rest are WeChat openids. */
export const wechatOpenidOf = (openid: string | null | undefined): string | null =>
  typeof openid === 'string' && openid !== '' && !openid.startsWith('alipay:') ? openid : null;

/** A chat_lines row (console-mod). */
export type ChatLineRow = Selectable<ChatLinesTable>;
export const toChatLine = (r: ChatLineRow): ChatLine => ({
  id: Number(r.id),
  roomId: r.room_id,
  userId: r.user_id,
  nickname: r.nickname,
  text: r.text,
  sentAt: Number(r.sent_at),
});
/** The start (epoch ms) of the minute `at` falls in: the key of a viewer series bucket. */
export const minuteOf = (at: number): number => Math.floor(at / 60_000) * 60_000;

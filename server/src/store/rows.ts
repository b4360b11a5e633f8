/**
 * The rows both engines store (the same columns in SQLite and PostgreSQL) and their mapping to the repository's
 * types. Times are epoch milliseconds in both.
 */
import type {
  ChatLine,
  Cohost,
  CohostState,
  Invite,
  ModerationAction,
  ModerationRecord,
  ModeratorKind,
  Reminder,
  ReminderState,
  Room,
  RoomKind,
  RoomStatus,
  TokenFacts,
  User,
} from './types';

export interface UserRow {
  id: string;
  nickname: string;
  avatar_url: string;
  created_at: number;
}

export interface RoomRow {
  id: string;
  title: string;
  kind: RoomKind;
  status: RoomStatus;
  owner_id: string | null;
  stream_id: string;
  created_at: number;
  started_at: number | null;
  ended_at: number | null;
  viewers: number;
  peak_viewers: number;
  likes: number;
  messages: number;
  /** Migration 8; undefined only in a test's older schema. */
  planned_start_at?: number | null;
  cover_url?: string | null;
  live_ms: number;
  live_since: number | null;
}

export interface InviteRow {
  code: string;
  room_id: string;
  created_at: number;
  expires_at: number;
  used_at: number | null;
  used_by: string | null;
}

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
export interface ReminderRow {
  room_id: string;
  user_id: string;
  state: ReminderState;
  created_at: number;
  errcode: number | null;
  attempts: number;
  done_at: number | null;
}

export const toReminder = (r: ReminderRow): Reminder => ({
  roomId: r.room_id,
  userId: r.user_id,
  state: r.state,
  createdAt: r.created_at,
  errcode: r.errcode,
  attempts: r.attempts,
  doneAt: r.done_at,
});

/** The lobby's order (live rooms newest first, then upcoming ones by planned start): rank, key, id ascending. */
export const LOBBY_WHERE = `kind = 'live' AND (status = 'live' OR (status = 'idle' AND planned_start_at IS NOT NULL))`;
export const LOBBY_RANK = `CASE WHEN status = 'live' THEN 0 ELSE 1 END`;
export const LOBBY_KEY = `CASE WHEN status = 'live' THEN -created_at ELSE planned_start_at END`;

/**
 * The SET clause that ends a live stretch at the time bound to `now` (a placeholder): its length joins live_ms. Only
 * a room that is live now has a stretch running; SET reads the row's old values in both engines. The statement also
 * sets live_since (NULL, or the start of the next stretch).
 */
export const endLiveStretch = (now: string): string =>
  `live_ms = live_ms + CASE WHEN status = 'live' AND live_since IS NOT NULL THEN ${now} - live_since ELSE 0 END`;

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
  /** 0/1 in SQLite, a boolean in PostgreSQL. */
  c_stream_forbidden: number | boolean;
}

/** The SELECT list that produces a CohostRow (FROM cohosts c JOIN users ON users.id = c.user_id). */
export const COHOST_COLUMNS = `users.*, c.room_id AS c_room_id, c.state AS c_state, c.requested_at AS c_requested_at,
  c.accepted_at AS c_accepted_at, c.seen_at AS c_seen_at, c.stream_forbidden AS c_stream_forbidden`;

/** Co-hosts first in order of acceptance (accept_seq, counted under the accept's lock), then requests oldest first (ties by user ID). */
export const COHOST_ORDER = `c.state = 'pending', CASE WHEN c.state = 'cohost' THEN c.accept_seq ELSE c.requested_at END,
  c.user_id`;

export const toCohost = (r: CohostRow): Cohost => ({
  roomId: r.c_room_id,
  user: toUser(r),
  state: r.c_state,
  requestedAt: r.c_requested_at,
  acceptedAt: r.c_accepted_at,
  seenAt: r.c_seen_at,
  streamForbidden: r.c_stream_forbidden === true || r.c_stream_forbidden === 1,
});

/** A moderation_log row. */
export interface ModerationRow {
  id: number;
  room_id: string;
  action: ModerationAction;
  actor_kind: ModeratorKind;
  actor_id: string | null;
  target_id: string | null;
  until_at: number | null;
  detail: string | null;
  at: number;
}

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
export interface ChatLineRow {
  id: number;
  room_id: string;
  user_id: string;
  nickname: string;
  text: string;
  sent_at: number;
}
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

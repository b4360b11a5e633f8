/**
 * The rows both engines store (the same columns in SQLite and PostgreSQL) and their mapping to the repository's
 * types. Times are epoch milliseconds in both.
 */
import type { Invite, Room, RoomKind, RoomStatus, User } from './types';

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
});

export const toInvite = (r: InviteRow): Invite => ({
  code: r.code,
  roomId: r.room_id,
  createdAt: r.created_at,
  expiresAt: r.expires_at,
  usedAt: r.used_at,
  usedBy: r.used_by,
});

/** The service's records (users, rooms, invites, calls) as the repositories hand them out. */
import { RoomStatus as RoomStatusSchema, type RoomKind, type RoomStatus } from '@zego-live/contract/schemas';

// A room's status and kind are the API contract's (@zego-live/contract/schemas): one declaration for the service and the apps.
export type { RoomKind, RoomStatus };

/** Every room status, in the contract's order. */
export const ROOM_STATUSES: readonly RoomStatus[] = RoomStatusSchema.anyOf.map((status) => status.const);

/** How many members a call room has at most. */
export const CALL_SEATS = 2;

/** A signed-in person (anchor or viewer). Times are epoch milliseconds. */
export interface User {
  id: string;
  nickname: string;
  avatarUrl: string;
  createdAt: number;
}

/** Counters shown in the console and on the end screen. */
export interface RoomStats {
  viewers: number;
  peakViewers: number;
  likes: number;
  messages: number;
}

/** A room; ownerId is null until an invite is claimed (operator-created live rooms). */
export interface Room {
  id: string;
  title: string;
  kind: RoomKind;
  status: RoomStatus;
  ownerId: string | null;
  streamId: string;
  createdAt: number;
  startedAt: number | null;
  endedAt: number | null;
  stats: RoomStats;
  /** When the anchor plans to go live (epoch ms); an idle room with one is "upcoming". Absent = null. */
  plannedStartAt?: number | null;
  /** The room's cover image (an uploaded file's URL); absent = null. */
  coverUrl?: string | null;
  /** Time spent live before the current stretch (ms); paused time never counts. */
  liveMs: number;
  /** When the current live stretch began, or null while not live. */
  liveSince: number | null;
}

/** The fields of a room a token is decided on. */
export type TokenRoom = Pick<Room, 'id' | 'kind' | 'status' | 'ownerId' | 'streamId'>;

/** A token request's read: the caller's session (the hash of its bearer), the room it asks for, and when. */
export interface TokenAsk {
  tokenHash: string;
  roomId: string;
  now: number;
}

/** A token request's facts: whose session it is, the room (null: none such) and whether that user was removed. */
export interface TokenFacts {
  userId: string;
  room: TokenRoom | null;
  removed: boolean;
}

/** A one-time invite that makes its claimer the owner (anchor) of an unowned room. */
export interface Invite {
  code: string;
  roomId: string;
  createdAt: number;
  expiresAt: number;
  usedAt: number | null;
  usedBy: string | null;
}

/** A member of a call room, who publishes its own stream. */
export interface CallMember {
  user: User;
  streamId: string;
  joinedAt: number;
}

/** Why joining a call failed, or the member and the room after joining (joined: false for a member asking again). */
export type JoinCallResult =
  | { ok: true; room: Room; streamId: string; joined: boolean }
  | { ok: false; reason: 'room_not_found' | 'not_a_call' | 'room_ended' | 'call_full' };

/** Why a claim failed, or the claimed room. */
export type ClaimResult =
  | { ok: true; room: Room }
  | {
      ok: false;
      reason:
        'room_not_found' | 'invite_invalid' | 'invite_expired' | 'invite_used' | 'room_owned' | 'room_ended';
    };

/** The rooms one heartbeat sweep changed. */
export interface SweepResult {
  paused: string[];
  ended: string[];
}

/** One page of rooms, newest first. */
export interface RoomPage {
  rooms: Room[];
  nextCursor: string | null;
}

/** What may change of a room before it goes live. */
export interface RoomPlan {
  title?: string;
  plannedStartAt?: number | null;
  coverUrl?: string | null;
}

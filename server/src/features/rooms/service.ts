import type { Actor, Invite, Room, Store, TokenAsk, TokenFacts, TokenRoom } from '../../store/types';
import { Batch } from '../../lib/batch';
import { requireRoleOf, sessionExpired, type Caller, type Need } from '../../http/auth';
import type { LiveContext } from '../../plugins/app/live';
import { ApiError, badRequest, forbidden, notFound, removedFromRoom, unauthorized } from '../../lib/errors';
import { isValidRoomId, newInviteCode, newRoomId, streamIdForMember, streamIdForRoom } from '../../lib/ids';
import { mayMoveTo, roomEnded } from './rules';

/** How long an operator's invite stays claimable (24 hours). */
export const INVITE_TTL_MS = 24 * 3600 * 1000;

/** The room, or 404 naming it. */
export async function loadRoom(live: LiveContext, roomId: string): Promise<Room> {
  const room = isValidRoomId(roomId) ? await live.store.rooms.get(roomId) : null;
  if (!room) throw notFound(`Room ${roomId} does not exist`);
  return room;
}

/**
 * 403 REMOVED_FROM_ROOM for a viewer removed from the room: it may not ask to co-host, be accepted, keep a seat by
 * heartbeats (and so never reaches the mix), as it may not get a token, chat or like.
 */
export async function requireNotRemoved(live: LiveContext, roomId: string, userId: string): Promise<void> {
  if ((await live.store.chat.standing(roomId, userId, live.now())).removed) throw removedFromRoom();
}

/** The token route's reads, gathered: the token requests that arrive together are read together. */
export type TokenReads = Batch<TokenAsk, TokenFacts | null>;

/** The token route's batch of reads, on this store. */
export function tokenReads(store: Store): TokenReads {
  return new Batch((asks) => store.rooms.getForSessions(asks));
}

/**
 * The token route's one read: whose session this is, the room (404 naming it if none) and whether that user was
 * removed from it; 401 when the session is not live.
 */
export async function loadTokenFacts(
  reads: TokenReads,
  tokenHash: string,
  roomId: string,
  now: number,
): Promise<TokenFacts & { room: TokenRoom }> {
  // A malformed ID names no room; the session is still checked first.
  const facts = await reads.ask({ tokenHash, roomId: isValidRoomId(roomId) ? roomId : '', now });
  if (facts === null) throw sessionExpired();
  const { room } = facts;
  if (room === null) throw notFound(`Room ${roomId} does not exist`);
  return { ...facts, room };
}

/** 400 WRONG_KIND: a live-room action (go live, pause, stats, invite, claim, QR codes) asked of a call room. */
export function wrongKind(room: Pick<Room, 'id'>): ApiError {
  return new ApiError(
    400,
    'WRONG_KIND',
    `Room ${room.id} is a call room: this is only for live rooms (a call goes live when its second member joins)`,
  );
}

/** The live room, 404 if none, 400 WRONG_KIND for a call room. */
export async function loadLiveRoom(live: LiveContext, roomId: string): Promise<Room> {
  const room = await loadRoom(live, roomId);
  if (room.kind !== 'live') throw wrongKind(room);
  return room;
}

/** Mints a fresh one-time invite for a room. */
export async function createInvite(live: LiveContext, roomId: string): Promise<Invite> {
  const now = live.now();
  const invite: Invite = {
    code: newInviteCode(live.random),
    roomId,
    createdAt: now,
    expiresAt: now + INVITE_TTL_MS,
    usedAt: null,
    usedBy: null,
  };
  await live.store.invites.create(invite);
  return invite;
}

/** The room and its current claimable invite (plain code, so the anchor QR code can be redrawn); null if no room. */
export async function getRoomWithInvite(
  live: LiveContext,
  roomId: string,
): Promise<{ room: Room; invite: Invite | null } | null> {
  const room = isValidRoomId(roomId) ? await live.store.rooms.get(roomId) : null;
  if (!room) return null;
  const invite = room.ownerId === null ? await live.store.invites.activeForRoom(roomId, live.now()) : null;
  return { room, invite };
}

/** 400 naming the field unless a planned start lies in the future. */
export function checkPlannedStart(plannedStartAt: number, now: number): void {
  if (plannedStartAt <= now)
    throw badRequest('body/plannedStartAt must be in the future (epoch milliseconds)');
}

/** What a new room is: its title, kind and planned start as the creator asked. */
export interface NewRoom {
  title: string;
  kind?: 'live' | 'call';
  plannedStartAt?: number;
}

/**
 * Creates a room: a user owns it; the operator's (ownerId null) is claimed later with an invite. A call room needs a
 * user (its creator is its first member); a planned start is for live rooms only and lies in the future.
 */
export async function createRoom(live: LiveContext, ownerId: string | null, asked: NewRoom): Promise<Room> {
  const title = asked.title.trim();
  if (title === '') throw badRequest('body/title must not be blank');
  const kind = asked.kind ?? 'live';
  if (kind === 'call' && ownerId === null) {
    throw badRequest('A call room needs a user session: its creator is its first member');
  }
  const { plannedStartAt } = asked;
  if (plannedStartAt !== undefined) {
    if (kind === 'call') throw badRequest('body/plannedStartAt is for live rooms only');
    checkPlannedStart(plannedStartAt, live.now());
  }
  const id = newRoomId(live.random);
  // A call room's streamID is its owner's own stream (each member publishes <roomID>_<userID>).
  const memberStream = kind === 'call' && ownerId !== null ? streamIdForMember(id, ownerId) : undefined;
  const room: Room = {
    id,
    title,
    kind,
    status: 'idle',
    ownerId,
    streamId: memberStream ?? streamIdForRoom(id),
    createdAt: live.now(),
    startedAt: null,
    endedAt: null,
    stats: { viewers: 0, peakViewers: 0, likes: 0, messages: 0 },
    plannedStartAt: plannedStartAt ?? null,
    coverUrl: null,
    liveMs: 0,
    liveSince: null,
  };
  await live.store.rooms.create(room, memberStream);
  return room;
}

/** Moves a room to a status; an ended room stays ended (409). */
export async function moveRoom(live: LiveContext, room: Room, status: Room['status']): Promise<Room> {
  if (!mayMoveTo(room, status)) throw roomEnded(room);
  return (await live.store.rooms.setStatus(room.id, status, live.now())) ?? room;
}

/** The anchor's heartbeat (also its stats report): the room stays live, or resumes from a silence pause. */
export async function anchorHeartbeat(live: LiveContext, room: Room): Promise<Room> {
  if (room.status === 'ended') throw roomEnded(room);
  return (await live.store.rooms.heartbeat(room.id, live.now())) ?? room;
}

/**
 * Who manages a live room: its anchor, one of its admins (房管, where the route allows them) or an operator (named,
 * with its role). The moderation log records the kind and who.
 */
export type Manager =
  | { kind: 'anchor'; userId: string }
  | { kind: 'admin'; userId: string }
  | { kind: 'operator'; operator: Actor };

/**
 * The live room and its manager when the caller is its anchor or the operator (or, with `admins`, one of the
 * room's admins): 401 for nobody (`signIn` says what to do), 404, 400 WRONG_KIND for a call room, 403 `notManager`
 * for anyone else, an admin of another room included.
 */
export async function managedRoom(
  live: LiveContext,
  caller: Caller,
  roomId: string,
  messages: { notManager: string; signIn?: string; need: Need; admins?: boolean },
): Promise<{ manager: Manager; room: Room }> {
  requireRoleOf(caller, messages.need);
  if (caller.kind === 'anonymous')
    throw unauthorized(
      messages.signIn ?? 'Sign in (or use the console token): send Authorization: Bearer <sessionToken>',
    );
  const room = await loadLiveRoom(live, roomId);
  if (caller.kind === 'operator') return { manager: { kind: 'operator', operator: caller.operator }, room };
  if (caller.user.id === room.ownerId) return { manager: { kind: 'anchor', userId: caller.user.id }, room };
  if (messages.admins === true && (await live.store.social.isAdmin(room.id, caller.user.id)))
    return { manager: { kind: 'admin', userId: caller.user.id }, room };
  throw forbidden(messages.notManager);
}

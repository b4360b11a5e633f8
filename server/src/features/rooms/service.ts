import type { Invite, Room, Store, TokenAsk, TokenFacts, TokenRoom } from '../../store/types';
import { Batch } from '../../lib/batch';
import { sessionExpired } from '../../http/auth';
import type { LiveContext } from '../../plugins/app/live';
import { ApiError, notFound } from '../../lib/errors';
import { isValidRoomId, newInviteCode } from '../../lib/ids';

/** How long an operator's invite stays claimable (24 hours). */
export const INVITE_TTL_MS = 24 * 3600 * 1000;

/** The room, or 404 naming it. */
export async function loadRoom(live: LiveContext, roomId: string): Promise<Room> {
  const room = isValidRoomId(roomId) ? await live.store.rooms.get(roomId) : null;
  if (!room) throw notFound(`Room ${roomId} does not exist`);
  return room;
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
export function wrongKind(room: Room): ApiError {
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

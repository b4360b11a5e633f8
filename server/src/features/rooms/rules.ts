/** Room decisions without a database: what a claim's outcome means, and the refusals every room route shares. */
import { ApiError } from '../../lib/errors';
import type { ClaimResult, Room } from '../../store/types';

/** 409 for anything but reading an ended room. */
export const roomEnded = (room: Pick<Room, 'id'>): ApiError =>
  new ApiError(409, 'ROOM_ENDED', `Room ${room.id} has ended`);

/** 409: the room has its anchor (a claim or a fresh invite came too late). */
export const roomAlreadyClaimed = (): ApiError =>
  new ApiError(409, 'ROOM_ALREADY_CLAIMED', 'This room already has an anchor');

/**
 * The room an invite claim gave the caller, or why not: 404 no room, 403 INVITE_INVALID (not this room's), 410
 * INVITE_EXPIRED, 409 INVITE_USED (someone else won), ROOM_ALREADY_CLAIMED or ROOM_ENDED. One-time and one winner
 * under races: the store's one conditional write decided; this says what it decided.
 */
export function claimedRoom(result: ClaimResult, roomId: string): Room {
  if (result.ok) return result.room;
  switch (result.reason) {
    case 'room_not_found':
      throw new ApiError(404, 'NOT_FOUND', `Room ${roomId} does not exist`);
    case 'invite_invalid':
      throw new ApiError(
        403,
        'INVITE_INVALID',
        'This invite is not valid for this room; scan the QR code again',
      );
    case 'invite_expired':
      throw new ApiError(
        410,
        'INVITE_EXPIRED',
        'This invite has expired; ask the operator for a new QR code',
      );
    case 'invite_used':
      throw new ApiError(409, 'INVITE_USED', 'This invite has already been used by someone else');
    case 'room_owned':
      throw roomAlreadyClaimed();
    case 'room_ended':
      throw new ApiError(409, 'ROOM_ENDED', 'This room has ended');
  }
}

/** Whether a room may move to a status: an ended room stays ended. */
export const mayMoveTo = (room: Pick<Room, 'status'>, status: Room['status']): boolean =>
  room.status !== 'ended' || status === 'ended';

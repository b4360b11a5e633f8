/** Co-hosting (连麦) decisions without a database: what a request's or an acceptance's outcome means, who sees what. */
import { ApiError, forbidden } from '../../lib/errors';
import type { CohostViewer } from '../../lib/views';
import type { Caller } from '../../http/auth';
import type { Cohost, CohostAcceptResult, CohostRequestResult, Room } from '../../store/types';

/** 409: the room has as many co-hosts as allowed. */
export const cohostFull = (limit: number): ApiError =>
  new ApiError(409, 'COHOST_FULL', `This room already has ${limit} co-hosts, the most allowed`);

/** 403 for the anchor asking to co-host in its own room. */
export function requireMayRequest(room: Pick<Room, 'ownerId'>, userId: string): void {
  if (room.ownerId === userId) throw forbidden('The anchor cannot ask to co-host in their own room');
}

/** The pending request, or why not: 404 no room, 409 ROOM_NOT_LIVE, COHOST_FULL, ALREADY_COHOST. */
export function requestOutcome(result: CohostRequestResult, roomId: string, limit: number): Cohost {
  if (result.ok) return result.cohost;
  switch (result.reason) {
    case 'room_not_found':
      throw new ApiError(404, 'NOT_FOUND', `Room ${roomId} does not exist`);
    case 'room_not_live':
      throw new ApiError(409, 'ROOM_NOT_LIVE', `Room ${roomId} is not live: co-hosting needs a live anchor`);
    case 'full':
      throw cohostFull(limit);
    case 'already_cohost':
      throw new ApiError(409, 'ALREADY_COHOST', 'You are already a co-host of this room');
  }
}

/**
 * Admitting a co-host: the co-host and whether this acceptance admitted it (false for a repeated accept), or why
 * not: 404 no room, 409 ROOM_ENDED, 404 REQUEST_NOT_FOUND (never made, lapsed, cancelled or answered), COHOST_FULL.
 */
export function admitted(
  result: CohostAcceptResult,
  roomId: string,
  userId: string,
  limit: number,
): { cohost: Cohost; accepted: boolean } {
  if (result.ok) return { cohost: result.cohost, accepted: result.accepted };
  switch (result.reason) {
    case 'room_not_found':
      throw new ApiError(404, 'NOT_FOUND', `Room ${roomId} does not exist`);
    case 'room_ended':
      throw new ApiError(409, 'ROOM_ENDED', `Room ${roomId} has ended`);
    case 'request_not_found':
      throw new ApiError(
        404,
        'REQUEST_NOT_FOUND',
        `No pending co-host request from ${userId} (never made, lapsed, cancelled or answered)`,
      );
    case 'full':
      throw cohostFull(limit);
  }
}

/** Who is looking at a room's co-hosting: its anchor or the operator (everything), a viewer (its own), nobody. */
export function cohostViewerOf(caller: Caller, room: Pick<Room, 'ownerId'>): CohostViewer {
  if (caller.kind === 'operator' || (caller.kind === 'user' && caller.user.id === room.ownerId))
    return { kind: 'manager' };
  if (caller.kind === 'user') return { kind: 'viewer', userId: caller.user.id };
  return { kind: 'anonymous' };
}

/** Who may end a co-host's co-hosting: the co-host itself, the room's anchor, the operator. */
export function endingBy(
  caller: Caller,
  room: Pick<Room, 'ownerId'>,
  userId: string,
): 'self' | 'manager' | null {
  if (caller.kind === 'user' && caller.user.id === userId) return 'self';
  if (cohostViewerOf(caller, room).kind === 'manager') return 'manager';
  return null;
}

/** A 1v1 call's seats, decided without a database: what a join's outcome means for the member asking. */
import { ApiError } from '../../lib/errors';
import type { JoinCallResult } from '../../store/types';

/**
 * The stream the member publishes once seated (its own, `<roomID>_<userID>`), or the refusal: 409 CALL_FULL (two
 * members already), 409 ROOM_ENDED, 404 for a room that is gone or no call.
 */
export function callSeat(joined: JoinCallResult, roomId: string): string {
  if (joined.ok) return joined.streamId;
  switch (joined.reason) {
    case 'call_full':
      throw new ApiError(409, 'CALL_FULL', 'This call already has two members');
    case 'room_ended':
      throw new ApiError(409, 'ROOM_ENDED', `Room ${roomId} has ended`);
    default:
      throw new ApiError(404, 'NOT_FOUND', `Room ${roomId} does not exist`);
  }
}

/** Whether a user may end a call room: only one of its members (the operator always may). */
export const mayEndCall = (memberIds: readonly string[], userId: string): boolean =>
  memberIds.includes(userId);

/** Who may become a room's admin (房管), decided without a database. */
import { ApiError } from '../../lib/errors';
import type { AppointResult, Room } from '../../store/types';

/** How many admins a room may have at once. */
export const ADMINS_MAX = 5;

/** 400 when the anchor is named: the anchor manages the room already. */
export function requireAdminCandidate(room: Pick<Room, 'ownerId'>, userId: string): void {
  if (userId === room.ownerId)
    throw new ApiError(
      400,
      'BAD_REQUEST',
      "The room's anchor manages the room already: it cannot be its admin",
    );
}

/** 409 ADMINS_FULL when the room had its ADMINS_MAX admins already; an admin appointed again is no error. */
export function requireAppointed(result: AppointResult): void {
  if (result === 'full')
    throw new ApiError(409, 'ADMINS_FULL', `A room has at most ${ADMINS_MAX} admins: dismiss one first`);
}

/**
 * The privileges a ZEGO token carries, decided without a database: who may publish which stream in which room.
 * Nobody but the room's anchor, an accepted co-host or a call member ever gets publish, and each only for its own
 * stream.
 */
import { ApiError, forbidden, removedFromRoom } from '../../lib/errors';
import type { TokenRole } from '@zego-live/contract/schemas';
import type { TokenRoom } from '../../store/types';
import { roomEnded } from '../rooms/rules';

/** What a token request may get, before the reads that only some roles need (a call seat, a co-host's record). */
export type TokenPlan =
  | { kind: 'call' }
  | { kind: 'anchor'; streamId: string }
  | { kind: 'cohost' }
  | { kind: 'audience'; recordViewer: boolean };

/**
 * Decides a token request from the room, the caller and whether the caller was removed from the room: 400
 * WRONG_ROLE (call role in a live room or the reverse), 409 ROOM_ENDED, 403 REMOVED_FROM_ROOM (never the anchor),
 * 403 FORBIDDEN for publishing in someone else's room. A viewer's token records the viewer for the anchor's list.
 */
export function planToken(role: TokenRole, room: TokenRoom, userId: string, removed: boolean): TokenPlan {
  if ((role === 'call') !== (room.kind === 'call')) {
    throw new ApiError(
      400,
      'WRONG_ROLE',
      room.kind === 'call'
        ? `Room ${room.id} is a call room: ask for role "call"`
        : `Room ${room.id} is a live room: role "call" is only for call rooms`,
    );
  }
  if (room.status === 'ended') throw roomEnded(room);
  if (role === 'call') return { kind: 'call' };
  const owner = room.ownerId === userId;
  // A viewer the anchor or operator removed gets no token for this room again (the anchor cannot be removed).
  if (!owner && removed) throw removedFromRoom();
  if (role === 'cohost') return { kind: 'cohost' };
  if (role === 'audience') return { kind: 'audience', recordViewer: !owner };
  if (!owner) {
    throw forbidden(
      room.ownerId === null
        ? 'This room has no anchor yet: claim it with its invite first'
        : 'Only the anchor of this room may publish',
    );
  }
  return { kind: 'anchor', streamId: room.streamId };
}

/** The privilege payload's parts: publish bound to one stream, or play only. */
export interface Privileges {
  publish: boolean;
  streamIds: string[] | null;
}

/** What a token carries: publish for exactly `ownStream` when there is one, else login and play only. */
export const privilegesFor = (ownStream: string | null): Privileges =>
  ownStream === null ? { publish: false, streamIds: null } : { publish: true, streamIds: [ownStream] };

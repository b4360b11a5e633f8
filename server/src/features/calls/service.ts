/** 1v1 calls beyond the token route: a member's heartbeat, and who may end one. */
import { forbidden } from '../../lib/errors';
import type { LiveContext } from '../../plugins/app/live';
import type { Room } from '../../store/types';
import { roomEnded } from '../rooms/rules';
import { loadRoom } from '../rooms/service';
import { mayEndCall } from './rules';

/** A call member's heartbeat (every 10 s while in the call): a call all of whose members went silent is ended. */
export async function callHeartbeat(live: LiveContext, room: Room, userId: string): Promise<Room> {
  if (room.status === 'ended') throw roomEnded(room);
  if (!(await live.store.rooms.memberHeartbeat(room.id, userId, live.now()))) {
    const current = await loadRoom(live, room.id);
    if (current.status === 'ended') throw roomEnded(current);
    throw forbidden('Only a member of this call may send its heartbeat');
  }
  return room;
}

/** 403 unless the user is a member of the call. */
export async function requireCallMember(live: LiveContext, room: Room, userId: string): Promise<void> {
  const members = await live.store.rooms.members(room.id);
  if (
    !mayEndCall(
      members.map((m) => m.user.id),
      userId,
    )
  )
    throw forbidden('Only a member of this call or the operator may end it');
}

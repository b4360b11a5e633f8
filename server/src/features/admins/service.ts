/** A room's admins (房管): appointed and dismissed by the anchor (or the operator), announced to the room. */
import type { FastifyBaseLogger } from 'fastify';
import { adminsSignal } from '@zego-live/contract';
import { notFound } from '../../lib/errors';
import type { LiveContext } from '../../plugins/app/live';
import type { Room, RoomAdmin } from '../../store/types';
import { signalRoom } from '../chat/service';
import { ApiError } from '../../lib/errors';
import { ADMINS_MAX, requireAdminCandidate, requireAppointed } from './rules';

/** Tells the room who its admins are now (their badges follow); true if ZEGO took it. */
export async function signalAdmins(live: LiveContext, log: FastifyBaseLogger, room: Room): Promise<boolean> {
  const ids = (await live.store.social.admins(room.id)).map((a) => a.userId);
  return signalRoom(live, log, room, adminsSignal(ids), 'admins');
}

/** Makes a viewer an admin of the room: 400 for the anchor, 404 unknown, 403 removed, 409 ADMINS_FULL. */
export async function appointAdmin(live: LiveContext, room: Room, userId: string): Promise<RoomAdmin[]> {
  requireAdminCandidate(room, userId);
  if ((await live.store.users.get(userId)) === null) throw notFound(`User ${userId} does not exist`);
  if ((await live.store.chat.standing(room.id, userId, live.now())).removed)
    throw new ApiError(403, 'REMOVED_FROM_ROOM', `${userId} was removed from this room`);
  requireAppointed(await live.store.social.appoint(room.id, userId, ADMINS_MAX, live.now()));
  return live.store.social.admins(room.id);
}

/** Takes a viewer's admin role away: 404 when it had none. */
export async function dismissAdmin(live: LiveContext, room: Room, userId: string): Promise<RoomAdmin[]> {
  if (!(await live.store.social.dismiss(room.id, userId)))
    throw notFound(`${userId} is not an admin of this room`);
  return live.store.social.admins(room.id);
}

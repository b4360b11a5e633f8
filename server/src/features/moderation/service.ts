/**
 * Chat moderation by a room's anchor and the operator: who may moderate, whom, and the log every action leaves.
 * Telling the room or the viewer goes through ZEGO (chat/service.ts), best effort.
 */
import type { FastifyBaseLogger } from 'fastify';
import { ApiError, notFound } from '../../lib/errors';
import type { ModerationView } from '@zego-live/contract/schemas';
import type { LiveContext } from '../../plugins/app/live';
import type { ModerationAction, ModerationRecord, Room } from '../../store/types';
import type { Manager } from '../rooms/service';

/**
 * A viewer of the room a manager acts on: 404 for an unknown user, 400 for the anchor itself, 403 when an admin
 * acts on another admin (only the anchor or the operator may).
 */
export async function requireTarget(
  live: LiveContext,
  room: Room,
  userId: string,
  manager?: Manager,
): Promise<void> {
  if (userId === room.ownerId)
    throw new ApiError(400, 'CANNOT_MODERATE_ANCHOR', "The room's anchor cannot be muted or removed");
  if ((await live.store.users.get(userId)) === null) throw notFound(`User ${userId} does not exist`);
  if (manager?.kind === 'admin' && (await live.store.social.isAdmin(room.id, userId)))
    throw new ApiError(
      403,
      'CANNOT_MODERATE_ADMIN',
      'An admin cannot mute or remove another admin of the room',
    );
}

/** One moderation action as recorded. */
export interface ActionTaken {
  action: ModerationAction;
  targetId: string | null;
  until?: number | null;
  detail?: string | null;
}

/** Records a moderation action (and logs it). */
export async function recordAction(
  live: LiveContext,
  log: FastifyBaseLogger,
  room: Room,
  manager: Manager,
  { action, targetId, until = null, detail = null }: ActionTaken,
): Promise<ModerationRecord> {
  const entry = await live.store.chat.record({
    roomId: room.id,
    action,
    actorKind: manager.kind,
    actorId: manager.kind === 'operator' ? null : manager.userId,
    targetId,
    until,
    detail,
    at: live.now(),
  });
  log.info({ room: room.id, action, by: manager.kind, target: targetId, until }, 'moderation');
  return entry;
}

/** The log's records with the nicknames of who did it and whom it concerned (one read for all of them). */
export async function moderationViews(
  live: LiveContext,
  records: ModerationRecord[],
): Promise<ModerationView[]> {
  const ids = new Set<string>();
  for (const r of records) {
    if (r.targetId !== null) ids.add(r.targetId);
    if (r.actorId !== null) ids.add(r.actorId);
  }
  const names = new Map((await live.store.users.getMany([...ids])).map((u) => [u.id, u.nickname]));
  const nameOf = (id: string | null): string | null => (id === null ? null : (names.get(id) ?? null));
  return records.map((r) => ({ ...r, targetNickname: nameOf(r.targetId), actorNickname: nameOf(r.actorId) }));
}

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

/** A viewer of the room a manager acts on: 404 for an unknown user, 400 for the anchor itself. */
export async function requireTarget(live: LiveContext, room: Room, userId: string): Promise<void> {
  if (userId === room.ownerId)
    throw new ApiError(400, 'CANNOT_MODERATE_ANCHOR', "The room's anchor cannot be muted or removed");
  if ((await live.store.users.get(userId)) === null) throw notFound(`User ${userId} does not exist`);
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
    actorId: manager.kind === 'anchor' ? manager.userId : null,
    targetId,
    until,
    detail,
    at: live.now(),
  });
  log.info({ room: room.id, action, by: manager.kind, target: targetId, until }, 'moderation');
  return entry;
}

/** The log's records with their targets' nicknames (each user read once). */
export async function moderationViews(
  live: LiveContext,
  records: ModerationRecord[],
): Promise<ModerationView[]> {
  const names = new Map<string, string | null>();
  for (const r of records) {
    if (r.targetId !== null && !names.has(r.targetId))
      names.set(r.targetId, (await live.store.users.get(r.targetId))?.nickname ?? null);
  }
  return records.map((r) => ({
    ...r,
    targetNickname: r.targetId === null ? null : (names.get(r.targetId) ?? null),
  }));
}

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
    actorId: manager.kind === 'operator' ? manager.operator.id : manager.userId,
    targetId,
    until,
    detail,
    at: live.now(),
  });
  const by =
    manager.kind === 'operator' ? `operator ${manager.operator.name}` : `${manager.kind} ${manager.userId}`;
  log.info({ room: room.id, action, by, target: targetId, until }, 'moderation');
  return entry;
}

/** The log's records with their actors' and targets' names (each user and operator read once). */
export async function moderationViews(
  live: LiveContext,
  records: ModerationRecord[],
): Promise<ModerationView[]> {
  const users = new Map<string, string | null>();
  const operators = new Map<string, string | null>();
  const nickname = async (id: string): Promise<string | null> => {
    if (!users.has(id)) users.set(id, (await live.store.users.get(id))?.nickname ?? null);
    return users.get(id) ?? null;
  };
  const operatorName = async (id: string | null): Promise<string | null> => {
    // Records from before operator accounts (and CONSOLE_TOKEN's bootstrap) carry no account.
    if (id === null) return 'CONSOLE_TOKEN';
    if (!operators.has(id)) operators.set(id, (await live.store.operators.get(id))?.name ?? null);
    return operators.get(id) ?? null;
  };
  const views: ModerationView[] = [];
  for (const r of records) {
    let actorName: string | null = null;
    if ((r.actorKind === 'anchor' || r.actorKind === 'admin') && r.actorId !== null)
      actorName = await nickname(r.actorId);
    else if (r.actorKind === 'operator') actorName = await operatorName(r.actorId);
    const targetNickname = r.targetId === null ? null : await nickname(r.targetId);
    views.push({ ...r, actorName, targetNickname });
  }
  return views;
}

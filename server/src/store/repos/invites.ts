/** One-time invites that give an unowned room its anchor. */
import type { Engine } from '../engine';
import { toInvite, toRoom } from '../rows';
import type { ClaimResult, InviteRepository } from '../types';
import { lockRoom } from './shared';

/** The invites table, written once for both engines. */
export function inviteRepository(engine: Engine): InviteRepository {
  const { db } = engine;
  return {
    create: async (invite) => {
      await db
        .insertInto('invites')
        .values({
          code: invite.code,
          room_id: invite.roomId,
          created_at: invite.createdAt,
          expires_at: invite.expiresAt,
        })
        .execute();
    },
    activeForRoom: async (roomId, now) => {
      const row = await db
        .selectFrom('invites')
        .selectAll()
        .where('room_id', '=', roomId)
        .where('used_at', 'is', null)
        .where('expires_at', '>', now)
        .orderBy('created_at', 'desc')
        .limit(1)
        .executeTakeFirst();
      return row ? toInvite(row) : null;
    },
    claim: async (roomId, code, userId, now) =>
      engine.transaction(async (q): Promise<ClaimResult> => {
        const room = await lockRoom(engine, q, roomId);
        if (!room) return { ok: false, reason: 'room_not_found' };
        const invite = await q.selectFrom('invites').selectAll().where('code', '=', code).executeTakeFirst();
        if (!invite || invite.room_id !== roomId) return { ok: false, reason: 'invite_invalid' };
        // A retried claim by the winner (e.g. after a dropped response) succeeds again.
        if (invite.used_by === userId && room.ownerId === userId) return { ok: true, room };
        if (invite.used_at !== null) return { ok: false, reason: 'invite_used' };
        if (invite.expires_at <= now) return { ok: false, reason: 'invite_expired' };
        if (room.status === 'ended') return { ok: false, reason: 'room_ended' };
        if (room.ownerId !== null) return { ok: false, reason: 'room_owned' };
        const used = await q
          .updateTable('invites')
          .set({ used_at: now, used_by: userId })
          .where('code', '=', code)
          .where('used_at', 'is', null)
          .executeTakeFirst();
        const owned = await q
          .updateTable('rooms')
          .set({ owner_id: userId })
          .where('id', '=', roomId)
          .where('owner_id', 'is', null)
          .returningAll()
          .executeTakeFirst();
        if (used.numUpdatedRows !== 1n || !owned) throw new Error('claim raced');
        return { ok: true, room: toRoom(owned) };
      }),
  };
}

/** Chat moderation of live rooms (comments off, mutes, removals, the log), kept lines and the message count. */
import type { ExpressionBuilder } from 'kysely';
import type { Engine } from '../engine';
import { isOn, toChatLine, toModeration } from '../rows';
import type { Database } from '../schema';
import type { ChatRepository } from '../types';

/** The room_chat, chat_bans, moderation_log and chat_lines tables, written once for both engines. */
export function chatRepository(engine: Engine): ChatRepository {
  const { db } = engine;
  return {
    standing: async (roomId, userId, now) => {
      const ban = (eb: ExpressionBuilder<Database, never>) =>
        eb.selectFrom('chat_bans').where('room_id', '=', roomId).where('user_id', '=', userId);
      const row = await db
        .selectNoFrom((eb) => [
          eb.selectFrom('room_chat').select('comments_off').where('room_id', '=', roomId).as('comments_off'),
          ban(eb).select('muted_until').as('muted_until'),
          ban(eb).select('removed_at').as('removed_at'),
        ])
        .executeTakeFirstOrThrow();
      const mutedUntil = row.muted_until ?? null;
      return {
        commentsOff: isOn(row.comments_off),
        mutedUntil: mutedUntil !== null && mutedUntil > now ? mutedUntil : null,
        removed: (row.removed_at ?? null) !== null,
      };
    },
    commentsOff: async (roomId) =>
      isOn(
        (
          await db
            .selectFrom('room_chat')
            .select('comments_off')
            .where('room_id', '=', roomId)
            .executeTakeFirst()
        )?.comments_off,
      ),
    setCommentsOff: async (roomId, off) => {
      await db
        .insertInto('room_chat')
        .values({ room_id: roomId, comments_off: engine.flag(off) })
        .onConflict((oc) =>
          oc.column('room_id').doUpdateSet((eb) => ({ comments_off: eb.ref('excluded.comments_off') })),
        )
        .execute();
    },
    mute: async (roomId, userId, until) => {
      await db
        .insertInto('chat_bans')
        .values({ room_id: roomId, user_id: userId, muted_until: until })
        .onConflict((oc) =>
          oc
            .columns(['room_id', 'user_id'])
            .doUpdateSet((eb) => ({ muted_until: eb.ref('excluded.muted_until') })),
        )
        .execute();
    },
    unmute: async (roomId, userId, now) => {
      const { numUpdatedRows } = await db
        .updateTable('chat_bans')
        .set({ muted_until: null })
        .where('room_id', '=', roomId)
        .where('user_id', '=', userId)
        .where('muted_until', '>', now)
        .executeTakeFirst();
      return numUpdatedRows === 1n;
    },
    remove: async (roomId, userId, now) => {
      // The first removal's time stays.
      await db
        .insertInto('chat_bans')
        .values({ room_id: roomId, user_id: userId, removed_at: now })
        .onConflict((oc) =>
          oc.columns(['room_id', 'user_id']).doUpdateSet((eb) => ({
            removed_at: eb.fn.coalesce('chat_bans.removed_at', 'excluded.removed_at'),
          })),
        )
        .execute();
    },
    countMessage: async (roomId) => {
      await db
        .updateTable('rooms')
        .set((eb) => ({ messages: eb('messages', '+', 1) }))
        .where('id', '=', roomId)
        .execute();
    },
    record: async (entry) => {
      const row = await db
        .insertInto('moderation_log')
        .values({
          room_id: entry.roomId,
          action: entry.action,
          actor_kind: entry.actorKind,
          actor_id: entry.actorId,
          target_id: entry.targetId,
          until_at: entry.until,
          detail: entry.detail,
          at: entry.at,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      return toModeration(row);
    },
    log: async (roomId, limit) => {
      const rows = await db
        .selectFrom('moderation_log')
        .selectAll()
        .$if(roomId !== null, (qb) => qb.where('room_id', '=', roomId as string))
        .orderBy('id', 'desc')
        .limit(limit)
        .execute();
      return rows.map(toModeration);
    },
    keepLine: async (line, keep) =>
      // One transaction: the line goes in and the room's lines older than its newest `keep` go.
      engine.transaction(async (q) => {
        const { id } = await q
          .insertInto('chat_lines')
          .values({
            room_id: line.roomId,
            user_id: line.userId,
            nickname: line.nickname,
            text: line.text,
            sent_at: line.sentAt,
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        await q
          .deleteFrom('chat_lines')
          .where('room_id', '=', line.roomId)
          .where(
            'id',
            '<=',
            q
              .selectFrom('chat_lines')
              .select('id')
              .where('room_id', '=', line.roomId)
              .orderBy('id', 'desc')
              .limit(1)
              .offset(keep),
          )
          .execute();
        return Number(id);
      }),
    dropLine: async (id) => {
      await db.deleteFrom('chat_lines').where('id', '=', id).execute();
    },
    history: async (roomId, limit) => {
      const rows = await db
        .selectFrom('chat_lines as l')
        .selectAll('l')
        .where('l.room_id', '=', roomId)
        .where(({ not, exists, selectFrom }) =>
          not(
            exists(
              selectFrom('chat_bans as b')
                .select('b.user_id')
                .whereRef('b.room_id', '=', 'l.room_id')
                .whereRef('b.user_id', '=', 'l.user_id')
                .where('b.removed_at', 'is not', null),
            ),
          ),
        )
        .orderBy('l.id', 'desc')
        .limit(limit)
        .execute();
      return rows.map(toChatLine).reverse();
    },
    recentLines: async (roomId, limit) => {
      const rows = await db
        .selectFrom('chat_lines')
        .selectAll()
        .where('room_id', '=', roomId)
        .orderBy('id', 'desc')
        .limit(limit)
        .execute();
      return rows.map(toChatLine);
    },
    runningMutes: async (roomId, now) => {
      const rows = await db
        .selectFrom('chat_bans as b')
        .leftJoin('users', 'users.id', 'b.user_id')
        .select(['b.user_id', 'users.nickname', 'b.muted_until'])
        .where('b.room_id', '=', roomId)
        .where('b.muted_until', '>', now)
        .orderBy('b.muted_until')
        .orderBy('b.user_id')
        .execute();
      return rows.map((r) => ({ userId: r.user_id, nickname: r.nickname, until: Number(r.muted_until) }));
    },
  };
}

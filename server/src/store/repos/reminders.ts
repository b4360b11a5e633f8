/** Reminders (开播提醒) of a room's start, and the ZEGO callback nonces seen. */
import type { Engine } from '../engine';
import { toReminder, wechatOpenidOf } from '../rows';
import type { CallbackNonceRepository, ReminderRepository } from '../types';

/** The room_reminders table, written once for both engines. */
export function reminderRepository(engine: Engine): ReminderRepository {
  const { db } = engine;
  return {
    subscribe: async (roomId, userId, now) => {
      const { numInsertedOrUpdatedRows } = await db
        .insertInto('room_reminders')
        .values({ room_id: roomId, user_id: userId, created_at: now })
        .onConflict((oc) => oc.columns(['room_id', 'user_id']).doNothing())
        .executeTakeFirst();
      return numInsertedOrUpdatedRows === 1n;
    },
    cancel: async (roomId, userId) => {
      const { numDeletedRows } = await db
        .deleteFrom('room_reminders')
        .where('room_id', '=', roomId)
        .where('user_id', '=', userId)
        .where('state', '=', 'pending')
        .executeTakeFirst();
      return numDeletedRows === 1n;
    },
    get: async (roomId, userId) => {
      const row = await db
        .selectFrom('room_reminders')
        .selectAll()
        .where('room_id', '=', roomId)
        .where('user_id', '=', userId)
        .executeTakeFirst();
      return row ? toReminder(row) : null;
    },
    claimPending: async (roomId, now, staleBefore) => {
      // One conditional UPDATE: of any number of instances, each reminder is claimed by exactly one.
      const rows = await db
        .updateTable('room_reminders')
        .set({ state: 'sending', claimed_at: now })
        .where('room_id', '=', roomId)
        .where((eb) =>
          eb.or([
            eb('state', '=', 'pending'),
            eb.and([eb('state', '=', 'sending'), eb('claimed_at', '<', staleBefore)]),
          ]),
        )
        .returning((eb) => [
          'user_id',
          eb
            .selectFrom('users')
            .select('openid')
            .whereRef('users.id', '=', 'room_reminders.user_id')
            .as('openid'),
        ])
        .execute();
      return rows.map((r) => ({ userId: r.user_id, openid: wechatOpenidOf(r.openid) }));
    },
    roomsWithStaleSends: async (staleBefore) => {
      const rows = await db
        .selectFrom('room_reminders as r')
        .innerJoin('rooms', 'rooms.id', 'r.room_id')
        .select('r.room_id')
        .distinct()
        .where('r.state', '=', 'sending')
        .where('r.claimed_at', '<', staleBefore)
        .where('rooms.status', '=', 'live')
        .execute();
      return rows.map((r) => r.room_id);
    },
    finish: async (roomId, userId, outcome, now) => {
      await db
        .updateTable('room_reminders')
        .set({ state: outcome.state, errcode: outcome.errcode, attempts: outcome.attempts, done_at: now })
        .where('room_id', '=', roomId)
        .where('user_id', '=', userId)
        .where('state', '=', 'sending')
        .execute();
    },
    counts: async (roomId) => {
      const rows = await db
        .selectFrom('room_reminders')
        .select((eb) => ['state', eb.fn.countAll<number>().as('n')])
        .where('room_id', '=', roomId)
        .groupBy('state')
        .execute();
      return Object.fromEntries(rows.map((r) => [r.state, Number(r.n)]));
    },
  };
}

/** The callback_nonces table, written once for both engines. */
export function callbackNonceRepository(engine: Engine): CallbackNonceRepository {
  const { db } = engine;
  return {
    claim: async (nonce, now, forgetBefore) => {
      await db.deleteFrom('callback_nonces').where('seen_at', '<', forgetBefore).execute();
      const { numInsertedOrUpdatedRows } = await db
        .insertInto('callback_nonces')
        .values({ nonce, seen_at: now })
        .onConflict((oc) => oc.column('nonce').doNothing())
        .executeTakeFirst();
      return numInsertedOrUpdatedRows === 1n;
    },
    release: async (nonce) => {
      await db.deleteFrom('callback_nonces').where('nonce', '=', nonce).execute();
    },
  };
}

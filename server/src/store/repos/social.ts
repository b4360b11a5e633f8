/** A room's announcement and admins, written once for both engines. */
import type { Engine } from '../engine';
import type { Announcement, SocialRepository } from '../types';
import { lockRoom } from './shared';

/** The room_announcements and room_admins tables. */
export function socialRepository(engine: Engine): SocialRepository {
  const { db } = engine;
  const announcement = async (roomId: string): Promise<Announcement | null> => {
    const row = await db
      .selectFrom('room_announcements')
      .select(['text', 'set_at'])
      .where('room_id', '=', roomId)
      .executeTakeFirst();
    return row ? { text: row.text, at: Number(row.set_at) } : null;
  };
  return {
    announcement,
    setAnnouncement: async (roomId, text, at) => {
      if (text === null) {
        await db.deleteFrom('room_announcements').where('room_id', '=', roomId).execute();
        return null;
      }
      await db
        .insertInto('room_announcements')
        .values({ room_id: roomId, text, set_at: at })
        .onConflict((oc) =>
          oc
            .column('room_id')
            .doUpdateSet((eb) => ({ text: eb.ref('excluded.text'), set_at: eb.ref('excluded.set_at') })),
        )
        .execute();
      return { text, at };
    },
    admins: async (roomId) => {
      const rows = await db
        .selectFrom('room_admins as a')
        .innerJoin('users', 'users.id', 'a.user_id')
        .select(['a.user_id', 'users.nickname', 'a.appointed_at'])
        .where('a.room_id', '=', roomId)
        .orderBy('a.appointed_at')
        .orderBy('a.user_id')
        .execute();
      return rows.map((r) => ({
        userId: r.user_id,
        nickname: r.nickname,
        appointedAt: Number(r.appointed_at),
      }));
    },
    isAdmin: async (roomId, userId) =>
      (await db
        .selectFrom('room_admins')
        .select('user_id')
        .where('room_id', '=', roomId)
        .where('user_id', '=', userId)
        .executeTakeFirst()) !== undefined,
    appoint: async (roomId, userId, max, now) =>
      // Counted and written under the room's lock: concurrent appointments never pass the limit together.
      engine.transaction(async (q) => {
        await lockRoom(engine, q, roomId);
        const rows = await q
          .selectFrom('room_admins')
          .select('user_id')
          .where('room_id', '=', roomId)
          .execute();
        if (rows.some((r) => r.user_id === userId)) return 'already';
        if (rows.length >= max) return 'full';
        await q
          .insertInto('room_admins')
          .values({ room_id: roomId, user_id: userId, appointed_at: now })
          .execute();
        return 'appointed';
      }),
    dismiss: async (roomId, userId) => {
      const { numDeletedRows } = await db
        .deleteFrom('room_admins')
        .where('room_id', '=', roomId)
        .where('user_id', '=', userId)
        .executeTakeFirst();
      return numDeletedRows === 1n;
    },
  };
}

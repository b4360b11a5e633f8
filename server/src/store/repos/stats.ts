/** A room's figures: viewers now and at peak, the per-minute series, likes, and the viewers given a token. */
import { sql } from 'kysely';
import type { Engine } from '../engine';
import { minuteOf, toRoom, toUser } from '../rows';
import type { StatsRepository, ViewerRepository } from '../types';

/** The larger of a column and a value, in words both engines know (SQLite's MAX(a, b) is PostgreSQL's GREATEST). */
const larger = (column: string, value: number | ReturnType<typeof sql.ref>) =>
  sql<number>`CASE WHEN ${sql.ref(column)} > ${value} THEN ${sql.ref(column)} ELSE ${value} END`;

/** The room's figures, written once for both engines. */
export function statsRepository(engine: Engine): StatsRepository {
  const { db } = engine;
  return {
    report: async (roomId, stats, now, forgetBefore) =>
      engine.transaction(async (q) => {
        const row = await q
          .updateTable('rooms')
          .set({ viewers: stats.viewers, peak_viewers: larger('peak_viewers', stats.viewers) })
          .where('id', '=', roomId)
          .returningAll()
          .executeTakeFirst();
        if (!row) return null;
        await q
          .insertInto('room_viewer_minutes')
          .values({ room_id: roomId, minute: minuteOf(now), viewers: stats.viewers })
          .onConflict((oc) =>
            oc
              .columns(['room_id', 'minute'])
              .doUpdateSet({ viewers: larger('room_viewer_minutes.viewers', sql.ref('excluded.viewers')) }),
          )
          .execute();
        await q
          .deleteFrom('room_viewer_minutes')
          .where('room_id', '=', roomId)
          .where('minute', '<=', forgetBefore)
          .execute();
        return toRoom(row);
      }),
    countLikes: async (roomId, likes) => {
      await db
        .updateTable('rooms')
        .set((eb) => ({ likes: eb('likes', '+', likes) }))
        .where('id', '=', roomId)
        .execute();
    },
    series: async (roomId, limit) => {
      const newest = db
        .selectFrom('room_viewer_minutes')
        .select(['minute', 'viewers'])
        .where('room_id', '=', roomId)
        .orderBy('minute', 'desc')
        .limit(limit)
        .as('newest');
      const rows = await db.selectFrom(newest).select(['minute', 'viewers']).orderBy('minute').execute();
      return rows.map((r) => ({ at: r.minute, viewers: r.viewers }));
    },
  };
}

/** The viewers given an audience token (the anchor's viewer list), written once for both engines. */
export function viewerRepository(engine: Engine): ViewerRepository {
  const { db } = engine;
  return {
    record: async (roomId, userId, now, quietSince) => {
      // One statement: a viewer who joined within the quiet minute is left as it is (no row is written).
      await db
        .insertInto('room_viewers')
        .values({ room_id: roomId, user_id: userId, joined_at: now })
        .onConflict((oc) =>
          oc
            .columns(['room_id', 'user_id'])
            .doUpdateSet((eb) => ({ joined_at: eb.ref('excluded.joined_at') }))
            .where('room_viewers.joined_at', '<=', quietSince),
        )
        .execute();
    },
    list: async (roomId, limit) => {
      const rows = await db
        .selectFrom('room_viewers as v')
        .innerJoin('users', 'users.id', 'v.user_id')
        .selectAll('users')
        .select('v.joined_at as v_joined_at')
        .where('v.room_id', '=', roomId)
        .orderBy('v.joined_at', 'desc')
        .orderBy('v.user_id')
        .limit(limit)
        .execute();
      return rows.map((r) => ({ user: toUser(r), joinedAt: r.v_joined_at }));
    },
  };
}

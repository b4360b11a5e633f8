/** A room's figures: viewers now and at peak, the per-minute series, likes, and the viewers given a token. */
import { sql } from 'kysely';
import type { Engine, Query } from '../engine';
import { toRoom, toUser } from '../rows';
import type { StatsRepository, ViewerJoin, ViewerRepository } from '../types';

/** The larger of a column and a value, in words both engines know (SQLite's MAX(a, b) is PostgreSQL's GREATEST). */
const larger = (column: string, value: number | ReturnType<typeof sql.ref>) =>
  sql<number>`CASE WHEN ${sql.ref(column)} > ${value} THEN ${sql.ref(column)} ELSE ${value} END`;

/** The room's figures, written once for both engines. */
export function statsRepository(engine: Engine): StatsRepository {
  const { db } = engine;
  return {
    add: async (roomId, counts, forgetBefore) => {
      const { likes, messages, viewers, peakViewers, minutes } = counts;
      // The one counter write of a flush: the row's figures in one UPDATE, whatever the likes rate was.
      const update = (q: Query) =>
        q
          .updateTable('rooms')
          .set((eb) => ({
            likes: eb('likes', '+', likes),
            messages: eb('messages', '+', messages),
            // An ended room has no viewers now, whatever a report still waiting for this flush said.
            ...(viewers === null
              ? {}
              : { viewers: sql<number>`CASE WHEN status = 'ended' THEN 0 ELSE ${viewers} END` }),
            peak_viewers: larger('peak_viewers', peakViewers),
          }))
          .where('id', '=', roomId)
          .returningAll()
          .executeTakeFirst();
      if (minutes.length === 0) {
        const row = await update(db);
        return row ? toRoom(row) : null;
      }
      return engine.transaction(async (q) => {
        const row = await update(q);
        if (!row) return null;
        await q
          .insertInto('room_viewer_minutes')
          .values(minutes.map((m) => ({ room_id: roomId, minute: m.at, viewers: m.viewers })))
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
      });
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

/**
 * Records joins in one upsert: a viewer who joined within its quiet time is left as it is (no row is written). The
 * batch shares one quiet time (the oldest of its joins'), as each join's own would differ by the batch's milliseconds.
 */
async function recordJoins(db: Query, joins: readonly ViewerJoin[]): Promise<void> {
  const quietSince = Math.min(...joins.map((j) => j.quietSince));
  await db
    .insertInto('room_viewers')
    .values(joins.map((j) => ({ room_id: j.roomId, user_id: j.userId, joined_at: j.now })))
    .onConflict((oc) =>
      oc
        .columns(['room_id', 'user_id'])
        .doUpdateSet((eb) => ({ joined_at: eb.ref('excluded.joined_at') }))
        .where('room_viewers.joined_at', '<=', quietSince),
    )
    .execute();
}

/** The viewers given an audience token (the anchor's viewer list), written once for both engines. */
export function viewerRepository(engine: Engine): ViewerRepository {
  const { db } = engine;
  return {
    record: async (roomId, userId, now, quietSince) => recordJoins(db, [{ roomId, userId, now, quietSince }]),
    recordMany: async (joins) => {
      // One statement for the batch; a viewer twice in it keeps its newest join (an upsert touches a row once).
      const newest = new Map<string, ViewerJoin>();
      for (const join of joins) newest.set(`${join.roomId} ${join.userId}`, join);
      if (newest.size > 0) await recordJoins(db, [...newest.values()]);
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

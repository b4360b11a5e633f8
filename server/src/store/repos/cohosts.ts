/** Co-hosting (连麦) in live rooms: requests, the co-host limit, heartbeats, and the running mix task. */
import { sql } from 'kysely';
import type { Engine, Query } from '../engine';
import { toCohost, type CohostRow } from '../rows';
import type { Cohost, CohostAcceptResult, CohostKey, CohostRepository, CohostRequestResult } from '../types';
import { lockRoom } from './shared';

/** Co-hosts first in order of acceptance (accept_seq, counted under the accept's lock), then requests oldest first. */
const PENDING_LAST = sql`c.state = 'pending'`;
const ACCEPTED_OR_ASKED = sql`CASE WHEN c.state = 'cohost' THEN c.accept_seq ELSE c.requested_at END`;

/** A co-host row joined with its user's columns (prefixed c_ where they would clash). */
const cohosts = (q: Query) =>
  q
    .selectFrom('cohosts as c')
    .innerJoin('users', 'users.id', 'c.user_id')
    .selectAll('users')
    .select([
      'c.room_id as c_room_id',
      'c.state as c_state',
      'c.requested_at as c_requested_at',
      'c.accepted_at as c_accepted_at',
      'c.seen_at as c_seen_at',
      'c.stream_forbidden as c_stream_forbidden',
    ]);

async function getCohost(q: Query, roomId: string, userId: string): Promise<Cohost | null> {
  const row = await cohosts(q)
    .where('c.room_id', '=', roomId)
    .where('c.user_id', '=', userId)
    .executeTakeFirst();
  return row ? toCohost(row as CohostRow) : null;
}

/** The room's current co-hosts: exact only inside a transaction that locked the room. */
async function cohostCount(q: Query, roomId: string): Promise<number> {
  const { n } = await q
    .selectFrom('cohosts')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('room_id', '=', roomId)
    .where('state', '=', 'cohost')
    .executeTakeFirstOrThrow();
  return Number(n);
}

/** The cohosts and cohost_mixes tables, written once for both engines. */
export function cohostRepository(engine: Engine): CohostRepository {
  const { db } = engine;
  /** Moves a user's record to 'none' from `from`; whether one moved. */
  const toNone = async (
    roomId: string,
    userId: string,
    from: 'pending' | 'cohost',
    lapsedBefore?: number,
  ) => {
    const { numUpdatedRows } = await db
      .updateTable('cohosts')
      .set({ state: 'none' })
      .where('room_id', '=', roomId)
      .where('user_id', '=', userId)
      .where('state', '=', from)
      .$if(lapsedBefore !== undefined, (qb) => qb.where('requested_at', '>', lapsedBefore as number))
      .executeTakeFirst();
    return numUpdatedRows === 1n;
  };
  return {
    list: async (roomId, lapsedBefore) => {
      const rows = await cohosts(db)
        .where('c.room_id', '=', roomId)
        .where((eb) =>
          eb.or([
            eb('c.state', '=', 'cohost'),
            eb.and([eb('c.state', '=', 'pending'), eb('c.requested_at', '>', lapsedBefore)]),
          ]),
        )
        .orderBy(PENDING_LAST)
        .orderBy(ACCEPTED_OR_ASKED)
        .orderBy('c.user_id')
        .execute();
      return rows.map((r) => toCohost(r as CohostRow));
    },
    get: (roomId, userId) => getCohost(db, roomId, userId),
    request: async (roomId, userId, now, limit) =>
      engine.transaction(async (q): Promise<CohostRequestResult> => {
        const room = await lockRoom(engine, q, roomId);
        if (!room) return { ok: false, reason: 'room_not_found' };
        if (room.status !== 'live') return { ok: false, reason: 'room_not_live' };
        if ((await getCohost(q, roomId, userId))?.state === 'cohost')
          return { ok: false, reason: 'already_cohost' };
        if ((await cohostCount(q, roomId)) >= limit) return { ok: false, reason: 'full' };
        await q
          .insertInto('cohosts')
          .values({ room_id: roomId, user_id: userId, state: 'pending', requested_at: now })
          .onConflict((oc) =>
            oc
              .columns(['room_id', 'user_id'])
              .doUpdateSet((eb) => ({ state: 'pending', requested_at: eb.ref('excluded.requested_at') })),
          )
          .execute();
        return { ok: true, cohost: (await getCohost(q, roomId, userId)) as Cohost };
      }),
    cancel: async (roomId, userId, lapsedBefore) => {
      const row = await db
        .updateTable('cohosts')
        .set({ state: 'none' })
        .where('room_id', '=', roomId)
        .where('user_id', '=', userId)
        .where('state', '=', 'pending')
        .returning('requested_at')
        .executeTakeFirst();
      return row !== undefined && row.requested_at > lapsedBefore;
    },
    accept: async (roomId, userId, now, lapsedBefore, limit) =>
      engine.transaction(async (q): Promise<CohostAcceptResult> => {
        // The room's lock queues concurrent accepts of one room: each counts what the previous ones committed.
        const room = await lockRoom(engine, q, roomId);
        if (!room) return { ok: false, reason: 'room_not_found' };
        if (room.status === 'ended') return { ok: false, reason: 'room_ended' };
        const current = await getCohost(q, roomId, userId);
        if (current?.state === 'cohost') return { ok: true, cohost: current, accepted: false };
        if (current?.state !== 'pending' || current.requestedAt <= lapsedBefore) {
          return { ok: false, reason: 'request_not_found' };
        }
        if ((await cohostCount(q, roomId)) >= limit) return { ok: false, reason: 'full' };
        await q
          .updateTable('cohosts')
          .set((eb) => ({
            state: 'cohost',
            accepted_at: now,
            seen_at: now,
            accept_seq: eb
              .selectFrom('cohosts as seq')
              .select(sql<number>`COALESCE(MAX(seq.accept_seq), 0) + 1`.as('next'))
              .where('seq.room_id', '=', roomId),
          }))
          .where('room_id', '=', roomId)
          .where('user_id', '=', userId)
          .where('state', '=', 'pending')
          .execute();
        return { ok: true, cohost: (await getCohost(q, roomId, userId)) as Cohost, accepted: true };
      }),
    decline: (roomId, userId, lapsedBefore) => toNone(roomId, userId, 'pending', lapsedBefore),
    end: (roomId, userId) => toNone(roomId, userId, 'cohost'),
    seen: async (roomId, userId, now) => {
      const { numUpdatedRows } = await db
        .updateTable('cohosts')
        .set({ seen_at: now })
        .where('room_id', '=', roomId)
        .where('user_id', '=', userId)
        .where('state', '=', 'cohost')
        .executeTakeFirst();
      return numUpdatedRows === 1n;
    },
    setStreamForbidden: async (roomId, userId, forbidden) => {
      await db
        .updateTable('cohosts')
        .set({ stream_forbidden: engine.flag(forbidden) })
        .where('room_id', '=', roomId)
        .where('user_id', '=', userId)
        .execute();
    },
    endSilent: async (silentSince) => {
      // A concurrent sweeper's UPDATE re-checks the WHERE after the row lock: each co-host ends once.
      const rows = await db
        .updateTable('cohosts')
        .set({ state: 'none' })
        .where('state', '=', 'cohost')
        .where('seen_at', '<=', silentSince)
        .returning(['room_id', 'user_id'])
        .execute();
      return rows.map((r): CohostKey => ({ roomId: r.room_id, userId: r.user_id }));
    },
    endRoom: async (roomId) =>
      engine.transaction(async (q) => {
        const ended = await q
          .updateTable('cohosts')
          .set({ state: 'none' })
          .where('room_id', '=', roomId)
          .where('state', '=', 'cohost')
          .returning('user_id')
          .execute();
        await q
          .updateTable('cohosts')
          .set({ state: 'none' })
          .where('room_id', '=', roomId)
          .where('state', '=', 'pending')
          .execute();
        return ended.map((r) => r.user_id);
      }),
    mix: async (roomId) =>
      (
        await db
          .selectFrom('cohost_mixes')
          .select('stream_id')
          .where('room_id', '=', roomId)
          .executeTakeFirst()
      )?.stream_id ?? null,
    setMix: async (roomId, streamId, now) => {
      if (streamId === null) {
        await db.deleteFrom('cohost_mixes').where('room_id', '=', roomId).execute();
        return;
      }
      await db
        .insertInto('cohost_mixes')
        .values({ room_id: roomId, stream_id: streamId, started_at: now })
        .onConflict((oc) =>
          oc.column('room_id').doUpdateSet((eb) => ({ stream_id: eb.ref('excluded.stream_id') })),
        )
        .execute();
    },
  };
}

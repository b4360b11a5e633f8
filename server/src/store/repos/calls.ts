/** Call rooms' members: the seats (two), their heartbeats, and the sweeper of silent calls. */
import { sql } from 'kysely';
import type { Engine } from '../engine';
import { toRoom, toUser } from '../rows';
import { CALL_SEATS, type CallMember, type JoinCallResult, type RoomRepository } from '../types';
import { endLiveStretch, lockRoom } from './shared';

type CallMethods = Pick<RoomRepository, 'members' | 'joinCall' | 'memberHeartbeat' | 'sweepCalls'>;

/** The room_members table, written once for both engines. */
export function callRepository(engine: Engine): CallMethods {
  const { db } = engine;
  return {
    members: async (roomId) => {
      const rows = await db
        .selectFrom('room_members as m')
        .innerJoin('users', 'users.id', 'm.user_id')
        .selectAll('users')
        .select(['m.stream_id as m_stream_id', 'm.joined_at as m_joined_at'])
        .where('m.room_id', '=', roomId)
        .orderBy('m.joined_at')
        .orderBy(sql.raw(`m.${engine.joinOrder}`))
        .execute();
      return rows.map((r): CallMember => ({
        user: toUser(r),
        streamId: r.m_stream_id,
        joinedAt: r.m_joined_at,
      }));
    },
    joinCall: async (roomId, userId, streamId, now) =>
      engine.transaction(async (q): Promise<JoinCallResult> => {
        const room = await lockRoom(engine, q, roomId);
        if (!room) return { ok: false, reason: 'room_not_found' };
        if (room.kind !== 'call') return { ok: false, reason: 'not_a_call' };
        if (room.status === 'ended') return { ok: false, reason: 'room_ended' };
        const mine = await q
          .selectFrom('room_members')
          .select('stream_id')
          .where('room_id', '=', roomId)
          .where('user_id', '=', userId)
          .executeTakeFirst();
        if (mine) return { ok: true, room, streamId: mine.stream_id, joined: false };
        // The room is locked (its row, or SQLite's whole file), so the seats counted cannot change before the INSERT.
        const { seated } = await q
          .selectFrom('room_members')
          .select((eb) => eb.fn.countAll<number>().as('seated'))
          .where('room_id', '=', roomId)
          .executeTakeFirstOrThrow();
        if (Number(seated) >= CALL_SEATS) return { ok: false, reason: 'call_full' };
        await q
          .insertInto('room_members')
          .values({ room_id: roomId, user_id: userId, stream_id: streamId, joined_at: now })
          .execute();
        if (Number(seated) + 1 < CALL_SEATS) return { ok: true, room, streamId, joined: true };
        // The last seat taken: the call goes live.
        const live = await q
          .updateTable('rooms')
          .set((eb) => ({
            status: 'live',
            started_at: eb.fn.coalesce('started_at', eb.val(now)),
            heartbeat_at: now,
            live_since: now,
          }))
          .where('id', '=', roomId)
          .where('status', '=', 'idle')
          .returningAll()
          .executeTakeFirst();
        return { ok: true, room: live ? toRoom(live) : room, streamId, joined: true };
      }),
    memberHeartbeat: async (roomId, userId, now) => {
      const { numUpdatedRows } = await db
        .updateTable('room_members')
        .set({ heartbeat_at: now })
        .where('room_id', '=', roomId)
        .where('user_id', '=', userId)
        .where((eb) =>
          eb.exists(
            eb.selectFrom('rooms').select('id').where('id', '=', roomId).where('status', '<>', 'ended'),
          ),
        )
        .executeTakeFirst();
      return numUpdatedRows === 1n;
    },
    sweepCalls: async (now, silentBefore) => {
      // As sweep(): a concurrent sweeper's UPDATE re-checks status <> 'ended' after the row lock.
      const rows = await db
        .updateTable('rooms')
        .set({ live_ms: endLiveStretch(now), live_since: null, status: 'ended', ended_at: now, viewers: 0 })
        .where('kind', '=', 'call')
        .where('status', '<>', 'ended')
        .where(
          (eb) =>
            eb
              .selectFrom('room_members')
              .select((m) => m.fn.max('heartbeat_at').as('last'))
              .whereRef('room_id', '=', 'rooms.id'),
          '<=',
          silentBefore,
        )
        .returning('id')
        .execute();
      return rows.map((r) => r.id);
    },
  };
}

/** Rooms: creation, the lists, status changes, the anchor's heartbeat and the sweeper. */
import { sql } from 'kysely';
import {
  decodeCursor,
  decodeLobbyCursor,
  encodeCursor,
  encodeLobbyCursor,
  InvalidCursorError,
} from '../common';
import type { Engine, Query } from '../engine';
import { toRoom } from '../rows';
import type { RoomPage, RoomRepository } from '../types';
import { callRepository } from './calls';
import { endLiveStretch, getRoom } from './shared';

/** The lobby's order (live rooms newest first, then upcoming ones by planned start): rank, key, id ascending. */
const LOBBY_RANK = sql<number>`CASE WHEN status = 'live' THEN 0 ELSE 1 END`;
const LOBBY_KEY = sql<number>`CASE WHEN status = 'live' THEN -created_at ELSE planned_start_at END`;

/** The lobby: live rooms newest first, then upcoming ones (idle with a planned start) by start time. */
async function lobbyList(db: Query, cursor: string | undefined, limit: number): Promise<RoomPage> {
  let query = db
    .selectFrom('rooms')
    .selectAll()
    .where('kind', '=', 'live')
    .where((eb) =>
      eb.or([
        eb('status', '=', 'live'),
        eb.and([eb('status', '=', 'idle'), eb('planned_start_at', 'is not', null)]),
      ]),
    );
  if (cursor) {
    const after = decodeLobbyCursor(cursor);
    if (!after) throw new InvalidCursorError('cursor is not one this service issued');
    query = query.where(
      sql<boolean>`(${LOBBY_RANK}, ${LOBBY_KEY}, id) > (CAST(${after.rank} AS integer), CAST(${after.key} AS bigint), CAST(${after.id} AS text))`,
    );
  }
  const rows = await query
    .orderBy(LOBBY_RANK)
    .orderBy(LOBBY_KEY)
    .orderBy('id')
    .limit(limit + 1)
    .execute();
  const rooms = rows.slice(0, limit).map(toRoom);
  return { rooms, nextCursor: rows.length > limit ? encodeLobbyCursor(rooms[rooms.length - 1]) : null };
}

/** The rooms table, written once for both engines. */
export function roomRepository(engine: Engine): RoomRepository {
  const { db } = engine;
  return {
    create: async (room, firstStreamId) =>
      engine.transaction(async (q) => {
        await q
          .insertInto('rooms')
          .values({
            id: room.id,
            title: room.title,
            kind: room.kind,
            status: room.status,
            owner_id: room.ownerId,
            stream_id: room.streamId,
            created_at: room.createdAt,
            started_at: room.startedAt,
            ended_at: room.endedAt,
            planned_start_at: room.plannedStartAt ?? null,
            cover_url: room.coverUrl ?? null,
          })
          .execute();
        if (room.kind === 'call' && room.ownerId !== null && firstStreamId !== undefined) {
          await q
            .insertInto('room_members')
            .values({
              room_id: room.id,
              user_id: room.ownerId,
              stream_id: firstStreamId,
              joined_at: room.createdAt,
            })
            .execute();
        }
      }),
    get: (id) => getRoom(db, id),
    getForSessions: (asks) => engine.tokenFacts(asks),
    list: async ({ status, cursor, limit, lobby }) => {
      if (lobby) return lobbyList(db, cursor, limit);
      // Call rooms are private to their two members: listings show live rooms only.
      let query = db.selectFrom('rooms').selectAll().where('kind', '=', 'live');
      if (status) query = query.where('status', '=', status);
      if (cursor) {
        const after = decodeCursor(cursor);
        if (!after) throw new InvalidCursorError('cursor is not one this service issued');
        query = query.where((eb) =>
          eb.or([
            eb('created_at', '<', after.createdAt),
            eb.and([eb('created_at', '=', after.createdAt), eb('id', '<', after.id)]),
          ]),
        );
      }
      const rows = await query
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(limit + 1)
        .execute();
      const rooms = rows.slice(0, limit).map(toRoom);
      return { rooms, nextCursor: rows.length > limit ? encodeCursor(rooms[rooms.length - 1]) : null };
    },
    updatePlan: async (id, plan) => {
      const changes = {
        ...(plan.title !== undefined ? { title: plan.title } : {}),
        ...(plan.plannedStartAt !== undefined ? { planned_start_at: plan.plannedStartAt } : {}),
        ...(plan.coverUrl !== undefined ? { cover_url: plan.coverUrl } : {}),
      };
      // One conditional UPDATE: a room that went live or ended meanwhile is not changed.
      const row =
        Object.keys(changes).length === 0
          ? await db
              .selectFrom('rooms')
              .selectAll()
              .where('id', '=', id)
              .where('status', '=', 'idle')
              .executeTakeFirst()
          : await db
              .updateTable('rooms')
              .set(changes)
              .where('id', '=', id)
              .where('status', '=', 'idle')
              .returningAll()
              .executeTakeFirst();
      return row ? toRoom(row) : null;
    },
    setStatus: async (id, status, now) => {
      // One conditional UPDATE: an ended room never moves. Going live counts as a heartbeat and starts a live
      // stretch (leaving live ends it); any explicit move clears the sweeper's pause.
      const row = await db
        .updateTable('rooms')
        .set((eb) => ({
          live_ms: endLiveStretch(now),
          status,
          live_since: status === 'live' ? now : null,
          auto_paused: engine.flag(false),
          ...(status === 'live'
            ? { started_at: eb.fn.coalesce('started_at', eb.val(now)), heartbeat_at: now }
            : {}),
          ...(status === 'ended' ? { ended_at: now, viewers: 0 } : {}),
        }))
        .where('id', '=', id)
        .where('status', '<>', 'ended')
        .where('status', '<>', status)
        .returningAll()
        .executeTakeFirst();
      return row ? toRoom(row) : getRoom(db, id);
    },
    findByStreamId: async (streamId) => {
      const row = await db
        .selectFrom('rooms')
        .selectAll()
        .where('stream_id', '=', streamId)
        .executeTakeFirst();
      return row ? toRoom(row) : null;
    },
    heartbeat: async (id, now) => {
      // A room the sweeper paused goes live again: a new live stretch begins.
      const resumes = sql<boolean>`status = 'paused' AND auto_paused = ${engine.flag(true)}`;
      const row = await db
        .updateTable('rooms')
        .set({
          heartbeat_at: now,
          live_since: sql<number>`CASE WHEN ${resumes} THEN ${now} ELSE live_since END`,
          status: sql<'live'>`CASE WHEN ${resumes} THEN 'live' ELSE status END`,
          auto_paused: engine.flag(false),
        })
        .where('id', '=', id)
        .where('status', '<>', 'ended')
        .returningAll()
        .executeTakeFirst();
      return row ? toRoom(row) : getRoom(db, id);
    },
    sweep: async (now, pauseBefore, endBefore) => {
      // Silence is measured from the last heartbeat, or from going live for a room that never sent one. Each is one
      // conditional UPDATE: a concurrent sweeper's re-checks the WHERE after the row lock, so no room changes twice.
      const silentSince = (before: number) =>
        sql<boolean>`COALESCE(heartbeat_at, started_at, created_at) <= ${before}`;
      const ended = await db
        .updateTable('rooms')
        .set({
          live_ms: endLiveStretch(now),
          live_since: null,
          status: 'ended',
          ended_at: now,
          viewers: 0,
          auto_paused: engine.flag(false),
        })
        .where('kind', '=', 'live')
        .where('status', 'in', ['live', 'paused'])
        .where(silentSince(endBefore))
        .returning('id')
        .execute();
      const paused = await db
        .updateTable('rooms')
        .set({
          live_ms: endLiveStretch(now),
          live_since: null,
          status: 'paused',
          auto_paused: engine.flag(true),
        })
        .where('kind', '=', 'live')
        .where('status', '=', 'live')
        .where(silentSince(pauseBefore))
        .returning('id')
        .execute();
      return { paused: paused.map((r) => r.id), ended: ended.map((r) => r.id) };
    },
    ...callRepository(engine),
  };
}

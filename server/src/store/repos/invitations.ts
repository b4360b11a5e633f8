/** Call invitations (one conditional write per move out of ringing) and call cards, written once for both engines. */
import type { Selectable } from 'kysely';
import { decodeCursor, encodeCursor, InvalidCursorError } from '../common';
import type { Engine, Query } from '../engine';
import type { CallInvitationsTable } from '../schema';
import type { Invitation, InvitationRepository } from '../types';

const toInvitation = (r: Selectable<CallInvitationsTable>): Invitation => ({
  id: r.id,
  callerId: r.caller_id,
  calleeId: r.callee_id,
  media: r.media,
  state: r.state,
  roomId: r.room_id,
  createdAt: Number(r.created_at),
  ringUntil: Number(r.ring_until),
  endedAt: r.ended_at === null ? null : Number(r.ended_at),
  calleeSeenAt: r.callee_seen_at === null ? null : Number(r.callee_seen_at),
});

/** How long an accepted call whose room never went live keeps its parties busy (the callee failed to join). */
const JOINING_MS = 60_000;
const MISSED = ['timeout', 'cancelled', 'busy'] as const;

/** Whether the user is a party to a ringing invitation or to an answered call that has not ended. */
async function isBusy(q: Query, userId: string, now: number): Promise<boolean> {
  const row = await q
    .selectFrom('call_invitations as i')
    .innerJoin('rooms as r', 'r.id', 'i.room_id')
    .select('i.id')
    .where((eb) => eb.or([eb('i.caller_id', '=', userId), eb('i.callee_id', '=', userId)]))
    .where((eb) =>
      eb.or([
        eb.and([eb('i.state', '=', 'ringing'), eb('i.ring_until', '>', now)]),
        eb.and([
          eb('i.state', '=', 'accepted'),
          eb('r.status', '<>', 'ended'),
          eb.or([eb('r.status', '=', 'live'), eb('i.ended_at', '>', now - JOINING_MS)]),
        ]),
      ]),
    )
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

/** The call_invitations and call_cards tables. */
export function invitationRepository(engine: Engine): InvitationRepository {
  const { db } = engine;
  return {
    create: async (asked) =>
      engine.transaction(async (q) => {
        // Both users' rows locked in one order (PostgreSQL; SQLite holds the file): concurrent calls to either queue.
        await q
          .selectFrom('users')
          .select('id')
          .where('id', 'in', [asked.callerId, asked.calleeId].sort())
          .orderBy('id')
          .$if(engine.rowLocks, (qb) => qb.forUpdate())
          .execute();
        const busy = await isBusy(q, asked.calleeId, asked.createdAt);
        const row = await q
          .insertInto('call_invitations')
          .values({
            id: asked.id,
            caller_id: asked.callerId,
            callee_id: asked.calleeId,
            media: asked.media,
            state: busy ? 'busy' : 'ringing',
            room_id: asked.roomId,
            created_at: asked.createdAt,
            ring_until: asked.ringUntil,
            ended_at: busy ? asked.createdAt : null,
          })
          .returningAll()
          .executeTakeFirstOrThrow();
        return toInvitation(row);
      }),
    get: async (id) => {
      const row = await db.selectFrom('call_invitations').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? toInvitation(row) : null;
    },
    move: async (id, to, now, guard = {}) => {
      const { by, beforeRingEnd } = guard;
      const row = await db
        .updateTable('call_invitations')
        .set({ state: to, ended_at: now })
        .where('id', '=', id)
        .where('state', '=', 'ringing')
        .$if(by !== undefined, (qb) => qb.where(by!.column, '=', by!.userId))
        .$if(beforeRingEnd !== undefined, (qb) => qb.where('ring_until', '>', beforeRingEnd!))
        .returningAll()
        .executeTakeFirst();
      return row ? toInvitation(row) : null;
    },
    sweepTimeouts: async (now) => {
      const rows = await db
        .updateTable('call_invitations')
        .set({ state: 'timeout', ended_at: now })
        .where('state', '=', 'ringing')
        .where('ring_until', '<=', now)
        .returningAll()
        .execute();
      return rows.map(toInvitation);
    },
    ringingFor: async (calleeId, now) => {
      const rows = await db
        .selectFrom('call_invitations')
        .selectAll()
        .where('callee_id', '=', calleeId)
        .where('state', '=', 'ringing')
        .where('ring_until', '>', now)
        .execute();
      return rows.map(toInvitation);
    },
    setNotice: async (id, errcode) => {
      await db
        .updateTable('call_invitations')
        .set({ notice_errcode: errcode })
        .where('id', '=', id)
        .execute();
    },
    records: async (userId, { cursor, limit }) => {
      const after = cursor === undefined ? null : decodeCursor(cursor);
      if (cursor !== undefined && after === null)
        throw new InvalidCursorError('cursor is not one this service issued');
      const rows = await db
        .selectFrom('call_invitations as i')
        .innerJoin('users as c', 'c.id', 'i.caller_id')
        .innerJoin('users as e', 'e.id', 'i.callee_id')
        .innerJoin('rooms as r', 'r.id', 'i.room_id')
        .selectAll('i')
        .select([
          'c.nickname as caller_nickname',
          'c.avatar_url as caller_avatar',
          'c.created_at as caller_created',
          'e.nickname as callee_nickname',
          'e.avatar_url as callee_avatar',
          'e.created_at as callee_created',
          'r.started_at as talk_started',
          'r.ended_at as talk_ended',
        ])
        .where((eb) => eb.or([eb('i.caller_id', '=', userId), eb('i.callee_id', '=', userId)]))
        .$if(after !== null, (qb) =>
          qb.where((eb) =>
            eb.or([
              eb('i.created_at', '<', after!.createdAt),
              eb.and([eb('i.created_at', '=', after!.createdAt), eb('i.id', '<', after!.id)]),
            ]),
          ),
        )
        .orderBy('i.created_at', 'desc')
        .orderBy('i.id', 'desc')
        .limit(limit + 1)
        .execute();
      const records = rows.slice(0, limit).map((r) => ({
        ...toInvitation(r),
        caller: {
          id: r.caller_id,
          nickname: r.caller_nickname,
          avatarUrl: r.caller_avatar,
          createdAt: Number(r.caller_created),
        },
        callee: {
          id: r.callee_id,
          nickname: r.callee_nickname,
          avatarUrl: r.callee_avatar,
          createdAt: Number(r.callee_created),
        },
        talkStartedAt: r.state === 'accepted' && r.talk_started !== null ? Number(r.talk_started) : null,
        talkEndedAt: r.state === 'accepted' && r.talk_ended !== null ? Number(r.talk_ended) : null,
      }));
      const last = records.at(-1);
      return { records, nextCursor: rows.length > limit && last ? encodeCursor(last) : null };
    },
    unseenMissed: async (userId) => {
      const { missed } = await db
        .selectFrom('call_invitations')
        .select((eb) => eb.fn.countAll<number>().as('missed'))
        .where('callee_id', '=', userId)
        .where('state', 'in', MISSED)
        .where('callee_seen_at', 'is', null)
        .executeTakeFirstOrThrow();
      return Number(missed);
    },
    markSeen: async (userId, now) => {
      await db
        .updateTable('call_invitations')
        .set({ callee_seen_at: now })
        .where('callee_id', '=', userId)
        .where('state', 'in', MISSED)
        .where('callee_seen_at', 'is', null)
        .execute();
    },
    haveRecord: async (a, b) => {
      const row = await db
        .selectFrom('call_invitations')
        .select('id')
        .where((eb) =>
          eb.or([
            eb.and([eb('caller_id', '=', a), eb('callee_id', '=', b)]),
            eb.and([eb('caller_id', '=', b), eb('callee_id', '=', a)]),
          ]),
        )
        .limit(1)
        .executeTakeFirst();
      return row !== undefined;
    },
    createCard: async (code, userId, now) => {
      await db.insertInto('call_cards').values({ code, user_id: userId, created_at: now }).execute();
    },
    cardOwner: async (code) =>
      (await db.selectFrom('call_cards').select('user_id').where('code', '=', code).executeTakeFirst())
        ?.user_id ?? null,
  };
}

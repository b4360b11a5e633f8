/** Gifts on points, written once for both engines: the catalogue, wallets with their ledger, the gifts sent. */
import type { Selectable } from 'kysely';
import type { Engine, Query } from '../engine';
import { isOn } from '../rows';
import type { GiftSendsTable, GiftsTable } from '../schema';
import type { Gift, GiftRepository, GiftSend } from '../types';

const toGift = (r: Selectable<GiftsTable>): Gift => ({
  id: Number(r.id),
  name: r.name,
  iconUrl: r.icon_url,
  price: Number(r.price),
  effect: r.effect,
  active: isOn(r.active),
  createdAt: Number(r.created_at),
});

const toSend = (r: Selectable<GiftSendsTable>): GiftSend => ({
  id: Number(r.id),
  roomId: r.room_id,
  senderId: r.sender_id,
  anchorId: r.anchor_id,
  giftId: Number(r.gift_id),
  count: Number(r.count),
  points: Number(r.points),
  at: Number(r.at),
});

/** A wallet for each user (empty, no allowance yet) where there is none. */
async function ensureWallets(q: Query, userIds: readonly string[]): Promise<void> {
  await q
    .insertInto('point_wallets')
    .values(userIds.map((id) => ({ user_id: id, balance: 0, granted_day: -1 })))
    .onConflict((oc) => oc.column('user_id').doNothing())
    .execute();
}

/**
 * The users' wallets, locked for the rest of the transaction where rows lock (PostgreSQL), always in user ID order
 * so two transactions that lock the same two wallets never wait on each other; SQLite holds the write lock already.
 */
async function lockWallets(
  engine: Engine,
  q: Query,
  userIds: readonly string[],
): Promise<Map<string, number>> {
  await ensureWallets(q, userIds);
  const rows = await q
    .selectFrom('point_wallets')
    .select(['user_id', 'balance', 'granted_day'])
    .where('user_id', 'in', [...userIds])
    .orderBy('user_id')
    .$if(engine.rowLocks, (qb) => qb.forUpdate())
    .execute();
  return new Map(rows.map((r) => [r.user_id, Number(r.granted_day)]));
}

/** Adds points to a wallet and writes the ledger line; the new balance. */
async function credit(
  q: Query,
  line: { userId: string; delta: number; reason: string; sendId: number | null; at: number },
): Promise<number> {
  const row = await q
    .updateTable('point_wallets')
    .set((eb) => ({ balance: eb('balance', '+', line.delta) }))
    .where('user_id', '=', line.userId)
    .returning('balance')
    .executeTakeFirstOrThrow();
  await q
    .insertInto('point_ledger')
    .values({
      user_id: line.userId,
      delta: line.delta,
      reason: line.reason,
      gift_send_id: line.sendId,
      at: line.at,
    })
    .execute();
  return Number(row.balance);
}

/** Grants the day's allowance when the wallet has not had it yet (its wallet locked); the balance after. */
async function grantDaily(
  q: Query,
  userId: string,
  grantedDay: number | undefined,
  grant: { day: number; allowance: number; now: number },
): Promise<number> {
  if (grantedDay === undefined || grantedDay < grant.day) {
    await q
      .updateTable('point_wallets')
      .set({ granted_day: grant.day })
      .where('user_id', '=', userId)
      .execute();
    if (grant.allowance > 0)
      return credit(q, { userId, delta: grant.allowance, reason: 'daily', sendId: null, at: grant.now });
  }
  const row = await q
    .selectFrom('point_wallets')
    .select('balance')
    .where('user_id', '=', userId)
    .executeTakeFirstOrThrow();
  return Number(row.balance);
}

/** The gifts, point_wallets, point_ledger and gift_sends tables. */
export function giftRepository(engine: Engine): GiftRepository {
  const { db } = engine;
  return {
    catalogue: async (all) => {
      const rows = await db
        .selectFrom('gifts')
        .selectAll()
        .$if(!all, (qb) => qb.where('active', '=', engine.flag(true)))
        .orderBy('price')
        .orderBy('id')
        .execute();
      return rows.map(toGift);
    },
    get: async (id) => {
      const row = await db.selectFrom('gifts').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? toGift(row) : null;
    },
    create: async (gift) => {
      const row = await db
        .insertInto('gifts')
        .values({
          name: gift.name,
          icon_url: gift.iconUrl,
          price: gift.price,
          effect: gift.effect,
          active: engine.flag(gift.active),
          created_at: gift.createdAt,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      return toGift(row);
    },
    update: async (id, change) => {
      const row = await db
        .updateTable('gifts')
        .set({
          ...(change.name !== undefined ? { name: change.name } : {}),
          ...(change.iconUrl !== undefined ? { icon_url: change.iconUrl } : {}),
          ...(change.price !== undefined ? { price: change.price } : {}),
          ...(change.effect !== undefined ? { effect: change.effect } : {}),
          ...(change.active !== undefined ? { active: engine.flag(change.active) } : {}),
        })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirst();
      return row ? toGift(row) : null;
    },
    balance: (userId, day, allowance, now) =>
      engine.transaction(async (q) => {
        const granted = await lockWallets(engine, q, [userId]);
        return grantDaily(q, userId, granted.get(userId), { day, allowance, now });
      }),
    earn: (userId, points, reason, now) =>
      engine.transaction(async (q) => {
        await lockWallets(engine, q, [userId]);
        return credit(q, { userId, delta: points, reason: `earned:${reason}`, sendId: null, at: now });
      }),
    send: (ask) =>
      engine.transaction(async (q) => {
        const granted = await lockWallets(engine, q, [ask.senderId, ask.anchorId]);
        const grant = { day: ask.day, allowance: ask.allowance, now: ask.now };
        const balance = await grantDaily(q, ask.senderId, granted.get(ask.senderId), grant);
        // The same key again (a retry): the send it made, once; the sender's wallet lock orders the retries.
        const before = await q
          .selectFrom('gift_sends')
          .selectAll()
          .where('sender_id', '=', ask.senderId)
          .where('idempotency_key', '=', ask.idempotencyKey)
          .executeTakeFirst();
        if (before) return { kind: 'replayed' as const, send: toSend(before), balance };
        const points = ask.gift.price * ask.count;
        if (balance < points) return { kind: 'insufficient' as const, balance };
        const row = await q
          .insertInto('gift_sends')
          .values({
            room_id: ask.roomId,
            sender_id: ask.senderId,
            anchor_id: ask.anchorId,
            gift_id: ask.gift.id,
            count: ask.count,
            points,
            idempotency_key: ask.idempotencyKey,
            at: ask.now,
          })
          .returningAll()
          .executeTakeFirstOrThrow();
        const send = toSend(row);
        const line = { sendId: send.id, at: ask.now };
        const left = await credit(q, { ...line, userId: ask.senderId, delta: -points, reason: 'gift_sent' });
        await credit(q, { ...line, userId: ask.anchorId, delta: points, reason: 'gift_received' });
        return { kind: 'sent' as const, send, balance: left };
      }),
    leaderboard: async (roomId, limit) => {
      const rows = await db
        .selectFrom('gift_sends as s')
        .innerJoin('users', 'users.id', 's.sender_id')
        .select((eb) => [
          's.sender_id',
          'users.nickname',
          eb.fn.sum<number | string>('s.points').as('points'),
        ])
        .where('s.room_id', '=', roomId)
        .groupBy(['s.sender_id', 'users.nickname'])
        .orderBy('points', 'desc')
        .orderBy('s.sender_id')
        .limit(limit)
        .execute();
      return rows.map((r) => ({ userId: r.sender_id, nickname: r.nickname, points: Number(r.points) }));
    },
    roomTotal: async (roomId) => {
      const row = await db
        .selectFrom('gift_sends')
        .select((eb) => eb.fn.coalesce(eb.fn.sum<number | string>('points'), eb.lit(0)).as('total'))
        .where('room_id', '=', roomId)
        .executeTakeFirstOrThrow();
      return Number(row.total);
    },
  };
}

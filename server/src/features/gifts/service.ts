/**
 * Gifts on points: a viewer's gift debits the viewer and credits the anchor in one transaction (store/repos/gifts.ts),
 * once per idempotency key however often the request is retried, then the service announces it to the room under
 * its own identity. Points are free (a daily allowance) or earned (earnPoints, the hook a deployment rewards with);
 * buying them is WeChat's virtual payment, wired through the PointsTopUp interface (wallet.ts) and not faked here.
 */
import type { FastifyBaseLogger } from 'fastify';
import { giftSignal } from '@zego-live/contract';
import type { GiftSentView } from '@zego-live/contract/schemas';
import { notFound } from '../../lib/errors';
import type { LiveContext } from '../../plugins/app/live';
import type { Gift, Room, User } from '../../store/types';
import { signalRoom } from '../chat/service';
import { pointsDay, requireMaySend, requireSent } from './rules';

/** How many givers the 贡献榜 lists. */
export const LEADERBOARD_SIZE = 20;

/** The gift, or 404. */
export async function loadGift(live: LiveContext, id: number): Promise<Gift> {
  const gift = await live.store.gifts.get(id);
  if (gift === null) throw notFound(`Gift ${id} does not exist`);
  return gift;
}

/** The user's points now (today's allowance granted first when due). */
export function pointsOf(live: LiveContext, userId: string): Promise<number> {
  const now = live.now();
  return live.store.gifts.balance(userId, pointsDay(now), live.config.giftDailyPoints, now);
}

/** The hook for earned points: a deployment calls it for what it rewards (watching, sharing ...); the new balance. */
export function earnPoints(
  live: LiveContext,
  userId: string,
  points: number,
  reason: string,
): Promise<number> {
  return live.store.gifts.earn(userId, points, reason, live.now());
}

/** Sends a gift: the rules, the one transaction, then the room told (a replay is not announced again). */
export async function sendGift(
  live: LiveContext,
  log: FastifyBaseLogger,
  room: Room,
  sender: User,
  ask: { giftId: number; count: number; idempotencyKey: string },
): Promise<GiftSentView> {
  const gift = await loadGift(live, ask.giftId);
  requireMaySend(room, sender.id, gift);
  const now = live.now();
  const result = requireSent(
    await live.store.gifts.send({
      roomId: room.id,
      senderId: sender.id,
      anchorId: room.ownerId as string,
      gift,
      count: ask.count,
      idempotencyKey: ask.idempotencyKey,
      now,
      day: pointsDay(now),
      allowance: live.config.giftDailyPoints,
    }),
  );
  const { send, balance } = result;
  const replayed = result.kind === 'replayed';
  const signalled = replayed ? false : await announceGift(live, log, room, sender, gift, send);
  const view = { id: send.id, giftId: send.giftId, count: send.count, points: send.points, at: send.at };
  return { send: view, balance, replayed, signalled };
}

/** Tells the room a gift was sent (a room event under the service's identity); true if ZEGO took it. */
function announceGift(
  live: LiveContext,
  log: FastifyBaseLogger,
  room: Room,
  sender: User,
  gift: Gift,
  send: { id: number; count: number },
): Promise<boolean> {
  // If ZEGO fails the gift stands (the points moved) and counts on the 贡献榜; the room misses its banner.
  const content = giftSignal({
    u: sender.id,
    n: sender.nickname,
    g: gift.id,
    name: gift.name,
    icon: gift.iconUrl,
    effect: gift.effect,
    c: send.count,
    i: send.id,
  });
  return signalRoom(live, log, room, content, 'gift', 2);
}

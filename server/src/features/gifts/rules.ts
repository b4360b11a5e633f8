/** Gift decisions without a database: the points day, who may send, the refusals. */
import { ApiError } from '../../lib/errors';
import type { Gift, GiftSendResult, Room } from '../../store/types';

/** Points days follow China's calendar (UTC+8): the free allowance renews at midnight there. */
const CHINA_OFFSET_MS = 8 * 3600 * 1000;
const DAY_MS = 24 * 3600 * 1000;

/** The China calendar day number of an instant (days since 1970-01-01 there). */
export function pointsDay(now: number): number {
  return Math.floor((now + CHINA_OFFSET_MS) / DAY_MS);
}

/** 409 ROOM_NOT_LIVE, 400 for the anchor's own room, 409 GIFT_UNAVAILABLE for a retired gift. */
export function requireMaySend(
  room: Pick<Room, 'id' | 'status' | 'ownerId'>,
  senderId: string,
  gift: Gift,
): void {
  if (room.status !== 'live' && room.status !== 'paused')
    throw new ApiError(409, 'ROOM_NOT_LIVE', `Room ${room.id} is not live: gifts need a live room`);
  if (room.ownerId === null) throw new ApiError(409, 'ROOM_NOT_LIVE', `Room ${room.id} has no anchor yet`);
  if (room.ownerId === senderId)
    throw new ApiError(400, 'BAD_REQUEST', "The anchor cannot send gifts to the anchor's own room");
  if (!gift.active) throw new ApiError(409, 'GIFT_UNAVAILABLE', `Gift ${gift.id} is no longer offered`);
}

/** The send, or 409 POINTS_INSUFFICIENT saying how many points the sender has. */
export function requireSent(result: GiftSendResult): Exclude<GiftSendResult, { kind: 'insufficient' }> {
  if (result.kind === 'insufficient')
    throw new ApiError(409, 'POINTS_INSUFFICIENT', `Not enough points (the sender has ${result.balance})`);
  return result;
}

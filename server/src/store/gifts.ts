/** Gifts on points: the catalogue, each user's points, and the gifts sent in live rooms. */

/** How a gift shows in the room: a slide-in banner (small gifts) or a full-screen effect (big ones). */
export type GiftEffect = 'banner' | 'fullscreen';

/** One gift of the catalogue. */
export interface Gift {
  id: number;
  name: string;
  iconUrl: string;
  /** Its price in points, for one. */
  price: number;
  effect: GiftEffect;
  /** Offered to the apps (a retired gift stays for the gifts sent with it). */
  active: boolean;
  createdAt: number;
}

/** A gift sent: who, to whom, how many, for how many points. */
export interface GiftSend {
  id: number;
  roomId: string;
  senderId: string;
  anchorId: string;
  giftId: number;
  count: number;
  points: number;
  at: number;
}

/** What a send asks for (the key makes a retried request the same send). */
export interface GiftSendAsk {
  roomId: string;
  senderId: string;
  anchorId: string;
  gift: Pick<Gift, 'id' | 'price'>;
  count: number;
  idempotencyKey: string;
  now: number;
  /** The day the free allowance is for (China's calendar day number) and how many points it gives. */
  day: number;
  allowance: number;
}

/** A send's outcome: done (or done before, under the same key), or refused for want of points. */
export type GiftSendResult =
  { kind: 'sent' | 'replayed'; send: GiftSend; balance: number } | { kind: 'insufficient'; balance: number };

/** One line of a room's 贡献榜. */
export interface GiverTotal {
  userId: string;
  nickname: string;
  points: number;
}

/** The catalogue, points and gifts sent. */
export interface GiftRepository {
  /** The catalogue (active only unless `all`), cheapest first. */
  catalogue(all: boolean): Promise<Gift[]>;
  get(id: number): Promise<Gift | null>;
  create(gift: Omit<Gift, 'id'>): Promise<Gift>;
  /** Changes the fields given; null when there is no such gift. */
  update(id: number, change: Partial<Omit<Gift, 'id' | 'createdAt'>>): Promise<Gift | null>;
  /** The user's points, today's free allowance granted first when it is due. */
  balance(userId: string, day: number, allowance: number, now: number): Promise<number>;
  /** Adds earned points (a hook for what a deployment rewards: watching, sharing ...); the new balance. */
  earn(userId: string, points: number, reason: string, now: number): Promise<number>;
  /**
   * Sends a gift in one transaction: the sender's wallet locked, today's allowance granted, the same key answered
   * with the send it made before, the sender debited (never below zero) and the anchor credited, both in the ledger.
   */
  send(ask: GiftSendAsk): Promise<GiftSendResult>;
  /** The room's top givers, most points first. */
  leaderboard(roomId: string, limit: number): Promise<GiverTotal[]>;
  /** The points the room's anchor received in it. */
  roomTotal(roomId: string): Promise<number>;
}

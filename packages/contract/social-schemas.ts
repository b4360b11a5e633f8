/**
 * The API's schemas for the room's social side (issue 28): the announcement, the admins, the history a late joiner
 * reads, gifts on points and the 贡献榜. Re-exported by schemas.ts (`@zego-live/contract/schemas`).
 */
import { Type, type Static } from '@sinclair/typebox';
import { BODY } from './schema-parts';

// ---- issue 28: the room's announcement (公告), its admins (房管), the history a late joiner reads ----

/** The room's pinned announcement and when it was set (the newest wins), or null when none is up. */
export const AnnouncementView = Type.Union([
  Type.Object({ text: Type.String(), at: Type.Number() }),
  Type.Null(),
]);
export type AnnouncementView = Static<typeof AnnouncementView>;

/** A chat line as anyone in the room may read it again: public fields only (no session, no openid). */
export const HistoryLine = Type.Object({
  /** The line's number: the live line carries the same (room signal `i`), so a phone shows it once. */
  id: Type.Integer(),
  userId: Type.String(),
  nickname: Type.String(),
  text: Type.String(),
  sentAt: Type.Number(),
});
export type HistoryLine = Static<typeof HistoryLine>;

/** GET /api/rooms/:id/chat/history: what a viewer who just came in needs to catch up. */
export const RoomCatchUpView = Type.Object({
  /** The room's last lines, oldest first (at most 20). */
  lines: Type.Array(HistoryLine),
  announcement: AnnouncementView,
  /** The user IDs of the room's admins (房管), for their badge. */
  admins: Type.Array(Type.String()),
});
export type RoomCatchUpView = Static<typeof RoomCatchUpView>;

/** One admin of a room. */
export const RoomAdminView = Type.Object({
  userId: Type.String(),
  nickname: Type.String(),
  appointedAt: Type.Number(),
});
/** GET /api/rooms/:id/admins and what appointing or dismissing answers. */
export const RoomAdminsView = Type.Object({ admins: Type.Array(RoomAdminView), signalled: Type.Boolean() });
export type RoomAdminsView = Static<typeof RoomAdminsView>;

// ---- issue 28: gifts on points, the room's 贡献榜 ----

const GiftEffect = Type.Union([Type.Literal('banner'), Type.Literal('fullscreen')]);

/** One gift of the catalogue. */
export const GiftView = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  iconUrl: Type.String(),
  /** Points for one. */
  price: Type.Integer(),
  /** banner: a slide-in line; fullscreen: the big effect. */
  effect: GiftEffect,
  active: Type.Boolean(),
});
export type GiftView = Static<typeof GiftView>;
export const GiftCatalogueView = Type.Object({ gifts: Type.Array(GiftView) });
export type GiftCatalogueView = Static<typeof GiftCatalogueView>;

/** POST /api/gifts and PATCH /api/gifts/:giftId (console): a gift's fields. */
export const GiftBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 12 }),
    iconUrl: Type.String({ minLength: 1, maxLength: 500 }),
    price: Type.Integer({ minimum: 1, maximum: 1_000_000 }),
    effect: GiftEffect,
    active: Type.Optional(Type.Boolean()),
  },
  BODY,
);
export type GiftBody = Static<typeof GiftBody>;

/** GET /api/me/points: the caller's points (today's free allowance granted when due). */
export const PointsView = Type.Object({ balance: Type.Integer(), dailyAllowance: Type.Integer() });
export type PointsView = Static<typeof PointsView>;

/** POST /api/rooms/:id/gifts: which gift, how many, and the key that makes a retry the same send. */
export const SendGiftBody = Type.Object(
  {
    giftId: Type.Integer({ minimum: 1 }),
    count: Type.Integer({ minimum: 1, maximum: 99 }),
    idempotencyKey: Type.String({ minLength: 8, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' }),
  },
  BODY,
);
export type SendGiftBody = Static<typeof SendGiftBody>;

/** A gift sent, as its sender is told (replayed: this key had sent it before; nothing was taken twice). */
export const GiftSentView = Type.Object({
  send: Type.Object({
    id: Type.Integer(),
    giftId: Type.Integer(),
    count: Type.Integer(),
    points: Type.Integer(),
    at: Type.Number(),
  }),
  balance: Type.Integer(),
  replayed: Type.Boolean(),
  signalled: Type.Boolean(),
});
export type GiftSentView = Static<typeof GiftSentView>;

/** GET /api/rooms/:id/gifts/leaderboard: the room's 贡献榜 (top givers of this live) and the anchor's total. */
export const LeaderboardView = Type.Object({
  givers: Type.Array(Type.Object({ userId: Type.String(), nickname: Type.String(), points: Type.Integer() })),
  total: Type.Integer(),
});
export type LeaderboardView = Static<typeof LeaderboardView>;

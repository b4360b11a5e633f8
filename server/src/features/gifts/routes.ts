import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { requireOperator, requireUser } from '../../http/auth';
import { Errors, perSession } from '../../http/route-parts';
import {
  GiftBody,
  GiftCatalogueView,
  GiftSentView,
  GiftView,
  LeaderboardView,
  PointsView,
  RoomParams,
  SendGiftBody,
} from '@zego-live/contract/schemas';
import { loadLiveRoom, requireNotRemoved } from '../rooms/service';
import { LEADERBOARD_SIZE, loadGift, pointsOf, sendGift } from './service';

const GiftParams = Type.Object({ giftId: Type.Integer({ minimum: 1 }) });

/** Gifts (under /api): the catalogue, the caller's points, sending, the 贡献榜, and the console's catalogue. */
const giftRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { live } = app;
  const write = { rateLimit: live.rateLimits.write };
  // A combo taps fast: per session (many viewers may share one address), the chat's pace times four.
  // Per session (however the header spells Bearer), like chat: a combo is a burst, so four times chat's rate.
  const giftLimit = perSession('gift', {
    max: live.rateLimits.chat.max * 4,
    timeWindow: live.rateLimits.chat.timeWindow,
  });

  /** GET /api/gifts: the catalogue the apps offer (active gifts, cheapest first). */
  app.get('/gifts', { schema: { response: { 200: GiftCatalogueView, ...Errors } } }, async () => ({
    gifts: await live.store.gifts.catalogue(false),
  }));

  /** GET /api/me/points: the caller's points, today's free allowance granted when due. */
  app.get('/me/points', { schema: { response: { 200: PointsView, ...Errors } } }, async (request) => {
    const { user } = await requireUser(app, request);
    return { balance: await pointsOf(live, user.id), dailyAllowance: live.config.giftDailyPoints };
  });

  /**
   * POST /api/rooms/:id/gifts {giftId, count, idempotencyKey}: a viewer sends a gift in a live room: the sender
   * debited and the anchor credited in one transaction (never below zero: 409 POINTS_INSUFFICIENT), the same key
   * answering the same send however often it is retried; then the room is told through ZEGO.
   */
  app.post(
    '/rooms/:id/gifts',
    {
      config: giftLimit,
      schema: { params: RoomParams, body: SendGiftBody, response: { 200: GiftSentView, ...Errors } },
    },
    async (request) => {
      const { user } = await requireUser(app, request);
      const room = await loadLiveRoom(live, request.params.id);
      await requireNotRemoved(live, room.id, user.id);
      return sendGift(live, request.log, room, user, request.body);
    },
  );

  /** GET /api/rooms/:id/gifts/leaderboard: the room's top givers and the anchor's total (anyone may read it). */
  app.get(
    '/rooms/:id/gifts/leaderboard',
    { schema: { params: RoomParams, response: { 200: LeaderboardView, ...Errors } } },
    async (request) => {
      const room = await loadLiveRoom(live, request.params.id);
      const [givers, total] = await Promise.all([
        live.store.gifts.leaderboard(room.id, LEADERBOARD_SIZE),
        live.store.gifts.roomTotal(room.id),
      ]);
      return { givers, total };
    },
  );

  /** GET /api/console/gifts: the whole catalogue, retired gifts too (console). */
  app.get(
    '/console/gifts',
    { schema: { response: { 200: GiftCatalogueView, ...Errors } } },
    async (request) => {
      await requireOperator(app, request);
      return { gifts: await live.store.gifts.catalogue(true) };
    },
  );

  /** POST /api/gifts: the operator adds a gift to the catalogue (console). */
  app.post(
    '/gifts',
    {
      config: write,
      schema: { body: GiftBody, response: { 200: Type.Object({ gift: GiftView }), ...Errors } },
    },
    async (request) => {
      await requireOperator(app, request, 'operator');
      const { active = true, ...fields } = request.body;
      return { gift: await live.store.gifts.create({ ...fields, active, createdAt: live.now() }) };
    },
  );

  /** PATCH /api/gifts/:giftId: the operator changes a gift or retires it (active false) (console). */
  app.patch(
    '/gifts/:giftId',
    {
      config: write,
      schema: {
        params: GiftParams,
        body: Type.Partial(GiftBody),
        response: { 200: Type.Object({ gift: GiftView }), ...Errors },
      },
    },
    async (request) => {
      await requireOperator(app, request, 'operator');
      await loadGift(live, request.params.giftId);
      const gift = await live.store.gifts.update(request.params.giftId, request.body);
      return { gift: gift ?? (await loadGift(live, request.params.giftId)) };
    },
  );
};

export default giftRoutes;

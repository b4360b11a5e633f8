import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { identify, requireSessionHash, requireUser } from '../../http/auth';
import { Errors, perSession } from '../../http/route-parts';
import { BODY, ChatMessageView, ChatView, RoomCatchUpView, RoomParams } from '@zego-live/contract/schemas';
import { loadLiveRoom } from '../rooms/service';
import { LikeCounter } from './likes';
import { ChatOrder } from './order';
import { catchUp, chatView, sendChat } from './service';

/** Chat through the service (under /api): sending a line, likes, and where the caller stands. */
const chatRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { live } = app;
  const likes = new LikeCounter(live);
  // The order of each room's accepted chat lines.
  const order = new ChatOrder();
  // Per session, not per address: many viewers may share one NAT address.
  const chatLimit = perSession('chat', live.rateLimits.chat);

  /**
   * POST /api/rooms/:id/messages {text}: a signed-in viewer (or the anchor) sends a chat line to a live room. At
   * most CHAT_MAX_LENGTH characters; 5 per 5 s per session; checked by WeChat (msgSecCheck v2, scene 2) when
   * WeChat is configured; delivered by ZEGO's server API under the service's sender identity.
   */
  app.post(
    '/rooms/:id/messages',
    {
      config: chatLimit,
      schema: {
        params: RoomParams,
        // The limit is checked after trimming (chat/rules.ts), with its own code; this only bounds the body.
        body: Type.Object({ text: Type.String({ maxLength: 2000 }) }, BODY),
        response: { 200: Type.Object({ message: ChatMessageView }), ...Errors },
      },
    },
    async (request) => {
      const { user } = await requireUser(app, request);
      const room = await loadLiveRoom(live, request.params.id);
      return { message: await sendChat(live, request.log, room, user, request.body.text, order) };
    },
  );

  /** POST /api/rooms/:id/likes {count}: a viewer's batch of likes (the app sends at most one batch a second;
   * RateLimits.likes per session bounds the rest). */
  app.post(
    '/rooms/:id/likes',
    {
      config: perSession('likes', live.rateLimits.likes),
      schema: {
        params: RoomParams,
        body: Type.Object({ count: Type.Integer({ minimum: 1, maximum: 100 }) }, BODY),
        response: { 200: Type.Object({ likes: Type.Integer() }), ...Errors },
      },
    },
    async (request) => {
      const tokenHash = requireSessionHash(app, request);
      return { likes: await likes.count(tokenHash, request.params.id, request.body.count) };
    },
  );

  /** GET /api/rooms/:id/chat: comments on or off, and the caller's own mute or removal. */
  app.get(
    '/rooms/:id/chat',
    { schema: { params: RoomParams, response: { 200: ChatView, ...Errors } } },
    async (request) => {
      const caller = await identify(app, request);
      return chatView(live, await loadLiveRoom(live, request.params.id), caller);
    },
  );

  /**
   * GET /api/rooms/:id/chat/history: what a viewer who just came in reads before the live lines: the room's last
   * lines (oldest first, public fields only, none of a removed viewer), the announcement and who the admins are.
   */
  app.get(
    '/rooms/:id/chat/history',
    { schema: { params: RoomParams, response: { 200: RoomCatchUpView, ...Errors } } },
    async (request) => catchUp(live, await loadLiveRoom(live, request.params.id)),
  );
};

export default chatRoutes;

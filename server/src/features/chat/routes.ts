import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { identify, requireUser } from '../../http/auth';
import { Errors, perSession } from '../../http/route-parts';
import { BODY, ChatMessageView, ChatView, RoomParams } from '@zego-live/contract/schemas';
import { loadLiveRoom, requireNotRemoved } from '../rooms/service';
import { requireLiveRoom } from './rules';
import { chatView, sendChat } from './service';

/** Chat through the service (under /api): sending a line, likes, and where the caller stands. */
const chatRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { live } = app;
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
      return { message: await sendChat(live, request.log, room, user, request.body.text) };
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
      const { user } = await requireUser(app, request);
      const room = await loadLiveRoom(live, request.params.id);
      requireLiveRoom(room);
      await requireNotRemoved(live, room.id, user.id);
      await live.store.stats.countLikes(room.id, request.body.count);
      return { likes: (await live.store.rooms.get(room.id))?.stats.likes ?? 0 };
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
};

export default chatRoutes;

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import { identify, requireOperator } from '../../http/auth';
import { Errors, RoomUserParams } from '../../http/route-parts';
import { notFound } from '../../lib/errors';
import { BODY, ChatView, ModerationList, RecentChatView, RoomParams } from '@zego-live/contract/schemas';
import {
  announceChatState,
  CHAT_LINES_KEPT,
  chatView,
  kickViewer,
  MUTE_MAX_SECONDS,
  MUTE_MIN_SECONDS,
  tellViewer,
} from '../chat/service';
import { afterCohostEnded } from '../cohosts/service';
import { managedRoom } from '../rooms/service';
import { signalAdmins } from '../admins/service';
import { moderationViews, recordAction, requireTarget } from './service';

/** Chat moderation (under /api): comments off, mutes, removals, the log, the recent lines to pick a viewer from. */
const moderationRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { live } = app;
  const write = { rateLimit: live.rateLimits.write };

  /** The live room if the caller is its anchor, one of its admins or the operator: 401, 404, 400 WRONG_KIND, 403. */
  const moderated = async (request: FastifyRequest, roomId: string) =>
    managedRoom(live, await identify(app, request), roomId, {
      notManager: "Only the anchor of this room, its admins or an operator may moderate this room's chat",
      admins: true,
      need: 'moderator',
    });

  /** POST /api/rooms/:id/chat/comments {off}: the anchor, an admin or the operator turns the viewers' comments off or on. */
  app.post(
    '/rooms/:id/chat/comments',
    {
      config: write,
      schema: {
        params: RoomParams,
        body: Type.Object({ off: Type.Boolean() }, BODY),
        response: {
          200: Type.Object({ chat: ChatView, signalled: Type.Boolean() }),
          ...Errors,
        },
      },
    },
    async (request) => {
      const { manager, room } = await moderated(request, request.params.id);
      const { off } = request.body;
      await live.store.chat.setCommentsOff(room.id, off);
      await recordAction(live, request.log, room, manager, {
        action: off ? 'comments_off' : 'comments_on',
        targetId: null,
      });
      const signalled = await announceChatState(live, request.log, room, off);
      return { chat: await chatView(live, room, { kind: 'anonymous' }), signalled };
    },
  );

  /** POST /api/rooms/:id/chat/mutes {userId, seconds}: the anchor, an admin or the operator mutes a viewer for a while. */
  app.post(
    '/rooms/:id/chat/mutes',
    {
      config: write,
      schema: {
        params: RoomParams,
        body: Type.Object(
          {
            userId: Type.String({ minLength: 1, maxLength: 64 }),
            seconds: Type.Integer({ minimum: MUTE_MIN_SECONDS, maximum: MUTE_MAX_SECONDS }),
          },
          BODY,
        ),
        response: {
          200: Type.Object({ userId: Type.String(), until: Type.Number(), signalled: Type.Boolean() }),
          ...Errors,
        },
      },
    },
    async (request) => {
      const { manager, room } = await moderated(request, request.params.id);
      const { userId, seconds } = request.body;
      await requireTarget(live, room, userId, manager);
      const until = live.now() + seconds * 1000;
      await live.store.chat.mute(room.id, userId, until);
      await recordAction(live, request.log, room, manager, { action: 'mute', targetId: userId, until });
      const signalled = await tellViewer(live, request.log, room, userId, { e: 'muted', until });
      return { userId, until, signalled };
    },
  );

  /** DELETE /api/rooms/:id/chat/mutes/:userId: the anchor, an admin or the operator ends a mute early. */
  app.delete(
    '/rooms/:id/chat/mutes/:userId',
    {
      config: write,
      schema: {
        params: RoomUserParams,
        response: { 200: Type.Object({ userId: Type.String(), signalled: Type.Boolean() }), ...Errors },
      },
    },
    async (request) => {
      const { manager, room } = await moderated(request, request.params.id);
      const { userId } = request.params;
      if (!(await live.store.chat.unmute(room.id, userId, live.now())))
        throw notFound(`${userId} is not muted in this room`);
      await recordAction(live, request.log, room, manager, { action: 'unmute', targetId: userId });
      const signalled = await tellViewer(live, request.log, room, userId, { e: 'unmuted', until: null });
      return { userId, signalled };
    },
  );

  /**
   * POST /api/rooms/:id/removals {userId}: the anchor, an admin or the operator removes a viewer: ZEGO kicks them out of the room,
   * the service refuses them chat and tokens for this room from now on, and a co-host leaves the stage.
   */
  app.post(
    '/rooms/:id/removals',
    {
      config: write,
      schema: {
        params: RoomParams,
        body: Type.Object({ userId: Type.String({ minLength: 1, maxLength: 64 }) }, BODY),
        response: {
          200: Type.Object({ userId: Type.String(), kicked: Type.Boolean() }),
          ...Errors,
        },
      },
    },
    async (request) => {
      const { manager, room } = await moderated(request, request.params.id);
      const { userId } = request.body;
      await requireTarget(live, room, userId, manager);
      await live.store.chat.remove(room.id, userId, live.now());
      await recordAction(live, request.log, room, manager, { action: 'remove', targetId: userId });
      // A removed admin is an admin no more (and the room's badges follow).
      if (await live.store.social.dismiss(room.id, userId)) await signalAdmins(live, request.log, room);
      if (await live.store.cohosts.end(room.id, userId))
        await afterCohostEnded(live, request.log, room, userId, 'removed');
      const kicked = await kickViewer(live, request.log, room, userId);
      return { userId, kicked };
    },
  );

  /** GET /api/rooms/:id/moderation: the room's moderation actions, newest first (anchor, admin or operator). */
  app.get(
    '/rooms/:id/moderation',
    { schema: { params: RoomParams, response: { 200: ModerationList, ...Errors } } },
    async (request) => {
      const { room } = await moderated(request, request.params.id);
      return { actions: await moderationViews(live, await live.store.chat.log(room.id, 200)) };
    },
  );

  /**
   * GET /api/rooms/:id/chat/recent?limit: what the anchor or the operator needs to pick a viewer to moderate: comments
   * on or off, the room's newest delivered lines with their senders (newest first; the service keeps the last
   * CHAT_LINES_KEPT per room) and the mutes still running.
   */
  app.get(
    '/rooms/:id/chat/recent',
    {
      schema: {
        params: RoomParams,
        querystring: Type.Object({
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: CHAT_LINES_KEPT, default: 50 })),
        }),
        response: { 200: RecentChatView, ...Errors },
      },
    },
    async (request) => {
      const { room } = await moderated(request, request.params.id);
      return {
        commentsOff: await live.store.chat.commentsOff(room.id),
        messages: await live.store.chat.recentLines(room.id, request.query.limit ?? 50),
        mutes: await live.store.chat.runningMutes(room.id, live.now()),
      };
    },
  );

  /** GET /api/moderation: the newest moderation actions of every room (operator). */
  app.get(
    '/moderation',
    {
      schema: {
        querystring: Type.Object({
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
        }),
        response: { 200: ModerationList, ...Errors },
      },
    },
    async (request) => {
      await requireOperator(app, request, 'moderator');
      return {
        actions: await moderationViews(live, await live.store.chat.log(null, request.query.limit ?? 50)),
      };
    },
  );
};

export default moderationRoutes;

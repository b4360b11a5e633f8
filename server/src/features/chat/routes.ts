import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import { identify, requireOperator, requireUser, type Caller } from '../../http/auth';
import {
  announceChatState,
  CHAT_LINES_KEPT,
  CHAT_MAX_LENGTH,
  deliverChat,
  kickViewer,
  MUTE_MAX_SECONDS,
  MUTE_MIN_SECONDS,
  tellViewer,
  zegoFailure,
} from './service';
import { afterCohostEnded } from '../cohosts/service';
import { ApiError, forbidden, notFound, unauthorized } from '../../lib/errors';
import { hashToken } from '../../lib/ids';
import { loadLiveRoom } from '../rooms/service';
import {
  BODY,
  ChatMessageView,
  ChatView,
  ModerationList,
  ModerationView,
  RecentChatView,
  RoomParams,
} from '../../lib/schemas';
import { ErrorView } from '../../lib/views';
import type { ModerationAction, ModerationRecord, Room } from '../../store/types';
import { WeChatError } from '../../wechat/access-token';

const UserParams = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 128 }),
  userId: Type.String({ minLength: 1, maxLength: 64 }),
});
const Errors = { '4xx': ErrorView, '5xx': ErrorView };

/** Who manages a room's chat: its anchor or the operator. */
type Manager = { kind: 'anchor'; userId: string } | { kind: 'operator' };

/** Chat through the service, and its moderation by the anchor and the operator. */
const chatRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { live } = app;
  const write = { rateLimit: live.rateLimits.write };
  // Per session (the bearer's hash), not per address: many viewers may share one NAT address.
  const chatLimit = {
    rateLimit: {
      ...live.rateLimits.chat,
      keyGenerator: (request: FastifyRequest): string => {
        const header = request.headers.authorization;
        return header ? `chat:${hashToken(header)}` : `chat-ip:${request.ip}`;
      },
    },
  };

  /** The caller and the live room if the caller is its anchor or the operator: 401, 404, 400 WRONG_KIND, 403. */
  async function managedRoom(
    request: FastifyRequest,
    roomId: string,
  ): Promise<{ manager: Manager; room: Room }> {
    const caller = await identify(app, request);
    if (caller.kind === 'anonymous')
      throw unauthorized('Sign in (or use the console token): send Authorization: Bearer <sessionToken>');
    const room = await loadLiveRoom(live, roomId);
    if (caller.kind === 'operator') return { manager: { kind: 'operator' }, room };
    if (caller.user.id !== room.ownerId)
      throw forbidden("Only the anchor of this room or the operator may moderate this room's chat");
    return { manager: { kind: 'anchor', userId: caller.user.id }, room };
  }

  /** A viewer of the room a manager acts on: 404 for an unknown user, 400 for the anchor itself. */
  async function targetOf(room: Room, userId: string): Promise<void> {
    if (userId === room.ownerId)
      throw new ApiError(400, 'CANNOT_MODERATE_ANCHOR', "The room's anchor cannot be muted or removed");
    if ((await live.store.users.get(userId)) === null) throw notFound(`User ${userId} does not exist`);
  }

  /** Records a moderation action (and logs it). */
  async function record(
    request: FastifyRequest,
    room: Room,
    manager: Manager,
    action: ModerationAction,
    targetId: string | null,
    until: number | null = null,
    detail: string | null = null,
  ): Promise<ModerationRecord> {
    const entry = await live.store.chat.record({
      roomId: room.id,
      action,
      actorKind: manager.kind,
      actorId: manager.kind === 'anchor' ? manager.userId : null,
      targetId,
      until,
      detail,
      at: live.now(),
    });
    request.log.info({ room: room.id, action, by: manager.kind, target: targetId, until }, 'moderation');
    return entry;
  }

  async function chatView(room: Room, caller: Caller): Promise<ChatView> {
    if (caller.kind !== 'user') {
      return {
        commentsOff: await live.store.chat.commentsOff(room.id),
        mutedUntil: null,
        removed: false,
        maxLength: CHAT_MAX_LENGTH,
      };
    }
    const standing = await live.store.chat.standing(room.id, caller.user.id, live.now());
    return { ...standing, maxLength: CHAT_MAX_LENGTH };
  }

  async function views(records: ModerationRecord[]): Promise<ModerationView[]> {
    const names = new Map<string, string | null>();
    for (const r of records) {
      if (r.targetId !== null && !names.has(r.targetId))
        names.set(r.targetId, (await live.store.users.get(r.targetId))?.nickname ?? null);
    }
    return records.map((r) => ({
      ...r,
      targetNickname: r.targetId === null ? null : (names.get(r.targetId) ?? null),
    }));
  }

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
        // The limit is checked after trimming (below), with its own code; this only bounds the body.
        body: Type.Object({ text: Type.String({ maxLength: 2000 }) }, BODY),
        response: {
          200: Type.Object({ message: ChatMessageView }),
          ...Errors,
        },
      },
    },
    async (request) => {
      const { user } = await requireUser(app, request);
      const room = await loadLiveRoom(live, request.params.id);
      if (room.status !== 'live' && room.status !== 'paused') {
        throw new ApiError(409, 'ROOM_NOT_LIVE', `Room ${room.id} is not live: chat needs a live room`);
      }
      const text = request.body.text.trim();
      if (text === '') throw new ApiError(400, 'MESSAGE_EMPTY', 'body/text must not be blank');
      if (text.length > CHAT_MAX_LENGTH) {
        throw new ApiError(
          400,
          'MESSAGE_TOO_LONG',
          `A chat message has at most ${CHAT_MAX_LENGTH} characters (this one has ${text.length})`,
        );
      }
      const anchor = user.id === room.ownerId;
      const standing = await live.store.chat.standing(room.id, user.id, live.now());
      if (standing.removed) throw new ApiError(403, 'REMOVED_FROM_ROOM', 'You were removed from this room');
      if (standing.mutedUntil !== null) {
        throw new ApiError(
          403,
          'CHAT_MUTED',
          `You are muted in this room until ${new Date(standing.mutedUntil).toISOString()}`,
        );
      }
      // The anchor may still speak (e.g. to say why) while the viewers' comments are off.
      if (standing.commentsOff && !anchor)
        throw new ApiError(403, 'COMMENTS_OFF', 'Comments are off in this room');
      if (live.zegoServerApi === null) {
        throw new ApiError(
          503,
          'CHAT_UNAVAILABLE',
          "Chat is unavailable: the service has no ZEGO server API (set ZEGO_SERVER_API=on and ZEGO's credentials)",
        );
      }
      if (live.msgSecCheck !== null) {
        const openid = await live.store.users.wechatOpenid(user.id);
        // WeChat checks text only with a WeChat user's openid: without one the text cannot be checked, so it is not shown.
        if (openid === null) {
          throw new ApiError(
            403,
            'CHAT_NEEDS_WECHAT',
            "Chat needs a WeChat sign-in here: the content check (msgSecCheck) needs the sender's openid",
          );
        }
        let verdict;
        try {
          verdict = await live.msgSecCheck.check({
            content: text,
            openid,
            scene: 2,
            nickname: user.nickname,
          });
        } catch (error) {
          const reason = error instanceof WeChatError ? error.message : 'unexpected failure';
          request.log.warn({ room: room.id, reason }, 'msgSecCheck failed: the message is not delivered');
          throw new ApiError(
            503,
            'CONTENT_CHECK_UNAVAILABLE',
            "WeChat's content check is unavailable; try again shortly",
          );
        }
        if (verdict.suggest === 'risky') {
          request.log.info(
            { room: room.id, user: user.id, label: verdict.label, traceId: verdict.traceId },
            'chat refused by msgSecCheck',
          );
          throw new ApiError(
            400,
            'MESSAGE_REJECTED',
            `WeChat's content check refused this message (label ${verdict.label})`,
          );
        }
        if (verdict.suggest === 'review') {
          // WeChat advises a person to look: the line is held (not shown to the room) and listed for the operator.
          await live.store.chat.record({
            roomId: room.id,
            action: 'held',
            actorKind: 'content_check',
            actorId: null,
            targetId: user.id,
            until: null,
            detail: JSON.stringify({ text, label: verdict.label, traceId: verdict.traceId }),
            at: live.now(),
          });
          request.log.info({ room: room.id, user: user.id, label: verdict.label }, 'chat held for review');
          throw new ApiError(
            403,
            'MESSAGE_HELD',
            "WeChat's content check asks for a manual review: the message is held, not shown to the room",
          );
        }
      }
      let messageId: number | null;
      try {
        ({ messageId } = await deliverChat(live, room, user, text));
      } catch (error) {
        request.log.warn({ room: room.id, ...zegoFailure(error) }, 'ZEGO SendBroadcastMessage (chat) failed');
        throw new ApiError(503, 'CHAT_UNAVAILABLE', 'ZEGO did not take the message; try again');
      }
      await live.store.chat.countMessage(room.id);
      const sentAt = live.now();
      await live.store.chat.keepLine(
        { roomId: room.id, userId: user.id, nickname: user.nickname, text, sentAt },
        CHAT_LINES_KEPT,
      );
      return { message: { id: messageId, text, sentAt } };
    },
  );

  /** POST /api/rooms/:id/likes {count}: a viewer's batch of likes (the app sends at most one batch a second). */
  app.post(
    '/rooms/:id/likes',
    {
      config: write,
      schema: {
        params: RoomParams,
        body: Type.Object({ count: Type.Integer({ minimum: 1, maximum: 100 }) }, BODY),
        response: { 200: Type.Object({ likes: Type.Integer() }), ...Errors },
      },
    },
    async (request) => {
      const { user } = await requireUser(app, request);
      const room = await loadLiveRoom(live, request.params.id);
      if (room.status !== 'live' && room.status !== 'paused') {
        throw new ApiError(409, 'ROOM_NOT_LIVE', `Room ${room.id} is not live`);
      }
      if ((await live.store.chat.standing(room.id, user.id, live.now())).removed)
        throw new ApiError(403, 'REMOVED_FROM_ROOM', 'You were removed from this room');
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
      return chatView(await loadLiveRoom(live, request.params.id), caller);
    },
  );

  /** POST /api/rooms/:id/chat/comments {off}: the anchor or operator turns the viewers' comments off or on. */
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
      const { manager, room } = await managedRoom(request, request.params.id);
      const { off } = request.body;
      await live.store.chat.setCommentsOff(room.id, off);
      await record(request, room, manager, off ? 'comments_off' : 'comments_on', null);
      const signalled = await announceChatState(live, request.log, room, off);
      return { chat: await chatView(room, { kind: 'operator' }), signalled };
    },
  );

  /** POST /api/rooms/:id/chat/mutes {userId, seconds}: the anchor or operator mutes a viewer for a while. */
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
      const { manager, room } = await managedRoom(request, request.params.id);
      const { userId, seconds } = request.body;
      await targetOf(room, userId);
      const until = live.now() + seconds * 1000;
      await live.store.chat.mute(room.id, userId, until);
      await record(request, room, manager, 'mute', userId, until);
      const signalled = await tellViewer(live, request.log, room, userId, { e: 'muted', until });
      return { userId, until, signalled };
    },
  );

  /** DELETE /api/rooms/:id/chat/mutes/:userId: the anchor or operator ends a mute early. */
  app.delete(
    '/rooms/:id/chat/mutes/:userId',
    {
      config: write,
      schema: {
        params: UserParams,
        response: { 200: Type.Object({ userId: Type.String(), signalled: Type.Boolean() }), ...Errors },
      },
    },
    async (request) => {
      const { manager, room } = await managedRoom(request, request.params.id);
      const { userId } = request.params;
      if (!(await live.store.chat.unmute(room.id, userId, live.now())))
        throw notFound(`${userId} is not muted in this room`);
      await record(request, room, manager, 'unmute', userId);
      const signalled = await tellViewer(live, request.log, room, userId, { e: 'unmuted', until: null });
      return { userId, signalled };
    },
  );

  /**
   * POST /api/rooms/:id/removals {userId}: the anchor or operator removes a viewer: ZEGO kicks them out of the room,
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
      const { manager, room } = await managedRoom(request, request.params.id);
      const { userId } = request.body;
      await targetOf(room, userId);
      await live.store.chat.remove(room.id, userId, live.now());
      await record(request, room, manager, 'remove', userId);
      if (await live.store.cohosts.end(room.id, userId))
        await afterCohostEnded(live, request.log, room, userId, 'removed');
      const kicked = await kickViewer(live, request.log, room, userId);
      return { userId, kicked };
    },
  );

  /** GET /api/rooms/:id/moderation: the room's moderation actions, newest first (anchor or operator). */
  app.get(
    '/rooms/:id/moderation',
    { schema: { params: RoomParams, response: { 200: ModerationList, ...Errors } } },
    async (request) => {
      const { room } = await managedRoom(request, request.params.id);
      return { actions: await views(await live.store.chat.log(room.id, 200)) };
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
      const { room } = await managedRoom(request, request.params.id);
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
      await requireOperator(app, request);
      return { actions: await views(await live.store.chat.log(null, request.query.limit ?? 50)) };
    },
  );
};

export default chatRoutes;

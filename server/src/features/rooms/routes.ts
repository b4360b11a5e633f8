import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import {
  comesFromOperator,
  identify,
  noteAuditDetail,
  requireOperator,
  requireRoleOf,
  requireUser,
} from '../../http/auth';
import { END_REASON_MAX_LENGTH } from '@zego-live/contract/operators';
import { Errors } from '../../http/route-parts';
import { ApiError, badRequest, forbidden } from '../../lib/errors';
import {
  BODY,
  CreatedRoomAnswer,
  CreateRoomBody,
  RoomAnswer,
  RoomListAnswer,
  RoomParams,
  RoomStatus,
  StatsBody,
} from '@zego-live/contract/schemas';
import { InviteView, inviteView, roomView, roomViews } from '../../lib/views';
import { InvalidCursorError } from '../../store/common';
import type { Room } from '../../store/types';
import { callHeartbeat, requireCallMember } from '../calls/service';
import { cohostHeartbeat, endCohosting } from '../cohosts/service';
import { startRecording, stopRecording } from '../replays/service';
import { RoomListCache } from './list-cache';
import { claimedRoom, roomAlreadyClaimed, roomEnded } from './rules';
import { anchorHeartbeat, createInvite, createRoom, loadLiveRoom, loadRoom, moveRoom } from './service';

/** POST /api/rooms/:id/end's body: an operator may say why (the anchor's and viewers' end screens show it). */
const EndRoomBody = Type.Object(
  { reason: Type.Optional(Type.String({ maxLength: END_REASON_MAX_LENGTH })) },
  { additionalProperties: false },
);

/** Room routes (under /api): create, claim, list, read, live/pause/end, stats, heartbeat, invite. */
const roomRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { live } = app;
  const write = { rateLimit: live.rateLimits.write };

  /** The live room if the caller owns it; 403 otherwise (400 WRONG_KIND for a call room). */
  async function ownedRoom(request: FastifyRequest, roomId: string): Promise<Room> {
    const { user } = await requireUser(app, request);
    const room = await loadLiveRoom(live, roomId);
    if (room.ownerId !== user.id) throw forbidden('Only the anchor of this room may do this');
    return room;
  }

  /**
   * POST /api/rooms {title, kind?}: a user owns the new room; the operator gets an unowned live room and a
   * one-time invite. kind "call" (users only) is a 1v1 call whose creator is its first member.
   */
  app.post(
    '/rooms',
    { config: write, schema: { body: CreateRoomBody, response: { 200: CreatedRoomAnswer, ...Errors } } },
    async (request) => {
      const caller = await identify(app, request);
      if (caller.kind === 'anonymous')
        throw new ApiError(401, 'UNAUTHORIZED', 'Sign in (or use the console token) to create a room');
      requireRoleOf(caller, 'operator');
      const room = await createRoom(live, caller.kind === 'user' ? caller.user.id : null, request.body);
      const view = await roomView(live, room);
      if (caller.kind === 'user') return { room: view };
      return { room: view, invite: inviteView(await createInvite(live, room.id)) };
    },
  );

  /** POST /api/rooms/:id/invite: the operator mints a fresh invite for an unowned room (e.g. the old one expired). */
  app.post(
    '/rooms/:id/invite',
    {
      config: write,
      schema: { params: RoomParams, response: { 200: Type.Object({ invite: InviteView }), ...Errors } },
    },
    async (request) => {
      await requireOperator(app, request, 'operator');
      const room = await loadLiveRoom(live, request.params.id);
      if (room.status === 'ended') throw roomEnded(room);
      if (room.ownerId !== null) throw roomAlreadyClaimed();
      return { invite: inviteView(await createInvite(live, room.id)) };
    },
  );

  /** POST /api/rooms/:id/claim {invite}: the caller becomes the room's anchor; one-time, one winner. */
  app.post(
    '/rooms/:id/claim',
    {
      config: { rateLimit: live.rateLimits.claim },
      schema: {
        params: RoomParams,
        body: Type.Object({ invite: Type.String({ minLength: 1, maxLength: 64 }) }, BODY),
        response: { 200: RoomAnswer, ...Errors },
      },
    },
    async (request) => {
      const { user } = await requireUser(app, request);
      const { id } = request.params;
      await loadLiveRoom(live, id);
      const result = await live.store.invites.claim(id, request.body.invite, user.id, live.now());
      return { room: await roomView(live, claimedRoom(result, id)) };
    },
  );

  /**
   * GET /api/rooms?status=&cursor=&limit=: live rooms (never calls) newest first, cursor paging. Public and the same
   * for everyone, so each page is served from memory for ROOM_LIST_CACHE_MS (not to the operator's console);
   * limited per client like the writes. scope=lobby (the app's room list): the rooms live now, newest first, then
   * the upcoming ones (idle with a planned start) soonest first; not combined with status.
   */
  const roomList = new RoomListCache(live.now);
  app.get(
    '/rooms',
    {
      config: { rateLimit: live.rateLimits.list },
      schema: {
        querystring: Type.Object({
          status: Type.Optional(RoomStatus),
          scope: Type.Optional(Type.Literal('lobby')),
          cursor: Type.Optional(Type.String({ maxLength: 200 })),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 50, default: 20 })),
        }),
        response: { 200: RoomListAnswer, ...Errors },
      },
    },
    async (request, reply) => {
      const { status, scope, cursor, limit = 20 } = request.query;
      if (scope !== undefined && status !== undefined)
        throw badRequest('querystring/status cannot be combined with scope=lobby');
      const lobby = scope === 'lobby';
      const load = async (): Promise<string> => {
        try {
          const page = await live.store.rooms.list({ status, cursor, limit, lobby });
          // Serialised with the route's response schema, once per page and lifetime.
          const answer = { rooms: await roomViews(live, page.rooms), nextCursor: page.nextCursor };
          return String(reply.serialize(answer));
        } catch (error) {
          if (error instanceof InvalidCursorError)
            throw badRequest('querystring/cursor is not a cursor this service issued');
          throw error;
        }
      };
      // The operator's console reads the truth at once (it just created or ended a room); everyone else the cache.
      const body = (await comesFromOperator(app, request))
        ? await load()
        : await roomList.get(`${lobby ? 'lobby' : (status ?? '')} ${limit} ${cursor ?? ''}`, load);
      // The body is the JSON text of the 200 schema (serialised above), sent as it is.
      return reply.type('application/json; charset=utf-8').send(body as never);
    },
  );

  /** GET /api/rooms/:id: one room. */
  app.get(
    '/rooms/:id',
    { schema: { params: RoomParams, response: { 200: RoomAnswer, ...Errors } } },
    async (request) => ({
      room: await roomView(live, await loadRoom(live, request.params.id)),
    }),
  );

  /**
   * POST /api/rooms/:id/live: the anchor started publishing (also resumes from paused). The room's start reminders
   * are sent after the answer (never delaying or failing it).
   */
  app.post(
    '/rooms/:id/live',
    { config: write, schema: { params: RoomParams, response: { 200: RoomAnswer, ...Errors } } },
    async (request) => {
      const room = await moveRoom(live, await ownedRoom(request, request.params.id), 'live');
      if (room.status === 'live') app.reminders.dispatch(room.id);
      if (room.status === 'live') live.later.run(() => startRecording(live, request.log, room));
      return { room: await roomView(live, room) };
    },
  );

  /** POST /api/rooms/:id/pause: the anchor paused (app hidden, phone call). */
  app.post(
    '/rooms/:id/pause',
    { config: write, schema: { params: RoomParams, response: { 200: RoomAnswer, ...Errors } } },
    async (request) => {
      const room = await moveRoom(live, await ownedRoom(request, request.params.id), 'paused');
      return { room: await roomView(live, room) };
    },
  );

  /**
   * POST /api/rooms/:id/end {reason?}: the anchor (either call member) or an operator ends the room for good
   * (idempotent); an operator's reason is kept for the end screens.
   */
  app.post(
    '/rooms/:id/end',
    {
      config: write,
      schema: { params: RoomParams, body: EndRoomBody, response: { 200: RoomAnswer, ...Errors } },
    },
    async (request) => {
      const caller = await identify(app, request);
      if (caller.kind === 'anonymous')
        throw new ApiError(401, 'UNAUTHORIZED', 'Sign in first: send Authorization: Bearer <sessionToken>');
      requireRoleOf(caller, 'operator');
      const reason = request.body.reason?.trim() ?? '';
      if (reason !== '' && caller.kind !== 'operator') throw badRequest('body/reason is for operators only');
      const room = await loadRoom(live, request.params.id);
      if (caller.kind === 'user' && room.kind === 'call') {
        await requireCallMember(live, room, caller.user.id);
      } else if (caller.kind === 'user' && room.ownerId !== caller.user.id) {
        throw forbidden('Only the anchor of this room or the operator may end it');
      }
      // Before the move: whoever reads the ended room (the end screens) finds the reason with it.
      if (reason !== '' && room.status !== 'ended') {
        await live.store.wall.setEndReason(room.id, reason);
        noteAuditDetail(request, reason);
      }
      const answer = { room: await roomView(live, await moveRoom(live, room, 'ended')) };
      if (room.kind === 'live') await endCohosting(live, request.log, room.id);
      if (room.kind === 'live') live.later.run(() => stopRecording(live, request.log, room.id));
      return answer;
    },
  );

  /**
   * POST /api/rooms/:id/stats {viewers, likes, messages}: the anchor reports the viewers online now (the service
   * keeps the peak, which never goes down, and the per-minute series); also a heartbeat. Likes and messages are
   * counted by the service itself (POST .../likes, .../messages): the anchor's figures for them are accepted for
   * older apps and ignored.
   */
  app.post(
    '/rooms/:id/stats',
    {
      config: write,
      schema: { params: RoomParams, body: StatsBody, response: { 200: RoomAnswer, ...Errors } },
    },
    async (request) => {
      const room = await ownedRoom(request, request.params.id);
      if (room.status === 'ended') throw roomEnded(room);
      await live.counters.count(room.id, { kind: 'viewers', viewers: request.body.viewers, at: live.now() });
      return { room: await roomView(live, await anchorHeartbeat(live, room)) };
    },
  );

  /**
   * POST /api/rooms/:id/heartbeat: the anchor (or a co-host) is still there (send every few seconds while live).
   * Without one for HEARTBEAT_PAUSE_MS the room is paused, for HEARTBEAT_END_MS ended; a heartbeat resumes a room
   * paused so. In a call room each member sends it; a call none of whose members sent one for HEARTBEAT_PAUSE_MS
   * is ended.
   */
  app.post(
    '/rooms/:id/heartbeat',
    { config: write, schema: { params: RoomParams, response: { 200: RoomAnswer, ...Errors } } },
    async (request) => {
      const { user } = await requireUser(app, request);
      const room = await loadRoom(live, request.params.id);
      let beat: Room;
      if (room.kind === 'call') beat = await callHeartbeat(live, room, user.id);
      // A co-host's heartbeat keeps its own co-hosting alive, never the room (that is the anchor's).
      else if (room.ownerId !== user.id) beat = await cohostHeartbeat(live, room, user.id);
      else {
        beat = await anchorHeartbeat(live, room);
        // A recording that failed to start (or ended by itself) is tried again while the anchor is live.
        const anchorRoom = beat;
        live.later.run(() => startRecording(live, request.log, anchorRoom));
      }
      return { room: await roomView(live, beat) };
    },
  );
};

export default roomRoutes;

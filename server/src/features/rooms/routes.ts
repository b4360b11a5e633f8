import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import { carriesConsoleToken, identify, requireOperator, requireSessionHash, requireUser } from '../../http/auth';
import { ApiError, badRequest, forbidden } from '../../lib/errors';
import { cohostHeartbeat, cohostStreamId, endCohosting } from '../cohosts/service';
import { newRoomId, streamIdForMember, streamIdForRoom } from '../../lib/ids';
import { createInvite, loadLiveRoom, loadRoom, loadTokenFacts, tokenReads } from './service';
import { RoomListCache } from './list-cache';
import { RecentViewers, SERIES_MINUTES, VIEWER_QUIET_MS } from '../stats/service';
import { minuteOf } from '../../store/rows';
import {
  CreatedRoomAnswer,
  CreateRoomBody,
  BODY,
  RoomAnswer,
  RoomListAnswer,
  RoomStatus,
  RoomTokenView,
  StatsBody,
  TokenBody,
  RoomParams,
} from '../../lib/schemas';
import { ErrorView, InviteView, inviteView, type RoomView, roomView, roomViews } from '../../lib/views';
import { InvalidCursorError } from '../../store/common';
import type { Room } from '../../store/types';
import { generateToken04, roomPayload } from '../../zego/token04';

const Errors = { '4xx': ErrorView, '5xx': ErrorView };

/** Room routes: create, claim, list, read, token, live/pause/end, stats, invite. */
const roomRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { live } = app;

  /** The live room if the caller owns it; 403 otherwise (400 WRONG_KIND for a call room). */
  async function ownedRoom(request: FastifyRequest, roomId: string): Promise<Room> {
    const { user } = await requireUser(app, request);
    const room = await loadLiveRoom(live, roomId);
    if (room.ownerId !== user.id) throw forbidden('Only the anchor of this room may do this');
    return room;
  }

  /** Moves a room to a status and answers {room}; an ended room stays ended (409). */
  async function moveTo(room: Room, status: RoomStatus): Promise<{ room: RoomView }> {
    if (room.status === 'ended' && status !== 'ended') throw roomEnded(room);
    const updated = await live.store.rooms.setStatus(room.id, status, live.now());
    return { room: await roomView(live.store, updated ?? room) };
  }

  /**
   * POST /api/rooms {title, kind?}: a user owns the new room; the operator gets an unowned live room and a
   * one-time invite. kind "call" (users only) is a 1v1 call whose creator is its first member.
   */
  app.post(
    '/rooms',
    {
      config: { rateLimit: live.rateLimits.write },
      schema: {
        body: CreateRoomBody,
        response: { 200: CreatedRoomAnswer, ...Errors },
      },
    },
    async (request) => {
      const caller = await identify(app, request);
      if (caller.kind === 'anonymous')
        throw new ApiError(401, 'UNAUTHORIZED', 'Sign in (or use the console token) to create a room');
      const title = request.body.title.trim();
      if (title === '') throw badRequest('body/title must not be blank');
      const kind = request.body.kind ?? 'live';
      if (kind === 'call' && caller.kind !== 'user') {
        throw badRequest('A call room needs a user session: its creator is its first member');
      }
      const { plannedStartAt } = request.body;
      if (plannedStartAt !== undefined) {
        if (kind === 'call') throw badRequest('body/plannedStartAt is for live rooms only');
        checkPlannedStart(plannedStartAt, live.now());
      }
      const id = newRoomId(live.random);
      const ownerId = caller.kind === 'user' ? caller.user.id : null;
      // A call room's streamID is its owner's own stream (each member publishes <roomID>_<userID>).
      const memberStream = kind === 'call' && ownerId !== null ? streamIdForMember(id, ownerId) : undefined;
      const room: Room = {
        id,
        title,
        kind,
        status: 'idle',
        ownerId,
        streamId: memberStream ?? streamIdForRoom(id),
        createdAt: live.now(),
        startedAt: null,
        endedAt: null,
        stats: { viewers: 0, peakViewers: 0, likes: 0, messages: 0 },
        plannedStartAt: plannedStartAt ?? null,
        coverUrl: null,
        liveMs: 0,
        liveSince: null,
      };
      await live.store.rooms.create(room, memberStream);
      const view = await roomView(live.store, room);
      if (caller.kind === 'user') return { room: view };
      return { room: view, invite: inviteView(await createInvite(live, id)) };
    },
  );

  /** POST /api/rooms/:id/invite: the operator mints a fresh invite for an unowned room (e.g. the old one expired). */
  app.post(
    '/rooms/:id/invite',
    {
      config: { rateLimit: live.rateLimits.write },
      schema: { params: RoomParams, response: { 200: Type.Object({ invite: InviteView }), ...Errors } },
    },
    async (request) => {
      await requireOperator(app, request);
      const room = await loadLiveRoom(live, request.params.id);
      if (room.status === 'ended') throw roomEnded(room);
      if (room.ownerId !== null)
        throw new ApiError(409, 'ROOM_ALREADY_CLAIMED', 'This room already has an anchor');
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
      await loadLiveRoom(live, request.params.id);
      const result = await live.store.invites.claim(
        request.params.id,
        request.body.invite,
        user.id,
        live.now(),
      );
      if (result.ok) return { room: await roomView(live.store, result.room) };
      switch (result.reason) {
        case 'room_not_found':
          throw new ApiError(404, 'NOT_FOUND', `Room ${request.params.id} does not exist`);
        case 'invite_invalid':
          throw new ApiError(
            403,
            'INVITE_INVALID',
            'This invite is not valid for this room; scan the QR code again',
          );
        case 'invite_expired':
          throw new ApiError(
            410,
            'INVITE_EXPIRED',
            'This invite has expired; ask the operator for a new QR code',
          );
        case 'invite_used':
          throw new ApiError(409, 'INVITE_USED', 'This invite has already been used by someone else');
        case 'room_owned':
          throw new ApiError(409, 'ROOM_ALREADY_CLAIMED', 'This room already has an anchor');
        case 'room_ended':
          throw new ApiError(409, 'ROOM_ENDED', 'This room has ended');
      }
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
          const answer = { rooms: await roomViews(live.store, page.rooms), nextCursor: page.nextCursor };
          return String(reply.serialize(answer));
        } catch (error) {
          if (error instanceof InvalidCursorError)
            throw badRequest('querystring/cursor is not a cursor this service issued');
          throw error;
        }
      };
      // The operator's console reads the truth at once (it just created or ended a room); everyone else the cache.
      const body = carriesConsoleToken(app, request)
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
      room: await roomView(live.store, await loadRoom(live, request.params.id)),
    }),
  );

  // The viewers this instance recorded lately (the token route's viewer list writes).
  const recentViewers = new RecentViewers();
  // The token requests that arrive together are read together.
  const reads = tokenReads(live.store);

  /**
   * POST /api/rooms/:id/token {role}: a ZEGO Token04 bound to this room; also renews. Without a body (or a role)
   * it is a viewer's ("audience") token. In a live room only the
   * owner (anchor) may publish; in a call room (role "call") each of the two members publishes its own stream.
   */
  app.post(
    '/rooms/:id/token',
    {
      config: { rateLimit: live.rateLimits.token },
      schema: {
        params: RoomParams,
        body: TokenBody,
        response: { 200: RoomTokenView, ...Errors },
      },
    },
    async (request) => {
      const tokenHash = requireSessionHash(app, request);
      const { zego } = live.config;
      if (zego === null) {
        throw new ApiError(
          503,
          'ZEGO_NOT_CONFIGURED',
          'Live streaming is not configured: set ZEGO_APP_ID and ZEGO_SERVER_SECRET on the server',
        );
      }
      const now = live.now();
      // The session, the room and the removal in one read, with the other token requests of this moment: this
      // route is what thousands of viewers ask at once.
      const { userId, room, removed } = await loadTokenFacts(reads, tokenHash, request.params.id, now);
      // No body (or no role) asks for what most requests are: a viewer's token.
      const role = request.body.role ?? 'audience';
      if ((role === 'call') !== (room.kind === 'call')) {
        throw new ApiError(
          400,
          'WRONG_ROLE',
          room.kind === 'call'
            ? `Room ${room.id} is a call room: ask for role "call"`
            : `Room ${room.id} is a live room: role "call" is only for call rooms`,
        );
      }
      if (room.status === 'ended') throw roomEnded(room);
      if (role === 'call') {
        const joined = await live.store.rooms.joinCall(
          room.id,
          userId,
          streamIdForMember(room.id, userId),
          now,
        );
        if (!joined.ok) {
          if (joined.reason === 'call_full')
            throw new ApiError(409, 'CALL_FULL', 'This call already has two members');
          if (joined.reason === 'room_ended') throw roomEnded(room);
          throw new ApiError(404, 'NOT_FOUND', `Room ${room.id} does not exist`);
        }
        const { token, expire } = generateToken04({
          appID: zego.appID,
          userID: userId,
          secret: zego.serverSecret,
          effectiveTimeInSeconds: live.config.tokenTTL,
          // Publish is bound to the member's own stream only: it can never publish as the other member.
          payload: roomPayload(room.id, true, [joined.streamId]),
          now: Math.floor(now / 1000),
        });
        return {
          token,
          expiresAt: expire * 1000,
          appID: zego.appID,
          userID: userId,
          roomID: room.id,
          streamID: joined.streamId,
        };
      }
      // A viewer the anchor or operator removed gets no token for this room again (the anchor cannot be removed).
      if (room.ownerId !== userId && removed) {
        throw new ApiError(403, 'REMOVED_FROM_ROOM', 'You were removed from this room');
      }
      // The anchor's viewer list: one upsert, none for a viewer this instance recorded within VIEWER_QUIET_MS.
      if (
        role === 'audience' &&
        room.ownerId !== userId &&
        !recentViewers.recordedSince(room.id, userId, now, now - VIEWER_QUIET_MS)
      ) {
        await recordViewer(request, room.id, userId, now);
      }
      // A co-host publishes its own co-host stream only, and only while the service has it accepted.
      const cohostStream = role === 'cohost' ? await cohostStreamId(live, room, userId) : null;
      const anchor = role === 'anchor';
      if (anchor && room.ownerId !== userId) {
        throw forbidden(
          room.ownerId === null
            ? 'This room has no anchor yet: claim it with its invite first'
            : 'Only the anchor of this room may publish',
        );
      }
      const { token, expire } = generateToken04({
        appID: zego.appID,
        userID: userId,
        secret: zego.serverSecret,
        effectiveTimeInSeconds: live.config.tokenTTL,
        payload:
          cohostStream !== null
            ? roomPayload(room.id, true, [cohostStream])
            : roomPayload(room.id, anchor, anchor ? [room.streamId] : null),
        now: Math.floor(now / 1000),
      });
      const answer = { token, expiresAt: expire * 1000, appID: zego.appID, userID: userId, roomID: room.id };
      if (cohostStream !== null) return { ...answer, streamID: cohostStream };
      return anchor ? { ...answer, streamID: room.streamId } : answer;
    },
  );

  /**
   * POST /api/rooms/:id/live: the anchor started publishing (also resumes from paused). The room's start reminders
   * are sent after the answer (never delaying or failing it).
   */
  app.post(
    '/rooms/:id/live',
    {
      config: { rateLimit: live.rateLimits.write },
      schema: { params: RoomParams, response: { 200: RoomAnswer, ...Errors } },
    },
    async (request) => {
      const answer = await moveTo(await ownedRoom(request, request.params.id), 'live');
      if (answer.room.status === 'live') live.reminders.dispatch(answer.room.id);
      return answer;
    },
  );

  /** POST /api/rooms/:id/pause: the anchor paused (app hidden, phone call). */
  app.post(
    '/rooms/:id/pause',
    {
      config: { rateLimit: live.rateLimits.write },
      schema: { params: RoomParams, response: { 200: RoomAnswer, ...Errors } },
    },
    async (request) => moveTo(await ownedRoom(request, request.params.id), 'paused'),
  );

  /** POST /api/rooms/:id/end: the anchor (either call member) or the operator ends the room for good (idempotent). */
  app.post(
    '/rooms/:id/end',
    {
      config: { rateLimit: live.rateLimits.write },
      schema: { params: RoomParams, response: { 200: RoomAnswer, ...Errors } },
    },
    async (request) => {
      const caller = await identify(app, request);
      if (caller.kind === 'anonymous')
        throw new ApiError(401, 'UNAUTHORIZED', 'Sign in first: send Authorization: Bearer <sessionToken>');
      const room = await loadRoom(live, request.params.id);
      if (caller.kind === 'user' && room.kind === 'call') {
        const members = await live.store.rooms.members(room.id);
        if (!members.some((m) => m.user.id === caller.user.id))
          throw forbidden('Only a member of this call or the operator may end it');
      } else if (caller.kind === 'user' && room.ownerId !== caller.user.id) {
        throw forbidden('Only the anchor of this room or the operator may end it');
      }
      const answer = await moveTo(room, 'ended');
      if (room.kind === 'live') await endCohosting(live, request.log, room.id);
      return answer;
    },
  );

  /**
   * POST /api/rooms/:id/stats {viewers, likes, messages}: the anchor reports the viewers online now (the service
   * keeps the peak, which never goes down, and the per-minute series); also a heartbeat. Likes and messages are counted by the service itself (POST .../likes, .../messages):
   * the anchor's figures for them are accepted for older apps and ignored.
   */
  app.post(
    '/rooms/:id/stats',
    {
      config: { rateLimit: live.rateLimits.write },
      schema: {
        params: RoomParams,
        body: StatsBody,
        response: { 200: RoomAnswer, ...Errors },
      },
    },
    async (request) => {
      const room = await ownedRoom(request, request.params.id);
      if (room.status === 'ended') throw roomEnded(room);
      const now = live.now();
      await live.store.stats.report(
        room.id,
        { viewers: request.body.viewers },
        now,
        minuteOf(now) - SERIES_MINUTES * 60_000,
      );
      const updated = await live.store.rooms.heartbeat(room.id, now);
      return { room: await roomView(live.store, updated ?? room) };
    },
  );

  /**
   * POST /api/rooms/:id/heartbeat: the anchor (or a co-host) is still there (send every few seconds while live).
   * Without one for HEARTBEAT_PAUSE_MS the room is paused, for HEARTBEAT_END_MS ended; a heartbeat resumes a room paused so.
   * In a call room each member sends it; a call none of whose members sent one for HEARTBEAT_PAUSE_MS is ended.
   */
  app.post(
    '/rooms/:id/heartbeat',
    {
      config: { rateLimit: live.rateLimits.write },
      schema: { params: RoomParams, response: { 200: RoomAnswer, ...Errors } },
    },
    async (request) => {
      const { user } = await requireUser(app, request);
      const room = await loadRoom(live, request.params.id);
      if (room.kind === 'call') return callHeartbeat(room, user.id);
      // A co-host's heartbeat keeps its own co-hosting alive, never the room (that is the anchor's).
      if (room.ownerId !== user.id)
        return { room: await roomView(live.store, await cohostHeartbeat(live, room, user.id)) };
      if (room.status === 'ended') throw roomEnded(room);
      const updated = await live.store.rooms.heartbeat(room.id, live.now());
      return { room: await roomView(live.store, updated ?? room) };
    },
  );

  /**
   * Records a viewer for the anchor's list (one upsert); best effort: a viewer is never refused a token for the
   * list's sake. The route first asks recentViewers, so a viewer this instance recorded within VIEWER_QUIET_MS
   * costs neither a statement nor an await.
   */
  async function recordViewer(request: FastifyRequest, roomId: string, userId: string, now: number) {
    try {
      await live.store.viewers.record(roomId, userId, now, now - VIEWER_QUIET_MS);
    } catch (error) {
      recentViewers.forget(roomId, userId);
      request.log.warn({ err: error, roomId }, 'viewer not recorded');
    }
  }

  /** A call member's heartbeat (every 10 s while in the call): a call all of whose members went silent is ended. */
  async function callHeartbeat(room: Room, userId: string): Promise<{ room: RoomView }> {
    if (room.status === 'ended') throw roomEnded(room);
    if (!(await live.store.rooms.memberHeartbeat(room.id, userId, live.now()))) {
      const current = await loadRoom(live, room.id);
      if (current.status === 'ended') throw roomEnded(current);
      throw forbidden('Only a member of this call may send its heartbeat');
    }
    return { room: await roomView(live.store, room) };
  }
};

/** 400 naming the field unless a planned start lies in the future. */
export function checkPlannedStart(plannedStartAt: number, now: number): void {
  if (plannedStartAt <= now)
    throw badRequest('body/plannedStartAt must be in the future (epoch milliseconds)');
}

/** 409 for anything but reading an ended room. */
function roomEnded(room: Pick<Room, 'id'>): ApiError {
  return new ApiError(409, 'ROOM_ENDED', `Room ${room.id} has ended`);
}

export default roomRoutes;

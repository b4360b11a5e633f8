import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import { identify, requireUser, type Caller } from '../../http/auth';
import { afterCohostEnded, lapsedBefore, setCohostStream, signalCohost, updateMix } from './service';
import { ApiError, forbidden, unauthorized } from '../../lib/errors';
import { loadLiveRoom } from '../rooms/service';
import { CohostChangeView, RoomParams } from '../../lib/schemas';
import { CohostsView, cohostsView, ErrorView, type CohostViewer } from '../../lib/views';
import type { Room } from '../../store/types';

const UserParams = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 128 }),
  userId: Type.String({ minLength: 1, maxLength: 64 }),
});
const Errors = { '4xx': ErrorView, '5xx': ErrorView };
/** Every write answers the new state and whether the service already delivered the custom command. */
const WriteAnswer = CohostChangeView;

/** Co-hosting (连麦) in live rooms: request, cancel, accept, decline, end, list. */
const cohostRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { live } = app;
  const write = { rateLimit: live.rateLimits.write };

  /** The room's co-hosting as this caller may see it. */
  async function view(room: Room, caller: Caller): Promise<CohostsView> {
    const [records, mixStreamId] = await Promise.all([
      live.store.cohosts.list(room.id, lapsedBefore(live)),
      live.store.cohosts.mix(room.id),
    ]);
    let viewer: CohostViewer = { kind: 'anonymous' };
    if (caller.kind === 'operator' || (caller.kind === 'user' && caller.user.id === room.ownerId)) {
      viewer = { kind: 'manager' };
    } else if (caller.kind === 'user') {
      viewer = { kind: 'viewer', userId: caller.user.id };
    }
    const { limit, requestTtlMs } = live.config.cohost;
    return cohostsView(room, records, viewer, { limit, requestTtlMs, mixStreamId });
  }

  /** The caller and the live room if the caller is its anchor or the operator: 401, 404, 400 WRONG_KIND, 403. */
  async function managedRoom(
    request: FastifyRequest,
    roomId: string,
  ): Promise<{ caller: Caller; room: Room }> {
    const caller = await identify(app, request);
    if (caller.kind === 'anonymous')
      throw unauthorized('Sign in (or use the console token): send Authorization: Bearer <sessionToken>');
    const room = await loadLiveRoom(live, roomId);
    if (caller.kind === 'user' && caller.user.id !== room.ownerId) {
      throw forbidden('Only the anchor of this room or the operator may answer co-host requests');
    }
    return { caller, room };
  }

  const full = (): ApiError =>
    new ApiError(
      409,
      'COHOST_FULL',
      `This room already has ${live.config.cohost.limit} co-hosts, the most allowed`,
    );

  /** GET /api/rooms/:id/cohosts: the co-hosts (public), the pending requests (anchor/operator: all; viewer: own). */
  app.get(
    '/rooms/:id/cohosts',
    { schema: { params: RoomParams, response: { 200: CohostsView, ...Errors } } },
    async (request) => {
      const caller = await identify(app, request);
      return view(await loadLiveRoom(live, request.params.id), caller);
    },
  );

  /** POST /api/rooms/:id/cohosts/requests: a signed-in viewer asks the anchor to co-host; a repeat refreshes it. */
  app.post(
    '/rooms/:id/cohosts/requests',
    { config: write, schema: { params: RoomParams, response: { 200: WriteAnswer, ...Errors } } },
    async (request) => {
      const caller = await requireUser(app, request);
      const room = await loadLiveRoom(live, request.params.id);
      if (room.ownerId === caller.user.id)
        throw forbidden('The anchor cannot ask to co-host in their own room');
      const result = await live.store.cohosts.request(
        room.id,
        caller.user.id,
        live.now(),
        live.config.cohost.limit,
      );
      if (!result.ok) {
        switch (result.reason) {
          case 'room_not_found':
            throw new ApiError(404, 'NOT_FOUND', `Room ${room.id} does not exist`);
          case 'room_not_live':
            throw new ApiError(
              409,
              'ROOM_NOT_LIVE',
              `Room ${room.id} is not live: co-hosting needs a live anchor`,
            );
          case 'full':
            throw full();
          case 'already_cohost':
            throw new ApiError(409, 'ALREADY_COHOST', 'You are already a co-host of this room');
        }
      }
      const signalled = await signalCohost(live, request.log, room, 'requested', caller.user.id);
      return { cohosts: await view(room, { kind: 'user', ...caller }), signalled };
    },
  );

  /** DELETE /api/rooms/:id/cohosts/requests/me: the requester withdraws its request (idempotent). */
  app.delete(
    '/rooms/:id/cohosts/requests/me',
    { config: write, schema: { params: RoomParams, response: { 200: WriteAnswer, ...Errors } } },
    async (request) => {
      const caller = await requireUser(app, request);
      const room = await loadLiveRoom(live, request.params.id);
      const withdrawn = await live.store.cohosts.cancel(room.id, caller.user.id, lapsedBefore(live));
      const signalled =
        withdrawn && (await signalCohost(live, request.log, room, 'cancelled', caller.user.id));
      return { cohosts: await view(room, { kind: 'user', ...caller }), signalled };
    },
  );

  /** POST /api/rooms/:id/cohosts/requests/:userId/accept: the anchor or operator lets the requester on. */
  app.post(
    '/rooms/:id/cohosts/requests/:userId/accept',
    { config: write, schema: { params: UserParams, response: { 200: WriteAnswer, ...Errors } } },
    async (request) => {
      const { caller, room } = await managedRoom(request, request.params.id);
      const { userId } = request.params;
      const result = await live.store.cohosts.accept(
        room.id,
        userId,
        live.now(),
        lapsedBefore(live),
        live.config.cohost.limit,
      );
      if (!result.ok) {
        switch (result.reason) {
          case 'room_not_found':
            throw new ApiError(404, 'NOT_FOUND', `Room ${room.id} does not exist`);
          case 'room_ended':
            throw new ApiError(409, 'ROOM_ENDED', `Room ${room.id} has ended`);
          case 'request_not_found':
            throw new ApiError(
              404,
              'REQUEST_NOT_FOUND',
              `No pending co-host request from ${userId} (never made, lapsed, cancelled or answered)`,
            );
          case 'full':
            throw full();
        }
      }
      let signalled = false;
      if (result.accepted) {
        // A co-host removed earlier had its stream forbidden: undo that before it publishes again.
        if (result.cohost.streamForbidden)
          await setCohostStream(live, request.log, room.id, userId, 'resumed');
        await updateMix(live, request.log, room);
        signalled = await signalCohost(live, request.log, room, 'accepted', userId);
      }
      return { cohosts: await view(room, caller), signalled };
    },
  );

  /** POST /api/rooms/:id/cohosts/requests/:userId/decline: the anchor or operator turns the request down. */
  app.post(
    '/rooms/:id/cohosts/requests/:userId/decline',
    { config: write, schema: { params: UserParams, response: { 200: WriteAnswer, ...Errors } } },
    async (request) => {
      const { caller, room } = await managedRoom(request, request.params.id);
      const { userId } = request.params;
      if (!(await live.store.cohosts.decline(room.id, userId, lapsedBefore(live)))) {
        throw new ApiError(404, 'REQUEST_NOT_FOUND', `No pending co-host request from ${userId}`);
      }
      const signalled = await signalCohost(live, request.log, room, 'declined', userId);
      return { cohosts: await view(room, caller), signalled };
    },
  );

  /**
   * DELETE /api/rooms/:id/cohosts/:userId: the anchor or operator removes a co-host (its stream is forbidden), or
   * the co-host ends its own co-hosting (idempotent).
   */
  app.delete(
    '/rooms/:id/cohosts/:userId',
    { config: write, schema: { params: UserParams, response: { 200: WriteAnswer, ...Errors } } },
    async (request) => {
      const caller = await identify(app, request);
      if (caller.kind === 'anonymous')
        throw unauthorized('Sign in first: send Authorization: Bearer <sessionToken>');
      const room = await loadLiveRoom(live, request.params.id);
      const { userId } = request.params;
      const self = caller.kind === 'user' && caller.user.id === userId;
      const manager =
        caller.kind === 'operator' || (caller.kind === 'user' && caller.user.id === room.ownerId);
      if (!self && !manager) {
        throw forbidden(
          'Only the anchor of this room, the operator or the co-host itself may end co-hosting',
        );
      }
      const ended = await live.store.cohosts.end(room.id, userId);
      if (!ended) {
        if (self) return { cohosts: await view(room, caller), signalled: false };
        throw new ApiError(404, 'COHOST_NOT_FOUND', `${userId} is not a co-host of this room`);
      }
      await afterCohostEnded(live, request.log, room, userId, self ? 'ended' : 'removed');
      const signalled = await signalCohost(live, request.log, room, 'ended', userId);
      return { cohosts: await view(room, caller), signalled };
    },
  );
};

export default cohostRoutes;

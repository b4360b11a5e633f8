import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { identify, requireRoleOf, requireUser, type Caller } from '../../http/auth';
import {
  afterCohostEnded,
  lapsedBefore,
  setCohostStream,
  signalCohost,
  sweepCohosts,
  updateMix,
} from './service';
import { ApiError, forbidden, unauthorized } from '../../lib/errors';
import { loadLiveRoom, managedRoom, requireNotRemoved } from '../rooms/service';
import { CohostChangeView, RoomParams } from '@zego-live/contract/schemas';
import { CohostsView, cohostsView } from '../../lib/views';
import { Errors, RoomUserParams } from '../../http/route-parts';
import { admitted, cohostViewerOf, endingBy, requestOutcome, requireMayRequest } from './rules';
import type { Room } from '../../store/types';

/** Every write answers the new state and whether the service already delivered the custom command. */
const WriteAnswer = CohostChangeView;

/** Co-hosting (连麦) in live rooms: request, cancel, accept, decline, end, list. */
const cohostRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { live } = app;
  // Each sweep pass: silent co-hosts end, and the rooms it ended end their co-hosting.
  app.sweeper.addStep('co-host', (now, endedRooms) => sweepCohosts(live, app.log, now, endedRooms));
  const write = { rateLimit: live.rateLimits.write };

  /** The room's co-hosting as this caller may see it. */
  async function view(room: Room, caller: Caller): Promise<CohostsView> {
    const [records, mixStreamId] = await Promise.all([
      live.store.cohosts.list(room.id, lapsedBefore(live)),
      live.store.cohosts.mix(room.id),
    ]);
    const { limit, requestTtlMs } = live.config.cohost;
    return cohostsView(room, records, cohostViewerOf(caller, room), { limit, requestTtlMs, mixStreamId });
  }

  /** The caller and the live room if the caller is its anchor or the operator: 401, 404, 400 WRONG_KIND, 403. */
  async function answering(request: FastifyRequest, roomId: string): Promise<{ caller: Caller; room: Room }> {
    const caller = await identify(app, request);
    const { room } = await managedRoom(live, caller, roomId, {
      notManager: 'Only the anchor of this room or the operator may answer co-host requests',
      need: 'operator',
    });
    return { caller, room };
  }

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
      requireMayRequest(room, caller.user.id);
      await requireNotRemoved(live, room.id, caller.user.id);
      const { limit } = live.config.cohost;
      requestOutcome(
        await live.store.cohosts.request(room.id, caller.user.id, live.now(), limit),
        room.id,
        limit,
      );
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
    { config: write, schema: { params: RoomUserParams, response: { 200: WriteAnswer, ...Errors } } },
    async (request) => {
      const { caller, room } = await answering(request, request.params.id);
      const { userId } = request.params;
      await requireNotRemoved(live, room.id, userId);
      const { limit } = live.config.cohost;
      const result = await live.store.cohosts.accept(room.id, userId, live.now(), lapsedBefore(live), limit);
      const { cohost, accepted } = admitted(result, room.id, userId, limit);
      let signalled = false;
      if (accepted) {
        // A co-host removed earlier had its stream forbidden: undo that before it publishes again.
        if (cohost.streamForbidden) await setCohostStream(live, request.log, room.id, userId, 'resumed');
        await updateMix(live, request.log, room);
        signalled = await signalCohost(live, request.log, room, 'accepted', userId);
      }
      return { cohosts: await view(room, caller), signalled };
    },
  );

  /** POST /api/rooms/:id/cohosts/requests/:userId/decline: the anchor or operator turns the request down. */
  app.post(
    '/rooms/:id/cohosts/requests/:userId/decline',
    { config: write, schema: { params: RoomUserParams, response: { 200: WriteAnswer, ...Errors } } },
    async (request) => {
      const { caller, room } = await answering(request, request.params.id);
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
    { config: write, schema: { params: RoomUserParams, response: { 200: WriteAnswer, ...Errors } } },
    async (request) => {
      const caller = await identify(app, request);
      if (caller.kind === 'anonymous')
        throw unauthorized('Sign in first: send Authorization: Bearer <sessionToken>');
      const room = await loadLiveRoom(live, request.params.id);
      const { userId } = request.params;
      requireRoleOf(caller, 'operator');
      const by = endingBy(caller, room, userId);
      if (by === null) {
        throw forbidden(
          'Only the anchor of this room, the operator or the co-host itself may end co-hosting',
        );
      }
      const self = by === 'self';
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

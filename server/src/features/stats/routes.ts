import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { identify } from '../../http/auth';
import { forbidden, unauthorized } from '../../lib/errors';
import { loadLiveRoom, loadRoom } from '../rooms/service';
import { RoomParams, RoomStatsAnswer, RoomViewersAnswer } from '@zego-live/contract/schemas';
import { roomStatsView, roomViewerView, SERIES_MINUTES, VIEWER_LIST_LIMIT } from './service';
import { Errors } from '../../http/route-parts';
import type { Room } from '../../store/types';

/** A room's figures (public, the series for its managers) and its viewer list (managers only). */
const statsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { live } = app;

  /** Whether the caller manages the room: its anchor or the operator (console token). */
  async function managesRoom(request: FastifyRequest, room: Room): Promise<boolean> {
    const caller = await identify(app, request);
    return caller.kind === 'operator' || (caller.kind === 'user' && caller.user.id === room.ownerId);
  }

  /**
   * GET /api/rooms/:id/stats: viewers now and at peak, likes, messages and the time live (paused time left out) for
   * everyone; the per-minute viewer series (the newest SERIES_MINUTES minutes) for the anchor and the operator.
   */
  app.get(
    '/rooms/:id/stats',
    {
      config: { rateLimit: live.rateLimits.list },
      schema: { params: RoomParams, response: { 200: RoomStatsAnswer, ...Errors } },
    },
    async (request) => {
      const [room] = await live.counters.live([await loadRoom(live, request.params.id)]);
      const series = (await managesRoom(request, room))
        ? await live.counters.liveSeries(
            room.id,
            await live.store.stats.series(room.id, SERIES_MINUTES),
            SERIES_MINUTES,
          )
        : null;
      // An operator's reason for ending the room, for the end screens (which read this once the room ends).
      const endReason = room.status === 'ended' ? await live.store.wall.endReason(room.id) : null;
      return { stats: roomStatsView(room, live.now(), series, endReason) };
    },
  );

  /** GET /api/rooms/:id/viewers: who was given a viewer's token, the newest join first (VIEWER_LIST_LIMIT at most). */
  app.get(
    '/rooms/:id/viewers',
    {
      config: { rateLimit: live.rateLimits.list },
      schema: { params: RoomParams, response: { 200: RoomViewersAnswer, ...Errors } },
    },
    async (request) => {
      const caller = await identify(app, request);
      if (caller.kind === 'anonymous')
        throw unauthorized('Sign in first: send Authorization: Bearer <sessionToken>');
      const room = await loadLiveRoom(live, request.params.id);
      if (caller.kind === 'user' && caller.user.id !== room.ownerId)
        throw forbidden('Only the anchor of this room or the operator may see its viewers');
      const viewers = await live.store.viewers.list(room.id, VIEWER_LIST_LIMIT);
      return { viewers: viewers.map(roomViewerView), limit: VIEWER_LIST_LIMIT };
    },
  );
};

export default statsRoutes;

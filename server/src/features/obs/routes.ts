import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { RoomParams, RtmpAddressView } from '@zego-live/contract/schemas';
import { identify } from '../../http/auth';
import { Errors } from '../../http/route-parts';
import { managedRoom } from '../rooms/service';
import { roomEnded } from '../rooms/rules';
import { obsHeartbeats, rtmpAddress } from './service';

/** OBS (under /api): a room's RTMP push address and key, for its anchor or the operator only. */
const obsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { live } = app;
  const write = { rateLimit: live.rateLimits.write };
  // A room pushing from OBS sends no app heartbeat: its publishing stream is its presence.
  app.sweeper.addStep('obs', (now) => obsHeartbeats(live, now));

  for (const [path, renew] of [
    ['/rooms/:id/rtmp', false],
    ['/rooms/:id/rtmp/renew', true],
  ] as const) {
    /**
     * POST /api/rooms/:id/rtmp: the room's OBS server address and stream key (a first key made now);
     * POST /api/rooms/:id/rtmp/renew: a new key, the old one no longer pushes this room. Anchor or operator only.
     */
    app.post(
      path,
      { config: write, schema: { params: RoomParams, response: { 200: RtmpAddressView, ...Errors } } },
      async (request) => {
        const caller = await identify(app, request);
        const { room } = await managedRoom(live, caller, request.params.id, {
          notManager: 'Only the anchor of this room or the operator may get its OBS push address',
          need: 'operator',
        });
        if (room.status === 'ended') throw roomEnded(room);
        return rtmpAddress(live, request.log, room, renew);
      },
    );
  }
};

export default obsRoutes;

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import { identify } from '../../http/auth';
import { Errors, RoomUserParams } from '../../http/route-parts';
import { BODY, RoomAdminsView, RoomAdminView, RoomParams } from '@zego-live/contract/schemas';
import { recordAction } from '../moderation/service';
import { loadLiveRoom, managedRoom } from '../rooms/service';
import { appointAdmin, dismissAdmin, signalAdmins } from './service';

/** A room's admins (房管, under /api): the list, appointing and dismissing them. */
const adminRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { live } = app;
  const write = { rateLimit: live.rateLimits.write };

  /** The live room if the caller is its anchor or the operator (admins do not appoint admins). */
  const appointing = async (request: FastifyRequest, roomId: string) =>
    managedRoom(live, await identify(app, request), roomId, {
      notManager: 'Only the anchor of this room or the operator may appoint or dismiss its admins',
      need: 'operator',
    });

  /** GET /api/rooms/:id/admins: the room's admins in the order they were appointed (anyone: their badge is public). */
  app.get(
    '/rooms/:id/admins',
    {
      schema: {
        params: RoomParams,
        response: { 200: Type.Object({ admins: Type.Array(RoomAdminView) }), ...Errors },
      },
    },
    async (request) => {
      const room = await loadLiveRoom(live, request.params.id);
      return { admins: await live.store.social.admins(room.id) };
    },
  );

  /** POST /api/rooms/:id/admins {userId}: the anchor (or the operator) makes a viewer an admin (at most 5). */
  app.post(
    '/rooms/:id/admins',
    {
      config: write,
      schema: {
        params: RoomParams,
        body: Type.Object({ userId: Type.String({ minLength: 1, maxLength: 64 }) }, BODY),
        response: { 200: RoomAdminsView, ...Errors },
      },
    },
    async (request) => {
      const { manager, room } = await appointing(request, request.params.id);
      const { userId } = request.body;
      const admins = await appointAdmin(live, room, userId);
      await recordAction(live, request.log, room, manager, { action: 'admin_appointed', targetId: userId });
      return { admins, signalled: await signalAdmins(live, request.log, room) };
    },
  );

  /** DELETE /api/rooms/:id/admins/:userId: the anchor (or the operator) dismisses an admin. */
  app.delete(
    '/rooms/:id/admins/:userId',
    { config: write, schema: { params: RoomUserParams, response: { 200: RoomAdminsView, ...Errors } } },
    async (request) => {
      const { manager, room } = await appointing(request, request.params.id);
      const { userId } = request.params;
      const admins = await dismissAdmin(live, room, userId);
      await recordAction(live, request.log, room, manager, { action: 'admin_dismissed', targetId: userId });
      return { admins, signalled: await signalAdmins(live, request.log, room) };
    },
  );
};

export default adminRoutes;

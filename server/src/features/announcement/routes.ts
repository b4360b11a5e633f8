import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { identify } from '../../http/auth';
import { Errors } from '../../http/route-parts';
import { AnnouncementView, BODY, RoomParams } from '@zego-live/contract/schemas';
import { recordAction } from '../moderation/service';
import { managedRoom } from '../rooms/service';
import { setAnnouncement } from './service';

/** The room's announcement (under /api): the anchor or the operator sets it; everyone reads it on entry. */
const announcementRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { live } = app;

  /**
   * POST /api/rooms/:id/announcement {text}: the anchor (or the operator) pins a short text on top of the room for
   * everyone (at most 60 characters, content-checked like chat; '' takes it down), and the room is told.
   */
  app.post(
    '/rooms/:id/announcement',
    {
      config: { rateLimit: live.rateLimits.write },
      schema: {
        params: RoomParams,
        // The limit is checked after trimming (announcement/service.ts), with its own code; this only bounds it.
        body: Type.Object({ text: Type.String({ maxLength: 1000 }) }, BODY),
        response: {
          200: Type.Object({ announcement: AnnouncementView, signalled: Type.Boolean() }),
          ...Errors,
        },
      },
    },
    async (request) => {
      const { manager, room } = await managedRoom(live, await identify(app, request), request.params.id, {
        notManager: 'Only the anchor of this room or the operator may set its announcement',
        need: 'operator',
      });
      const answer = await setAnnouncement(live, request.log, room, manager, request.body.text);
      await recordAction(live, request.log, room, manager, {
        action: 'announcement',
        targetId: null,
        detail: answer.announcement?.text ?? null,
      });
      return answer;
    },
  );
};

export default announcementRoutes;

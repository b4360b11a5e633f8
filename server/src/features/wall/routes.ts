/** The console's monitoring wall (under /api): every live room at once, and warnings to an anchor. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { WARNING_MAX_LENGTH } from '@zego-live/contract';
import { WallAnswer } from '@zego-live/contract/operators';
import { BODY, RoomParams } from '@zego-live/contract/schemas';
import { noteAuditDetail, requireOperator } from '../../http/auth';
import { Errors } from '../../http/route-parts';
import { ApiError, badRequest } from '../../lib/errors';
import { loadLiveRoom } from '../rooms/service';
import { wallRooms, warnAnchor } from './service';

const wallRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { live } = app;

  /** GET /api/wall: every live and paused room with its figures (any operator; the console polls it). */
  app.get(
    '/wall',
    {
      config: { rateLimit: live.rateLimits.list },
      schema: { response: { 200: WallAnswer, ...Errors } },
    },
    async (request) => {
      await requireOperator(app, request);
      return { rooms: await wallRooms(live), at: live.now() };
    },
  );

  /**
   * POST /api/rooms/:id/warnings {text}: an operator or moderator warns the anchor, who sees 「运营提醒：<text>」 on
   * screen (a custom command from the service's identity). 409 when the room is not live; signalled false when ZEGO
   * could not deliver it.
   */
  app.post(
    '/rooms/:id/warnings',
    {
      config: { rateLimit: live.rateLimits.write },
      schema: {
        params: RoomParams,
        body: Type.Object({ text: Type.String({ maxLength: WARNING_MAX_LENGTH }) }, BODY),
        response: { 200: Type.Object({ signalled: Type.Boolean() }), ...Errors },
      },
    },
    async (request) => {
      await requireOperator(app, request, ['operator', 'moderator']);
      const text = request.body.text.trim();
      if (text === '') throw badRequest('body/text must not be blank');
      const room = await loadLiveRoom(live, request.params.id);
      if (room.status !== 'live' && room.status !== 'paused')
        throw new ApiError(409, 'ROOM_NOT_LIVE', `Room ${room.id} is not live: there is no anchor to warn`);
      noteAuditDetail(request, text);
      return { signalled: await warnAnchor(live, request.log, room, text) };
    },
  );
};

export default wallRoutes;

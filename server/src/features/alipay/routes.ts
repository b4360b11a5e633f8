import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { ALIPAY_VARIABLES } from '../../config';
import { requireUser } from '../../http/auth';
import { ApiError } from '../../lib/errors';
import { ErrorView } from '../../lib/views';
import { BODY, RoomParams, RtcRoomView, SessionView } from '@zego-live/contract/schemas';
import { AvatarUrl, Nickname, openSession } from '../auth/service';
import { ALIPAY_DEFAULT_NICKNAME, alipayOpenid, rtcRoomFor } from './service';

/** The Alipay mini-program's routes: sign-in with my.getAuthCode, and the <rtc-room> parameters of a call. */
const alipayRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { live, alipay: auth } = app;

  /** POST /api/auth/alipay: exchange a my.getAuthCode code for a session; Alipay's user ID stays on the server. */
  app.post(
    '/auth/alipay',
    {
      config: { rateLimit: live.rateLimits.auth },
      schema: {
        body: Type.Object(
          {
            authCode: Type.String({ minLength: 1, maxLength: 128 }),
            nickname: Type.Optional(Nickname),
            avatarUrl: Type.Optional(AvatarUrl),
          },
          BODY,
        ),
        response: { 200: SessionView, '4xx': ErrorView, '5xx': ErrorView },
      },
    },
    async (request) => {
      if (auth === null) {
        throw new ApiError(
          503,
          'ALIPAY_NOT_CONFIGURED',
          `Alipay sign-in is not configured: set ${ALIPAY_VARIABLES.join(', ')}` +
            (live.config.authMode === 'dev' ? ' (or sign in with POST /api/auth/dev in AUTH_MODE=dev)' : ''),
        );
      }
      // One warning line per failure: its kind, never the code, the keys or Alipay's raw answer.
      const identity = await auth.exchange(request.body.authCode, (failure, detail) =>
        request.log.warn({ alipay: failure }, `Alipay sign-in failed: ${detail}`),
      );
      const user = await live.store.users.upsertByOpenid(
        alipayOpenid(identity),
        { nickname: request.body.nickname, avatarUrl: request.body.avatarUrl },
        live.now(),
        ALIPAY_DEFAULT_NICKNAME,
      );
      return openSession(live, user);
    },
  );

  /**
   * GET /api/rooms/:id/rtc-room: the parameters of Alipay's <rtc-room> component, for a member of this call only.
   * They are configured (ALIPAY_RTC_*), as Alipay's business contact issued them: nothing here computes them.
   */
  app.get(
    '/rooms/:id/rtc-room',
    {
      config: { rateLimit: live.rateLimits.token },
      schema: { params: RoomParams, response: { 200: RtcRoomView, '4xx': ErrorView, '5xx': ErrorView } },
    },
    async (request, reply) => {
      // The signature is secret-ish: no shared cache keeps it, on success or failure.
      reply.header('cache-control', 'no-store');
      const { user } = await requireUser(app, request);
      return rtcRoomFor(live, request.params.id, user.id);
    },
  );
};

export default alipayRoutes;

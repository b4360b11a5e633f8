import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { AlipayAuth, type AlipayIdentity } from '../../alipay/oauth';
import { ALIPAY_VARIABLES } from '../../config';
import { requireUser } from '../../http/auth';
import { ApiError } from '../../lib/errors';
import { loadRoom } from '../rooms/service';
import { ErrorView } from '../../lib/views';
import { BODY, RoomParams, RtcRoomView, SessionView } from '../../lib/schemas';
import { AvatarUrl, Nickname, openSession } from '../auth/routes';

/** Options of the Alipay routes (tests shorten the gateway timeout). */
export interface AlipayRouteOptions {
  /** How long to wait for Alipay's gateway (ms, default 5000). */
  timeoutMs?: number;
}

/**
 * The users.openid under which an Alipay identity is stored: `alipay:<user_id>` (`alipay:open_id:<open_id>` for
 * apps that Alipay switched to OpenID). WeChat openids never contain a colon, so the two never collide.
 */
export function alipayOpenid(identity: AlipayIdentity): string {
  return identity.kind === 'user_id' ? `alipay:${identity.value}` : `alipay:open_id:${identity.value}`;
}

/** The Alipay mini-program's routes: sign-in with my.getAuthCode, and the <rtc-room> parameters of a call. */
const alipayRoutes: FastifyPluginAsyncTypebox<AlipayRouteOptions> = async (app, options) => {
  const { live } = app;
  const { alipay } = live.config;
  const auth = alipay === null ? null : new AlipayAuth(alipay, options.timeoutMs);

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
      );
      return openSession(app, user);
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
      const room = await loadRoom(live, request.params.id);
      if (room.kind !== 'call') {
        throw new ApiError(
          400,
          'WRONG_KIND',
          `Room ${room.id} is a live room: <rtc-room> is for 1v1 calls only`,
        );
      }
      const members = await live.store.rooms.members(room.id);
      if (!members.some((member) => member.user.id === user.id)) {
        throw new ApiError(
          403,
          'NOT_A_MEMBER',
          'Only a member of this call gets its <rtc-room> parameters: join it first (POST /token {role: "call"})',
        );
      }
      if (room.status === 'ended') throw new ApiError(409, 'ROOM_ENDED', `Room ${room.id} has ended`);
      const rtc = live.config.alipayRtc;
      if (!rtc.configured) {
        throw new ApiError(
          503,
          'RTC_ROOM_NOT_CONFIGURED',
          `Alipay <rtc-room> is not configured: set ${rtc.missing.join(', ')} (issued by Alipay's business contact)`,
        );
      }
      return { bizName: rtc.bizName, subBiz: rtc.subBiz, serverUrl: rtc.serverUrl, signature: rtc.signature };
    },
  );
};

export default alipayRoutes;

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { AlipayAuth, type AlipayIdentity } from '../alipay/oauth';
import { ALIPAY_VARIABLES } from '../config';
import { ApiError } from '../lib/errors';
import { ErrorView } from '../lib/views';
import { AvatarUrl, Nickname, openSession, SessionView } from './auth';

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

/** The Alipay mini-program's routes: sign-in with my.getAuthCode. */
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
        body: Type.Object({
          authCode: Type.String({ minLength: 1, maxLength: 128 }),
          nickname: Type.Optional(Nickname),
          avatarUrl: Type.Optional(AvatarUrl),
        }),
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
};

export default alipayRoutes;

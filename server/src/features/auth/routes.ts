import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { requireUser } from '../../http/auth';
import { ApiError } from '../../lib/errors';
import { BODY, SessionView, UserAnswer } from '@zego-live/contract/schemas';
import { ErrorView, userView } from '../../lib/views';
import { AvatarUrl, Nickname, openSession } from './service';

/** Sign-in routes: WeChat (code2Session), development sign-in, sign-out, who-am-I. */
const authRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { auth: limit } = app.live.rateLimits;

  /** POST /api/auth/wechat: exchange a wx.login code for a session; the openid stays on the server. */
  app.post(
    '/auth/wechat',
    {
      config: { rateLimit: limit },
      schema: {
        body: Type.Object(
          {
            code: Type.String({ minLength: 1, maxLength: 128 }),
            nickname: Type.Optional(Nickname),
            avatarUrl: Type.Optional(AvatarUrl),
          },
          BODY,
        ),
        response: { 200: SessionView, '4xx': ErrorView, '5xx': ErrorView },
      },
    },
    async (request) => {
      const { wechat } = app.live;
      if (wechat === null) {
        throw new ApiError(
          503,
          'WECHAT_UNAVAILABLE',
          'WeChat sign-in is not configured: set WECHAT_APPID and WECHAT_SECRET',
        );
      }
      const session = await wechat.signIn(request.body.code);
      const user = await app.live.store.users.upsertByOpenid(
        session.openid,
        { nickname: request.body.nickname, avatarUrl: request.body.avatarUrl },
        app.live.now(),
      );
      return openSession(app.live, user);
    },
  );

  /** POST /api/auth/dev: sign in by nickname (AUTH_MODE=dev only; the same nickname is the same user). */
  app.post(
    '/auth/dev',
    {
      config: { rateLimit: limit },
      schema: {
        body: Type.Object({ nickname: Nickname }, BODY),
        response: { 200: SessionView, '4xx': ErrorView },
      },
    },
    async (request) => {
      if (app.live.config.authMode !== 'dev') {
        throw new ApiError(
          403,
          'FORBIDDEN',
          'Development sign-in is off (AUTH_MODE=wechat): use POST /api/auth/wechat or /api/auth/alipay',
        );
      }
      const user = await app.live.store.users.upsertDev(request.body.nickname, app.live.now());
      return openSession(app.live, user);
    },
  );

  /** POST /api/auth/logout: revokes the caller's session. */
  app.post(
    '/auth/logout',
    {
      config: { rateLimit: app.live.rateLimits.write },
      schema: { response: { 200: Type.Object({ ok: Type.Boolean() }), '4xx': ErrorView } },
    },
    async (request) => {
      const { user, tokenHash } = await requireUser(app, request);
      await app.live.store.sessions.revoke(tokenHash, app.live.now());
      await app.events.closeSession(user.id, tokenHash);
      return { ok: true };
    },
  );

  /** GET /api/auth/me: the signed-in user (lets the mini-program check a stored session). */
  app.get('/auth/me', { schema: { response: { 200: UserAnswer, '4xx': ErrorView } } }, async (request) => {
    const { user } = await requireUser(app, request);
    return { user: userView(user) };
  });
};

export default authRoutes;

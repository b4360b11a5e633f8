import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';

/** GET /api/config: what the mini-program needs to create the ZEGO engine (never the secret). */
const configRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/config',
    {
      schema: {
        response: {
          200: Type.Object({
            appID: Type.Number(),
            server: Type.Array(Type.String()),
            configured: Type.Boolean(),
            authMode: Type.Union([Type.Literal('dev'), Type.Literal('wechat')]),
          }),
        },
      },
    },
    async () => {
      const { zego, authMode } = app.live.config;
      return zego
        ? { appID: zego.appID, server: [...zego.server], configured: true, authMode }
        : { appID: 0, server: [], configured: false, authMode };
    },
  );
};

export default configRoutes;

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ConfigView } from '@zego-live/contract/schemas';

/** GET /api/config: what the mini-program needs to create the ZEGO engine (never the secret). */
const configRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/config',
    {
      schema: {
        response: { 200: ConfigView },
      },
    },
    async () => {
      const { zego, authMode } = app.live.config;
      const reminderTemplateId = app.reminders.templateId;
      const replays = app.live.cloudRecord !== null;
      return zego
        ? {
            appID: zego.appID,
            server: [...zego.server],
            configured: true,
            authMode,
            reminderTemplateId,
            replays,
          }
        : { appID: 0, server: [], configured: false, authMode, reminderTemplateId, replays };
    },
  );
};

export default configRoutes;

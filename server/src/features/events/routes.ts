import type { FastifyPluginAsync } from 'fastify';

/** GET /api/events: the event channel's WebSocket. The session comes in the first message, never in the URL. */
const eventRoutes: FastifyPluginAsync = async (app) => {
  app.get('/events', { websocket: true, schema: { hide: true } }, (socket) => app.eventHub.accept(socket));
};

export default eventRoutes;

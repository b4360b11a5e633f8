import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { requireSessionHash } from '../../http/auth';
import { Errors } from '../../http/route-parts';
import { RoomParams, RoomTokenView, TokenBody } from '@zego-live/contract/schemas';
import { TokenIssuer } from './service';

/** The token route (under /api). */
const tokenRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { live } = app;
  const tokens = new TokenIssuer(live);

  /**
   * POST /api/rooms/:id/token {role}: a ZEGO Token04 bound to this room; also renews. Without a body (or a role)
   * it is a viewer's ("audience") token. In a live room only the owner (anchor) may publish, an accepted co-host
   * its own co-host stream; in a call room (role "call") each of the two members publishes its own stream.
   */
  app.post(
    '/rooms/:id/token',
    {
      config: { rateLimit: live.rateLimits.token },
      schema: { params: RoomParams, body: TokenBody, response: { 200: RoomTokenView, ...Errors } },
    },
    async (request) => {
      const tokenHash = requireSessionHash(app, request);
      // No body (or no role) asks for what most requests are: a viewer's token.
      return tokens.issue(tokenHash, request.params.id, request.body.role ?? 'audience', request.log);
    },
  );
};

export default tokenRoutes;

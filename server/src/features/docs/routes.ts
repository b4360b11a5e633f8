import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import fp from 'fastify-plugin';
import { BODY_RULES } from '../../http/http-contract';

/** Where the OpenAPI document is served (JSON; /docs/yaml has the same in YAML). */
export const OPENAPI_PATH = '/docs/json';

/**
 * The API contract published: OpenAPI 3 built from every route's TypeBox schemas, and a docs page at /docs (its
 * assets ship in the package; nothing is loaded from elsewhere). Register before the routes: it records them as
 * they are added.
 */
export default fp(
  async (app) => {
    await app.register(swagger, {
      openapi: {
        openapi: '3.0.3',
        info: {
          title: 'Live service',
          version: '0.1.0',
          description:
            'Users, rooms and ZEGO tokens for the live-streaming mini-program and its 1v1 call app. ' +
            'Signed-in calls send Authorization: Bearer <sessionToken>; operator calls the console token. ' +
            BODY_RULES,
        },
        components: {
          securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
        },
      },
    });
    await app.register(swaggerUi, { routePrefix: '/docs', uiConfig: { docExpansion: 'list' } });
  },
  { name: 'docs' },
);

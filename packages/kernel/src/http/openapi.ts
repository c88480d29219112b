import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';

/** Where the platform mounts each service's internal routes (/internal/<service>/...), behind the service token. */
export const INTERNAL_PREFIX = '/internal/';

/**
 * OpenAPI 3.1 generated from the route schemas, served at /openapi.json and browsable at /docs. Internal routes
 * (INTERNAL_PREFIX) are service-to-service plumbing and never appear in it.
 */
export async function registerOpenApi(app: FastifyInstance, publicUrl: string): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'PaieCashFan API',
        version: '1.0.0',
        description:
          'REST API of the PaieCashFan platform. Errors are RFC 9457 application/problem+json. ' +
          'Money is a decimal string with its asset. POSTs that move money or stock take an Idempotency-Key header.',
      },
      servers: [{ url: publicUrl }],
      components: {
        securitySchemes: {
          bearer: {
            type: 'http',
            scheme: 'bearer',
            description: 'Access token (JWT) or partner secret key (sk_...)',
          },
        },
      },
    },
    transform: ({ schema, url }) => ({
      schema: url.startsWith(INTERNAL_PREFIX) ? { ...schema, hide: true } : schema,
      url,
    }),
  });
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    uiConfig: { deepLinking: true, persistAuthorization: false },
    staticCSP: true,
  });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
}

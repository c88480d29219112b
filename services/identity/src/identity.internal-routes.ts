import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { IdentityPort } from './identity.port.ts';

/** The HTTP face of IdentityPort, for services running in other processes (mounted under /internal/identity). */
export function identityInternalRoutes(port: IdentityPort): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.post(
      '/secret-keys/resolve',
      { schema: { body: Type.Object({ secret: Type.String({ maxLength: 200 }) }) } },
      async (request) => port.resolveSecretKey(request.body.secret),
    );
    app.post(
      '/origins/check',
      { schema: { body: Type.Object({ origin: Type.String({ maxLength: 300 }) }) } },
      async (request) => ({ allowed: await port.isAllowedOrigin(request.body.origin) }),
    );
    app.post(
      '/sessions/check',
      { schema: { body: Type.Object({ sessionId: Type.String({ maxLength: 100 }) }) } },
      async (request) => ({ active: await port.isSessionActive(request.body.sessionId) }),
    );
    app.post(
      '/users/find',
      { schema: { body: Type.Object({ reference: Type.String({ maxLength: 300 }) }) } },
      async (request) => port.findUser(request.body.reference),
    );
    app.post(
      '/publishable-keys/find',
      { schema: { body: Type.Object({ publishableKey: Type.String({ maxLength: 200 }) }) } },
      async (request) => port.getPublishableKey(request.body.publishableKey),
    );
  };
}

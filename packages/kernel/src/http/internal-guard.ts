import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { UnauthenticatedError } from '../errors.ts';
import { SERVICE_TOKEN_HEADER } from '../internal-client.ts';

/** Internal routes answer only callers presenting the shared service token. */
export function requireServiceToken(scope: FastifyInstance, token: string): void {
  const expected = digest(token);
  scope.addHook('onRequest', async (request) => {
    const presented = request.headers[SERVICE_TOKEN_HEADER];
    if (typeof presented !== 'string' || !timingSafeEqual(digest(presented), expected)) {
      throw new UnauthenticatedError('A valid service token is required', 'invalid_service_token');
    }
  });
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

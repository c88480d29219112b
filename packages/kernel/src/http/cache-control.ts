import type { FastifyInstance } from 'fastify';

/**
 * Sends `Cache-Control: <value>` (e.g. `no-store`) on every answer of the routes in scope, errors included,
 * unless a route set its own. The platform applies a service's ServiceModule.cacheControl this way.
 */
export function registerCacheControl(scope: FastifyInstance, value: string): void {
  scope.addHook('onSend', (_request, reply, payload, done) => {
    if (!reply.hasHeader('cache-control')) reply.header('cache-control', value);
    done(null, payload);
  });
}

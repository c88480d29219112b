import type { FastifyInstance } from 'fastify';
import { TtlCache } from '../ttl-cache.ts';

/** Which browser origins may call the API: the platform's own, plus those of active publishable keys. */
export interface OriginPolicy {
  isAllowedOrigin(origin: string): Promise<boolean>;
}

const ALLOW_METHODS = 'GET, POST, PUT, PATCH, DELETE, OPTIONS';
const ALLOW_HEADERS = 'authorization, content-type, idempotency-key, x-request-id';
const EXPOSE_HEADERS = 'x-request-id, retry-after, idempotent-replayed, location';

export function registerCors(app: FastifyInstance, platformOrigin: string, policy: OriginPolicy): void {
  const allowed = async (origin: string | undefined): Promise<boolean> =>
    origin !== undefined && (origin === platformOrigin || (await policy.isAllowedOrigin(origin)));

  app.addHook('onRequest', (request, reply, done) => {
    reply.header('vary', 'Origin');
    const origin = request.headers.origin;
    if (origin === undefined) return done();
    allowed(origin).then((ok) => {
      if (ok)
        reply.headers({
          'access-control-allow-origin': origin,
          'access-control-expose-headers': EXPOSE_HEADERS,
        });
      done();
    }, done);
  });

  app.options('*', { schema: { hide: true } }, async (request, reply) => {
    if (await allowed(request.headers.origin)) {
      reply.header('access-control-allow-methods', ALLOW_METHODS);
      reply.header('access-control-allow-headers', ALLOW_HEADERS);
      reply.header('access-control-max-age', '600');
    }
    return reply.code(204).send();
  });
}

/** Caches answers of a slower policy for ttlMs (keys change rarely; revocation shows within ttlMs). */
export function cachedOriginPolicy(inner: OriginPolicy, ttlMs = 10_000): OriginPolicy {
  const cache = new TtlCache<string, boolean>(ttlMs);
  return {
    async isAllowedOrigin(origin) {
      const hit = cache.get(origin);
      if (hit !== undefined) return hit;
      const allowed = await inner.isAllowedOrigin(origin);
      cache.set(origin, allowed);
      return allowed;
    },
  };
}

import cors from '@fastify/cors';
import type { FastifyInstance } from 'fastify';
import { TtlCache } from '../ttl-cache.ts';

/** Which browser origins may call the API: the platform's own, plus those of active publishable keys. */
export interface OriginPolicy {
  isAllowedOrigin(origin: string): Promise<boolean>;
}

/**
 * CORS through @fastify/cors: an allowed origin (the platform's own or one an active publishable key lists) is
 * reflected in `Access-Control-Allow-Origin` and may preflight; any other origin gets no CORS header at all (its
 * preflight answers 404 problem+json). Preflights are answered in the onRequest hook, before authentication.
 */
export async function registerCors(
  app: FastifyInstance,
  platformOrigin: string,
  policy: OriginPolicy,
): Promise<void> {
  await app.register(cors, {
    origin: (origin, callback) => {
      if (origin === undefined) return callback(null, false);
      if (origin === platformOrigin) return callback(null, true);
      policy.isAllowedOrigin(origin).then(
        (allowed) => callback(null, allowed),
        (error: Error) => callback(error, false),
      );
    },
    methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
    allowedHeaders: ['authorization', 'content-type', 'idempotency-key', 'x-request-id'],
    exposedHeaders: ['x-request-id', 'retry-after', 'idempotent-replayed', 'location'],
    maxAge: 600,
    // A preflight without Access-Control-Request-Method is still answered 204, as before.
    strictPreflight: false,
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

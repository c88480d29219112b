import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Principal } from '../auth/principal.ts';
import { RateLimitedError } from '../errors.ts';
import type { RateLimitStore } from './rate-limit.ts';

export interface RateLimitOptions {
  perIpPerMinute: number;
  perUserPerMinute: number;
}

const EXEMPT = new Set(['/healthz', '/readyz', '/metrics']);
const WINDOW_MS = 60_000;

export function registerIpRateLimit(
  app: FastifyInstance,
  store: RateLimitStore,
  options: RateLimitOptions,
): void {
  app.addHook('onRequest', (request, _reply, done) => {
    if (EXEMPT.has(request.url) || request.method === 'OPTIONS') return done();
    enforce(store, `ip:${request.ip}`, options.perIpPerMinute).then(() => done(), done);
  });
}

/** Called once the caller is known (see registerAuthentication's onAuthenticated). */
export function userRateLimiter(store: RateLimitStore, options: RateLimitOptions) {
  return async (_request: FastifyRequest, principal: Principal): Promise<void> => {
    const key =
      principal.kind === 'partner_key' ? `partner:${principal.partnerId}` : `user:${principal.userId}`;
    await enforce(store, key, options.perUserPerMinute);
  };
}

export async function enforce(
  store: RateLimitStore,
  key: string,
  limit: number,
  windowMs = WINDOW_MS,
): Promise<void> {
  const result = await store.hit(key, limit, windowMs);
  if (!result.allowed) throw new RateLimitedError(Math.max(1, Math.ceil(result.resetMs / 1000)));
}

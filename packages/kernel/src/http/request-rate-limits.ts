import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Redis } from 'ioredis';
import type { Principal } from '../auth/principal.ts';
import { RateLimitedError } from '../errors.ts';

export interface RequestRateLimitOptions {
  perIpPerMinute: number;
  perUserPerMinute: number;
  /** Counters shared by every process on this Redis (its RedisStore); without it, counters live in this process. */
  redis?: Redis | undefined;
  /** Prefix of the Redis keys, e.g. `pcf:rl:`. */
  keyPrefix?: string;
}

/** Health checks and metrics are never limited; nor are CORS preflights. */
const EXEMPT = new Set(['/healthz', '/readyz', '/metrics']);
const WINDOW_MS = 60_000;
/** In-process counters kept (least recently used evicted beyond): far more clients than a minute brings. */
const LOCAL_KEYS = 100_000;

/** `user:<id>` or `partner:<id>`: the counter of an authenticated caller. */
function principalKey(principal: Principal): string {
  return principal.kind === 'partner_key' ? `partner:${principal.partnerId}` : `user:${principal.userId}`;
}

/**
 * Per-IP and per-caller request budgets through @fastify/rate-limit (fixed one-minute windows, its LocalStore or
 * its RedisStore): every request counts against `ip:<address>` in an onRequest hook registered here — so before
 * authentication when registered before it — and, once its caller is known, against `user:<id>` / `partner:<id>`
 * through the returned function (give it to registerAuthentication as onAuthenticated).
 * Over budget: 429 problem+json `rate_limited` with `Retry-After` (seconds until the window resets).
 */
export async function registerRequestRateLimits(
  app: FastifyInstance,
  options: RequestRateLimitOptions,
): Promise<(request: FastifyRequest, principal: Principal) => Promise<void>> {
  await app.register(rateLimit, {
    global: false,
    hook: 'onRequest',
    timeWindow: WINDOW_MS,
    // One limiter, two phases: before authentication the key is the address, after it the caller.
    keyGenerator: (request) => (request.principal ? principalKey(request.principal) : `ip:${request.ip}`),
    max: (_request, key) => (key.startsWith('ip:') ? options.perIpPerMinute : options.perUserPerMinute),
    allowList: (request) => request.method === 'OPTIONS' || EXEMPT.has(request.url),
    cache: LOCAL_KEYS,
    ...(options.redis ? { redis: options.redis, nameSpace: options.keyPrefix ?? 'pcf:rl:' } : {}),
    // Retry-After comes with the problem (sendProblem); no X-RateLimit-* headers on every answer.
    addHeaders: {
      'x-ratelimit-limit': false,
      'x-ratelimit-remaining': false,
      'x-ratelimit-reset': false,
      'retry-after': false,
    },
    addHeadersOnExceeding: {
      'x-ratelimit-limit': false,
      'x-ratelimit-remaining': false,
      'x-ratelimit-reset': false,
    },
    errorResponseBuilder: (_request, context) =>
      new RateLimitedError(Math.max(1, Math.ceil(context.ttl / 1000))),
  });
  app.addHook('onRequest', app.rateLimit());
  const perCaller = app.createRateLimit();
  return async (request) => {
    const result = await perCaller(request);
    if (!result.isAllowed && result.isExceeded) throw new RateLimitedError(Math.max(1, result.ttlInSeconds));
  };
}

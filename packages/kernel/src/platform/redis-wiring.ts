import { Redis } from 'ioredis';
import type { Config } from '../config.ts';
import type { Broadcaster } from '../events/broadcaster.ts';
import type { EventBus } from '../events/event.ts';
import { RedisBroadcaster } from '../events/redis-broadcaster.ts';
import { RedisEventBus } from '../events/redis-bus.ts';
import type { RateLimitStore } from '../http/rate-limit.ts';
import { RedisRateLimitStore } from '../http/redis-rate-limit.ts';

/** What a platform with REDIS_URL shares through Redis. */
export interface RedisWiring {
  /** One connection for the request limiter and the services' own counters (ctx.rateLimits). */
  rateLimitRedis: Redis;
  rateLimits: RateLimitStore;
  bus: EventBus;
  broadcaster: Broadcaster;
}

/**
 * The Redis-backed rate limits, event bus and fan-out, all under config.redisPrefix. Imported by the platform only
 * when REDIS_URL is set, so that the embedded default does not load a Redis client at start.
 */
export function redisWiring(
  config: Config & { redisUrl: string },
  onBusError: (error: unknown) => void,
): RedisWiring {
  const rateLimitRedis = new Redis(config.redisUrl);
  return {
    rateLimitRedis,
    rateLimits: new RedisRateLimitStore(rateLimitRedis, `${config.redisPrefix}rl:`),
    bus: new RedisEventBus({
      url: config.redisUrl,
      streamPrefix: `${config.redisPrefix}events:`,
      onError: onBusError,
    }),
    broadcaster: new RedisBroadcaster(config.redisUrl, `${config.redisPrefix}fanout:`),
  };
}

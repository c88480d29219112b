import { createHash } from 'node:crypto';
import { Redis } from 'ioredis';
import type { RateLimitResult, RateLimitStore } from './rate-limit.ts';

// The PTTL < 0 branch repairs a counter that somehow lost its expiry, so it cannot block a key forever.
const HIT_SCRIPT = `
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {count, ttl}
`;
const HIT_SHA = createHash('sha1').update(HIT_SCRIPT).digest('hex');

/** Fixed-window counters in Redis, shared by every process using the same server and prefix. */
export class RedisRateLimitStore implements RateLimitStore {
  readonly kind = 'redis' as const;
  readonly #redis: Redis;
  readonly #ownsConnection: boolean;

  constructor(
    connection: string | Redis,
    private readonly keyPrefix = 'pcf:rl:',
  ) {
    this.#ownsConnection = typeof connection === 'string';
    this.#redis = typeof connection === 'string' ? new Redis(connection) : connection;
  }

  async hit(key: string, limit: number, windowMs: number): Promise<RateLimitResult> {
    const reply = await this.#runHit(this.keyPrefix + key, Math.max(1, Math.ceil(windowMs)));
    if (!Array.isArray(reply) || typeof reply[0] !== 'number' || typeof reply[1] !== 'number') {
      throw new Error(`Unexpected rate-limit script reply: ${JSON.stringify(reply)}`);
    }
    const [count, ttl] = reply;
    return { allowed: count <= limit, count, resetMs: Math.max(0, ttl) };
  }

  async reset(key: string): Promise<void> {
    await this.#redis.del(this.keyPrefix + key);
  }

  async close(): Promise<void> {
    if (this.#ownsConnection) await this.#redis.quit();
  }

  async #runHit(key: string, windowMs: number): Promise<unknown> {
    try {
      return await this.#redis.evalsha(HIT_SHA, 1, key, windowMs);
    } catch (error) {
      if (!String(error).includes('NOSCRIPT')) throw error;
      return this.#redis.eval(HIT_SCRIPT, 1, key, windowMs);
    }
  }
}

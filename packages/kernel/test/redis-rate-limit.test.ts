import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RedisRateLimitStore } from '../src/http/redis-rate-limit.ts';

const url = process.env.TEST_REDIS_URL ?? '';

describe.skipIf(!url)('RedisRateLimitStore', () => {
  let redis: Redis;
  let prefix: string;
  let stores: RedisRateLimitStore[];

  function store(): RedisRateLimitStore {
    const created = new RedisRateLimitStore(url, prefix);
    stores.push(created);
    return created;
  }

  beforeEach(() => {
    redis = new Redis(url);
    prefix = `pcf:test:rl:${randomUUID()}:`;
    stores = [];
  });

  afterEach(async () => {
    await Promise.all(stores.map((s) => s.close()));
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  });

  it('shares one counter between store instances', async () => {
    const [a, b] = [store(), store()];
    expect(a.kind).toBe('redis');
    const results = [
      await a.hit('login:ann', 3, 60_000),
      await b.hit('login:ann', 3, 60_000),
      await a.hit('login:ann', 3, 60_000),
      await b.hit('login:ann', 3, 60_000),
    ];
    expect(results.map((r) => [r.allowed, r.count])).toEqual([
      [true, 1],
      [true, 2],
      [true, 3],
      [false, 4],
    ]);
    for (const r of results) {
      expect(r.resetMs).toBeGreaterThan(0);
      expect(r.resetMs).toBeLessThanOrEqual(60_000);
    }
    expect((await b.hit('login:bob', 3, 60_000)).count).toBe(1);
  });

  it('starts a new window once the previous one expires', async () => {
    const s = store();
    expect((await s.hit('k', 1, 200)).allowed).toBe(true);
    expect((await s.hit('k', 1, 200)).allowed).toBe(false);
    let next = await s.hit('k', 1, 200);
    while (next.count > 1) {
      await delay(50);
      next = await s.hit('k', 1, 200);
    }
    expect(next).toMatchObject({ allowed: true, count: 1 });
  });

  it('forgets a key on reset', async () => {
    const s = store();
    await s.hit('k', 1, 60_000);
    expect((await s.hit('k', 1, 60_000)).allowed).toBe(false);
    await s.reset('k');
    expect(await s.hit('k', 1, 60_000)).toMatchObject({ allowed: true, count: 1 });
  });

  it('allows exactly the limit among concurrent hits from two instances', async () => {
    const [a, b] = [store(), store()];
    const results = await Promise.all(
      Array.from({ length: 100 }, (_, i) => (i % 2 === 0 ? a : b).hit('burst', 10, 60_000)),
    );
    expect(results.filter((r) => r.allowed)).toHaveLength(10);
    expect(results.map((r) => r.count).sort((x, y) => x - y)).toEqual(
      Array.from({ length: 100 }, (_, i) => i + 1),
    );
  });

  it('uses a caller-provided connection without closing it', async () => {
    const s = new RedisRateLimitStore(redis, prefix);
    expect((await s.hit('shared', 5, 60_000)).count).toBe(1);
    await s.close();
    expect(await redis.ping()).toBe('PONG');
  });
});

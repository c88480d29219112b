import { describe, expect, it } from 'vitest';
import { TtlCache } from '../src/ttl-cache.ts';

describe('TtlCache', () => {
  it('forgets entries after their TTL or their own expiry, whichever is first', () => {
    let now = 1_000;
    const cache = new TtlCache<string, number>(100, 10, () => now);
    cache.set('a', 1);
    cache.set('b', 2, now + 50);
    now += 60;
    expect(cache.get('a')).toBe(1);
    expect(cache.get('b')).toBeUndefined();
    now += 50;
    expect(cache.get('a')).toBeUndefined();
  });

  it('evicts the oldest entry when full', () => {
    const cache = new TtlCache<number, number>(10_000, 3);
    for (const n of [1, 2, 3, 4]) cache.set(n, n);
    expect([1, 2, 3, 4].map((n) => cache.get(n))).toEqual([undefined, 2, 3, 4]);
    cache.delete(2);
    expect(cache.get(2)).toBeUndefined();
  });
});

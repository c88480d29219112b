import { describe, expect, it } from 'vitest';
import { KeyedMutex } from '../src/db/mutex.ts';

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

describe('KeyedMutex', () => {
  it('runs work of one key one at a time in arrival order, other keys in parallel, and forgets idle keys', async () => {
    const queues = new KeyedMutex();
    const log: string[] = [];
    let running = 0;
    let mostAtOnceForA = 0;
    const work = (key: string, id: string) =>
      queues.run(key, async () => {
        if (key === 'a') mostAtOnceForA = Math.max(mostAtOnceForA, ++running);
        log.push(`${id} start`);
        await tick();
        log.push(`${id} end`);
        if (key === 'a') running--;
        return id;
      });
    const results = await Promise.all([work('a', 'a1'), work('a', 'a2'), work('b', 'b1'), work('a', 'a3')]);
    expect(results).toEqual(['a1', 'a2', 'b1', 'a3']);
    expect(mostAtOnceForA).toBe(1);
    expect(log.filter((l) => l.startsWith('a'))).toEqual([
      'a1 start',
      'a1 end',
      'a2 start',
      'a2 end',
      'a3 start',
      'a3 end',
    ]);
    expect(log.indexOf('b1 start')).toBeLessThan(log.indexOf('a1 end'));
    expect(queues.size).toBe(0);
  });

  it('releases the key when the work throws', async () => {
    const queues = new KeyedMutex();
    await expect(queues.run('a', async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await queues.run('a', async () => 'next')).toBe('next');
    expect(queues.size).toBe(0);
  });
});

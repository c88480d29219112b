import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { Type } from '@sinclair/typebox';
import { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrate } from '../src/db/migrate.ts';
import { PgliteDatabase } from '../src/db/pglite.ts';
import { idempotentSubscription } from '../src/events/consumer.ts';
import type { DomainEvent } from '../src/events/event.ts';
import { RedisEventBus, type RedisEventBusOptions } from '../src/events/redis-bus.ts';
import { defineTopic } from '../src/events/topic.ts';

const url = process.env.TEST_REDIS_URL ?? '';
const tickets = defineTopic(
  'bustest.tickets',
  Type.Object({ n: Type.Integer(), nested: Type.Object({ ok: Type.Boolean() }) }),
  { version: 1, description: 'a test needs it' },
);

async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met before timeout');
    await delay(20);
  }
}

function makeEvent(topic: string, n = 0): DomainEvent {
  return {
    id: randomUUID(),
    topic,
    source: 'test',
    occurredAt: new Date().toISOString(),
    payload: { n, nested: { ok: true } },
  };
}

describe.skipIf(!url)('RedisEventBus', () => {
  let redis: Redis;
  let prefix: string;
  let buses: RedisEventBus[];

  function bus(options: Partial<RedisEventBusOptions> = {}): RedisEventBus {
    const created = new RedisEventBus({ url, streamPrefix: prefix, blockMs: 100, ...options });
    buses.push(created);
    return created;
  }

  async function pending(topic: string, group: string): Promise<number> {
    const summary = await redis.xpending(`${prefix}${topic}`, group);
    return Number(Array.isArray(summary) ? summary[0] : 0);
  }

  beforeEach(() => {
    redis = new Redis(url);
    prefix = `pcf:test:${randomUUID()}:`;
    buses = [];
  });

  afterEach(async () => {
    await Promise.all(buses.map((b) => b.stop()));
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  });

  it('delivers the exact published event to every consumer group', async () => {
    const received = new Map<string, DomainEvent[]>([
      ['a', []],
      ['b', []],
    ]);
    const consumer = bus();
    for (const [group, list] of received) {
      consumer.subscribe({ consumer: group, topics: ['orders'], handler: async (e) => void list.push(e) });
    }
    await consumer.start();
    const event = makeEvent('orders');
    await bus().publish([event, makeEvent('other-topic')]);

    await waitFor(() => [...received.values()].every((list) => list.length === 1));
    expect(received.get('a')).toEqual([event]);
    expect(received.get('b')).toEqual([event]);
  });

  it('reads several topics in one subscription, including a subscription added after start', async () => {
    const seen: string[] = [];
    const consumer = bus();
    await consumer.start();
    consumer.subscribe({
      consumer: 'multi',
      topics: ['x', 'y'],
      handler: async (e) => void seen.push(e.topic),
    });
    await bus().publish([makeEvent('x'), makeEvent('y')]);
    await waitFor(() => seen.length === 2);
    expect(seen.sort()).toEqual(['x', 'y']);
  });

  it('splits the work between competing consumers of one group', async () => {
    const byBus = [new Set<string>(), new Set<string>()];
    for (const ids of byBus) {
      const member = bus();
      member.subscribe({
        consumer: 'workers',
        topics: ['jobs'],
        handler: async (e) => {
          ids.add(e.id);
          await delay(5);
        },
      });
      await member.start();
    }
    const events = Array.from({ length: 100 }, (_, n) => makeEvent('jobs', n));
    await bus().publish(events);

    const [first, second] = byBus as [Set<string>, Set<string>];
    await waitFor(() => first.size + second.size >= 100);
    await waitFor(async () => (await pending('jobs', 'workers')) === 0);
    expect([...first].filter((id) => second.has(id))).toEqual([]);
    expect(new Set([...first, ...second])).toEqual(new Set(events.map((e) => e.id)));
    expect(first.size).toBeGreaterThan(0);
    expect(second.size).toBeGreaterThan(0);
  });

  it('leaves a failed event pending and redelivers it later', async () => {
    const errors: unknown[] = [];
    const delivered: string[] = [];
    let attempts = 0;
    let failing = true;
    const consumer = bus({
      claimIdleMs: 200,
      onError: (e) => errors.push(e),
      onDelivered: (e, group) => delivered.push(`${group}:${e.id}`),
    });
    consumer.subscribe({
      consumer: 'flaky',
      topics: ['payments'],
      handler: async () => {
        attempts++;
        if (failing) throw new Error('handler failed');
      },
    });
    await consumer.start();
    const event = makeEvent('payments');
    await consumer.publish([event]);

    await waitFor(() => attempts >= 2);
    expect(await pending('payments', 'flaky')).toBe(1);
    expect(errors.some((e) => e instanceof Error && e.message === 'handler failed')).toBe(true);
    expect(delivered).toEqual([]);

    failing = false;
    await waitFor(() => delivered.length === 1);
    expect(delivered).toEqual([`flaky:${event.id}`]);
    await waitFor(async () => (await pending('payments', 'flaky')) === 0);
  });

  it('acknowledges and reports malformed entries, then keeps going', async () => {
    const errors: unknown[] = [];
    const seen: string[] = [];
    const consumer = bus({ onError: (e) => errors.push(e) });
    consumer.subscribe({ consumer: 'strict', topics: ['raw'], handler: async (e) => void seen.push(e.id) });
    await consumer.start();
    await redis.xadd(`${prefix}raw`, '*', 'event', 'not json');
    await redis.xadd(`${prefix}raw`, '*', 'other', '{}');
    const event = makeEvent('raw');
    await consumer.publish([event]);

    await waitFor(() => seen.length === 1 && errors.length >= 2);
    expect(seen).toEqual([event.id]);
    expect(await pending('raw', 'strict')).toBe(0);
  });

  it('stops promptly with the default block time and rejects publish afterwards', async () => {
    const consumer = bus({ blockMs: 1000 });
    consumer.subscribe({ consumer: 'idle', topics: ['quiet'], handler: async () => {} });
    await consumer.start();
    await consumer.stop();
    await expect(consumer.publish([makeEvent('quiet')])).rejects.toThrow(/stopped/);
  });

  describe('a consumer crashing mid-stream', () => {
    let db: PgliteDatabase;
    let migrationsDir: string;

    beforeEach(async () => {
      db = await PgliteDatabase.open();
      migrationsDir = await mkdtemp(join(tmpdir(), 'redis-bus-test-'));
      await migrate(db, { schema: 'bustest', migrationsDir });
      await db.query('CREATE TABLE bustest.effects (event_id uuid NOT NULL)');
    });

    afterEach(async () => {
      await db.close();
      await rm(migrationsDir, { recursive: true, force: true });
    });

    it('hands its unacknowledged events to the rest of the group: each processed exactly once', async () => {
      const total = 200;
      const handled = new Map<string, number>();
      const subscription = idempotentSubscription(db, 'bustest', {
        name: 'bustest.crash',
        topics: [tickets],
        handle: async (event, tx) => {
          handled.set(event.id, (handled.get(event.id) ?? 0) + 1);
          await tx.query('INSERT INTO bustest.effects (event_id) VALUES ($1)', [event.id]);
        },
      });

      // A commits its first 60 events properly, then commits 20 more but "dies" before acking them,
      // then fails before doing anything for every further event.
      let seenByA = 0;
      const a = bus({ consumerId: 'A', claimIdleMs: 300 });
      a.subscribe({
        consumer: 'bustest.crash',
        topics: [tickets.name],
        handler: async (event) => {
          seenByA++;
          if (seenByA > 80) throw new Error('crashed');
          await subscription.handler(event);
          if (seenByA > 60) throw new Error('crashed before ack');
        },
      });
      await a.start();
      const events = Array.from({ length: total }, (_, n) => makeEvent(tickets.name, n));
      await bus().publish(events);
      await waitFor(() => seenByA >= 100);
      await a.stop();

      let alreadyProcessedOnB = 0;
      const b = bus({ consumerId: 'B', claimIdleMs: 300 });
      b.subscribe({
        ...subscription,
        handler: async (event) => {
          if (handled.has(event.id)) alreadyProcessedOnB++;
          await subscription.handler(event);
        },
      });
      await b.start();

      const count = async (sql: string): Promise<number> =>
        Number((await db.query<{ n: string }>(sql)).rows[0]?.n);
      await waitFor(
        async () => (await count('SELECT count(*) AS n FROM bustest.processed_events')) === total,
      );
      await waitFor(async () => (await pending(tickets.name, 'bustest.crash')) === 0);

      expect(alreadyProcessedOnB).toBeGreaterThanOrEqual(20);
      expect(handled.size).toBe(total);
      expect([...handled.values()].every((n) => n === 1)).toBe(true);
      expect(new Set(handled.keys())).toEqual(new Set(events.map((e) => e.id)));
      expect(await count('SELECT count(*) AS n FROM bustest.effects')).toBe(total);
      expect(await count('SELECT count(DISTINCT event_id) AS n FROM bustest.effects')).toBe(total);
    });
  });
});

import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Type } from '@sinclair/typebox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/db/database.ts';
import { migrate } from '../src/db/migrate.ts';
import { PgliteDatabase } from '../src/db/pglite.ts';
import { PostgresDatabase } from '../src/db/postgres.ts';
import { idempotentSubscription } from '../src/events/consumer.ts';
import type { DomainEvent } from '../src/events/event.ts';
import { MemoryEventBus } from '../src/events/memory-bus.ts';
import { Outbox } from '../src/events/outbox.ts';
import { OutboxRelay } from '../src/events/relay.ts';
import { defineTopic } from '../src/events/topic.ts';
import { testBackends } from './support/index.ts';

const Count = Type.Object({ n: Type.Integer() });
const info = { version: 1, description: 'a test needs it' };
const happened = defineTopic('producer.thing_happened', Count, info);
const counted = defineTopic('producer.thing_counted', Count, info);
const bulk = defineTopic('producer.bulk', Count, info);
const live = defineTopic('producer.live', Type.Object({ ok: Type.Boolean() }), info);

describe.each(testBackends())('transactional outbox on $name', (backend) => {
  let db: Database;
  let drop: () => Promise<void>;

  beforeAll(async () => {
    const created = await backend.create();
    drop = created.drop;
    db = created.databaseUrl
      ? new PostgresDatabase(created.databaseUrl, { max: 5 })
      : await PgliteDatabase.open();
    const empty = await mkdtemp(join(tmpdir(), 'pcf-mig-'));
    await migrate(db, { schema: 'producer', migrationsDir: empty });
    await migrate(db, { schema: 'consumer', migrationsDir: empty });
    await db.query('CREATE TABLE consumer.effects (event_id uuid PRIMARY KEY, n integer NOT NULL)');
  });
  afterAll(async () => {
    await db.close();
    await drop();
  });

  it('publishes only what committed, each event once, with a unique id', async () => {
    const outbox = new Outbox('producer', 'producer');
    const bus = new MemoryEventBus();
    const seen: DomainEvent[] = [];
    bus.subscribe({
      consumer: 'test.collect',
      topics: [happened.name],
      handler: async (e) => void seen.push(e),
    });
    const relay = new OutboxRelay(db, 'producer', bus);

    await db.transaction(async (tx) => {
      await outbox.publish(tx, happened, { n: 1 });
      await outbox.publish(tx, happened, { n: 2 });
    });
    await expect(
      db.transaction(async (tx) => {
        await outbox.publish(tx, happened, { n: 3 });
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');

    expect(await relay.pending()).toBe(2);
    expect(await relay.flush()).toBe(2);
    expect(await relay.flush()).toBe(0);
    expect(seen.map((e) => e.payload)).toEqual([{ n: 1 }, { n: 2 }]);
    expect(new Set(seen.map((e) => e.id)).size).toBe(2);
    expect(seen[0]).toMatchObject({ topic: 'producer.thing_happened', source: 'producer' });
    expect(await relay.pending()).toBe(0);
  });

  it('redelivers after a handler failure, and idempotent consumers apply each event once', async () => {
    const outbox = new Outbox('producer', 'producer');
    const bus = new MemoryEventBus();
    let failNext = true;
    bus.subscribe(
      idempotentSubscription(db, 'consumer', {
        name: 'consumer.effects',
        topics: [counted],
        handle: async (event, tx) => {
          await tx.query('INSERT INTO consumer.effects (event_id, n) VALUES ($1, $2)', [
            event.id,
            event.payload.n,
          ]);
        },
      }),
    );
    bus.subscribe({
      consumer: 'flaky',
      topics: [counted.name],
      handler: async () => {
        if (failNext) {
          failNext = false;
          throw new Error('temporary failure');
        }
      },
    });
    const relay = new OutboxRelay(db, 'producer', bus, { claimMs: 1 });
    await db.transaction((tx) => outbox.publish(tx, counted, { n: 7 }));

    await expect(relay.flush()).rejects.toThrow('event handler(s) failed');
    expect(await relay.pending()).toBe(1);
    // The failed batch is retried after a back-off; make it due now.
    await db.query("UPDATE producer.outbox SET claimed_until = now() - interval '1 second'");
    expect(await relay.flush()).toBe(1);
    const effects = await db.query<{ n: number }>('SELECT n FROM consumer.effects');
    expect(effects.rows).toEqual([{ n: 7 }]);
  });

  it('two relays on one outbox never publish the same event twice in a pass', async () => {
    const outbox = new Outbox('producer', 'producer');
    const bus = new MemoryEventBus();
    const ids: string[] = [];
    bus.subscribe({ consumer: 'count', topics: [bulk.name], handler: async (e) => void ids.push(e.id) });
    await db.transaction(async (tx) => {
      for (let n = 0; n < 250; n++) await outbox.publish(tx, bulk, { n });
    });
    const a = new OutboxRelay(db, 'producer', bus, { batchSize: 20 });
    const b = new OutboxRelay(db, 'producer', bus, { batchSize: 20 });
    const [na, nb] = await Promise.all([a.flush(), b.flush()]);
    expect(na + nb).toBe(250);
    expect(new Set(ids).size).toBe(250);
    expect(ids.length).toBe(250);
  });

  it('a running relay delivers shortly after commit and stops cleanly', async () => {
    const outbox = new Outbox('producer', 'producer');
    const bus = new MemoryEventBus();
    const got: unknown[] = [];
    bus.subscribe({ consumer: 'live', topics: [live.name], handler: async (e) => void got.push(e.payload) });
    const relay = new OutboxRelay(db, 'producer', bus, { intervalMs: 20 });
    relay.start();
    await db.transaction((tx) => outbox.publish(tx, live, { ok: true }));
    relay.wake();
    const deadline = Date.now() + 10_000;
    while (got.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    await relay.stop();
    expect(got).toEqual([{ ok: true }]);
  });
});

import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Type } from '@sinclair/typebox';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import { migrate } from '../src/db/migrate.ts';
import { PgliteDatabase } from '../src/db/pglite.ts';
import { renderTopicCatalogue } from '../src/events/catalogue.ts';
import { type ConsumerObserver, defineConsumer, idempotentSubscription } from '../src/events/consumer.ts';
import type { DomainEvent } from '../src/events/event.ts';
import { MemoryEventBus } from '../src/events/memory-bus.ts';
import { Outbox } from '../src/events/outbox.ts';
import { RedisEventBus } from '../src/events/redis-bus.ts';
import { OutboxRelay } from '../src/events/relay.ts';
import {
  defineTopic,
  type EventOf,
  InvalidEventPayloadError,
  isTopic,
  type PayloadOf,
  payloadProblems,
} from '../src/events/topic.ts';

const scored = defineTopic(
  'typed.goal_scored',
  Type.Object({
    matchId: Type.String({ format: 'uuid' }),
    minute: Type.Integer({ minimum: 0, maximum: 130 }),
    scorer: Type.Union([Type.String(), Type.Null()], { description: 'Player name, null when unknown' }),
  }),
  { version: 1, description: 'a goal is scored' },
);
const ended = defineTopic(
  'typed.match_ended',
  Type.Object({
    matchId: Type.String({ format: 'uuid' }),
    score: Type.Array(Type.Object({ team: Type.String(), goals: Type.Integer() }), {
      description: 'One entry per team',
    }),
    note: Type.Optional(Type.String()),
  }),
  { version: 2, description: 'the final whistle blows' },
);
const elsewhere = defineTopic('other.thing_done', Type.Object({}), { version: 1, description: 'x' });

const MATCH = '6f1d3c1e-2a4b-4c5d-8e9f-0a1b2c3d4e5f';

describe('topic declarations', () => {
  it('accept `<service>.<what_happened>` names only, and a positive integer version', () => {
    for (const bad of [
      'typed',
      'Typed.Goal',
      'typed.goal-scored',
      "typed.x'; DROP",
      'typed..x',
      '.typed.x',
    ]) {
      expect(() => defineTopic(bad, Type.Object({}), { version: 1, description: 'x' })).toThrow(
        /must look like/,
      );
    }
    expect(() => defineTopic('typed.x', Type.Object({}), { version: 0, description: 'x' })).toThrow(
      /version/,
    );
    expect(scored.source).toBe('typed');
    expect(isTopic(scored)).toBe(true);
    expect(isTopic({ ...scored })).toBe(false);
  });

  it('check payloads against the schema, formats included', () => {
    expect(payloadProblems(scored, { matchId: MATCH, minute: 12, scorer: null })).toEqual([]);
    expect(payloadProblems(scored, { matchId: MATCH, minute: 12, scorer: 'M', extra: 1 })).toEqual([]);
    expect(payloadProblems(scored, { matchId: 'not-a-uuid', minute: 12, scorer: null }).join()).toMatch(
      /\/matchId/,
    );
    expect(payloadProblems(scored, { matchId: MATCH, minute: '12', scorer: null }).join()).toMatch(
      /\/minute/,
    );
    expect(payloadProblems(scored, { matchId: MATCH, minute: 12 }).join()).toMatch(/\/scorer/);
    expect(payloadProblems(scored, null)).not.toEqual([]);
  });

  it('type payloads and the events consumers receive (checked by tsc)', () => {
    expectTypeOf<PayloadOf<typeof scored>>().toEqualTypeOf<{
      matchId: string;
      minute: number;
      scorer: string | null;
    }>();
    type Either = EventOf<typeof scored | typeof ended>;
    expectTypeOf<Either['topic']>().toEqualTypeOf<'typed.goal_scored' | 'typed.match_ended'>();
    const narrow = (event: Either) =>
      event.topic === ended.name ? event.payload.score : event.payload.minute;
    expectTypeOf(narrow).returns.toEqualTypeOf<number | { team: string; goals: number }[]>();
  });
});

describe('typed outbox and consumers', () => {
  let db: PgliteDatabase;
  let migrations: string;

  beforeAll(async () => {
    db = await PgliteDatabase.open();
    migrations = await mkdtemp(join(tmpdir(), 'pcf-typed-events-'));
    await migrate(db, { schema: 'typed', migrationsDir: migrations });
    await db.query('CREATE TABLE typed.goals (event_id uuid PRIMARY KEY, minute integer NOT NULL)');
  });
  afterAll(async () => {
    await db.close();
    await rm(migrations, { recursive: true, force: true });
  });

  const unpublished = async () =>
    Number(
      (
        await db.query<{ n: number }>(
          'SELECT count(*)::int AS n FROM typed.outbox WHERE published_at IS NULL',
        )
      ).rows[0]?.n,
    );

  it('publish: a payload that does not match its topic is refused before anything is written', async () => {
    const outbox = new Outbox('typed', 'typed');
    const before = await unpublished();
    const wrong = db.transaction((tx) =>
      // @ts-expect-error -- minute must be a number: the compiler refuses it, and so does the outbox at run time.
      outbox.publish(tx, scored, { matchId: MATCH, minute: '12', scorer: null }),
    );
    await expect(wrong).rejects.toBeInstanceOf(InvalidEventPayloadError);
    await expect(wrong).rejects.toThrow(/typed\.goal_scored payload: \/minute/);
    // @ts-expect-error -- a missing field is a compile error too.
    expect(() => outbox.encode(ended, { matchId: MATCH })).toThrow(InvalidEventPayloadError);
    expect(await unpublished()).toBe(before);
  });

  it('publish: a service publishes only its own topics', async () => {
    const outbox = new Outbox('typed', 'typed');
    await expect(db.transaction((tx) => outbox.publish(tx, elsewhere, {}))).rejects.toThrow(
      /typed cannot publish other\.thing_done/,
    );
  });

  it('publish: a valid payload is written and relayed as typed', async () => {
    const outbox = new Outbox('typed', 'typed');
    const event = await db.transaction((tx) =>
      outbox.publish(tx, ended, { matchId: MATCH, score: [{ team: 'ASM', goals: 2 }] }),
    );
    expectTypeOf(event.payload.score).toEqualTypeOf<{ team: string; goals: number }[]>();
    expect(event).toMatchObject({ topic: 'typed.match_ended', source: 'typed' });
    const encoded = outbox.encode(scored, { matchId: MATCH, minute: 3, scorer: 'Ben Yedder' });
    expect(encoded).toEqual({
      topic: 'typed.goal_scored',
      source: 'typed',
      payload: JSON.stringify({ matchId: MATCH, minute: 3, scorer: 'Ben Yedder' }),
    });
    await new OutboxRelay(db, 'typed', new MemoryEventBus()).flush();
  });

  it('consume: an invalid payload read from the bus is reported and skipped, never handed to the handler; the rest flows', async () => {
    const handled: number[] = [];
    const rejected: { id: string; consumer: string; problems: string[] }[] = [];
    const observer: ConsumerObserver = {
      processed: () => {},
      rejected: (event, consumer, problems) => rejected.push({ id: event.id, consumer, problems }),
    };
    const consumer = defineConsumer({
      name: 'typed.goals',
      topics: [scored],
      handle: async (event, tx) => {
        expectTypeOf(event.payload.minute).toEqualTypeOf<number>();
        handled.push(event.payload.minute);
        await tx.query('INSERT INTO typed.goals (event_id, minute) VALUES ($1, $2)', [
          event.id,
          event.payload.minute,
        ]);
      },
    });
    const bus = new MemoryEventBus();
    bus.subscribe(idempotentSubscription(db, 'typed', consumer, observer));
    const relay = new OutboxRelay(db, 'typed', bus);

    // An older or broken writer: no validation at publish, and a row written by hand.
    const lax = new Outbox('typed', 'typed', { validate: false });
    const bad = await db.transaction(async (tx) => {
      await new Outbox('typed', 'typed').publish(tx, scored, { matchId: MATCH, minute: 10, scorer: null });
      return lax.publish(tx, scored, { matchId: MATCH, minute: -1, scorer: null });
    });
    await db.query(
      `INSERT INTO typed.outbox (id, topic, source, payload, created_at)
       VALUES ('00000000-0000-4000-8000-000000000001', 'typed.goal_scored', 'typed', '{"matchId":"x"}', now())`,
    );
    await db.transaction((tx) =>
      new Outbox('typed', 'typed').publish(tx, scored, { matchId: MATCH, minute: 80, scorer: 'M' }),
    );

    expect(await relay.flush()).toBe(4);
    expect(await unpublished()).toBe(0);
    expect(handled).toEqual([10, 80]);
    expect(rejected.map((r) => r.id)).toEqual([bad.id, '00000000-0000-4000-8000-000000000001']);
    expect(rejected[0]).toMatchObject({
      consumer: 'typed.goals',
      problems: [expect.stringMatching(/^\/minute /)],
    });
    expect(rejected[1]!.problems.join()).toMatch(/\/matchId/);
    const goals = await db.query<{ minute: number }>('SELECT minute FROM typed.goals ORDER BY minute');
    expect(goals.rows).toEqual([{ minute: 10 }, { minute: 80 }]);
  });

  it('consume: without an observer, a skipped event is still reported (a process warning)', async () => {
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.message);
    process.on('warning', onWarning);
    try {
      const subscription = idempotentSubscription(db, 'typed', {
        name: 'typed.quiet',
        topics: [scored],
        handle: async () => {
          throw new Error('never called');
        },
      });
      const event: DomainEvent = {
        id: '00000000-0000-4000-8000-000000000002',
        topic: scored.name,
        source: 'typed',
        occurredAt: new Date().toISOString(),
        payload: { minute: 1 },
      };
      await subscription.handler(event);
      await new Promise((resolve) => setImmediate(resolve));
      expect(warnings.join()).toMatch(/typed\.quiet skipped event 00000000-0000-4000-8000-000000000002/);
    } finally {
      process.off('warning', onWarning);
    }
  });
});

describe.skipIf(!process.env.TEST_REDIS_URL)('typed consumers on Redis Streams', () => {
  it('acknowledge an invalid payload without handing it over, and carry on with the next entries', async () => {
    const url = process.env.TEST_REDIS_URL!;
    const prefix = `pcf:test:${randomUUID()}:`;
    const db = await PgliteDatabase.open();
    const migrations = await mkdtemp(join(tmpdir(), 'pcf-typed-redis-'));
    const bus = new RedisEventBus({ url, streamPrefix: prefix, blockMs: 100 });
    const redis = new Redis(url);
    try {
      await migrate(db, { schema: 'typed', migrationsDir: migrations });
      const handled: number[] = [];
      const rejected: string[] = [];
      bus.subscribe(
        idempotentSubscription(
          db,
          'typed',
          defineConsumer({
            name: 'typed.redis',
            topics: [scored],
            handle: async (event) => void handled.push(event.payload.minute),
          }),
          { processed: () => {}, rejected: (event) => rejected.push(event.id) },
        ),
      );
      await bus.start();
      const event = (payload: Record<string, unknown>): DomainEvent => ({
        id: randomUUID(),
        topic: scored.name,
        source: 'typed',
        occurredAt: new Date().toISOString(),
        payload,
      });
      const bad = event({ matchId: MATCH, minute: 'late', scorer: null });
      await bus.publish([bad, event({ matchId: MATCH, minute: 90, scorer: null })]);
      const deadline = Date.now() + 15_000;
      while (handled.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect(handled).toEqual([90]);
      expect(rejected).toEqual([bad.id]);
      const pending = async () => {
        const summary = await redis.xpending(`${prefix}${scored.name}`, 'typed.redis');
        return Number(Array.isArray(summary) ? summary[0] : -1);
      };
      while ((await pending()) !== 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect(await pending()).toBe(0);
    } finally {
      await bus.stop();
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length > 0) await redis.del(...keys);
      await redis.quit();
      await db.close();
      await rm(migrations, { recursive: true, force: true });
    }
  });
});

describe('topic catalogue', () => {
  it('renders a summary and one field table per topic, sorted by name', () => {
    expect(renderTopicCatalogue([ended, scored])).toBe(
      [
        '| topic | version | emitted by | emitted when |',
        '| --- | --- | --- | --- |',
        '| [`typed.goal_scored`](#typedgoal_scored) | 1 | typed | a goal is scored |',
        '| [`typed.match_ended`](#typedmatch_ended) | 2 | typed | the final whistle blows |',
        '',
        '### `typed.goal_scored`',
        '',
        'Version 1, emitted by **typed** when a goal is scored.',
        '',
        '| field | type | description |',
        '| --- | --- | --- |',
        '| `matchId` | string (uuid) |  |',
        '| `minute` | integer |  |',
        '| `scorer` | string \\| null | Player name, null when unknown |',
        '',
        '### `typed.match_ended`',
        '',
        'Version 2, emitted by **typed** when the final whistle blows.',
        '',
        '| field | type | description |',
        '| --- | --- | --- |',
        '| `matchId` | string (uuid) |  |',
        '| `score` | object[] | One entry per team |',
        '| `score[].team` | string |  |',
        '| `score[].goals` | integer |  |',
        '| `note` (optional) | string |  |',
        '',
      ].join('\n'),
    );
  });
});

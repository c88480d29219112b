import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/db/database.ts';
import { migrate } from '../src/db/migrate.ts';
import { PgliteDatabase } from '../src/db/pglite.ts';
import { PostgresDatabase } from '../src/db/postgres.ts';
import { createHttpApp } from '../src/http/app.ts';
import { purgeIdempotencyKeys, registerIdempotency } from '../src/http/idempotency.ts';
import { testBackends } from './support/index.ts';

describe.each(testBackends())('Idempotency-Key on $name', (backend) => {
  let db: Database;
  let drop: () => Promise<void>;
  let app: FastifyInstance;
  let executions = 0;
  let release: (() => void) | undefined;

  beforeAll(async () => {
    const created = await backend.create();
    drop = created.drop;
    db = created.databaseUrl
      ? new PostgresDatabase(created.databaseUrl, { max: 10 })
      : await PgliteDatabase.open();
    await migrate(db, { schema: 'svc', migrationsDir: await mkdtemp(join(tmpdir(), 'pcf-mig-')) });
    app = createHttpApp({ logLevel: 'silent', bodyLimit: 1_048_576, trustProxy: false });
    app.decorateRequest('principal', null);
    app.addHook('onRequest', async (request) => {
      const user = request.headers['x-test-user'];
      if (typeof user === 'string') {
        request.principal = { kind: 'user', userId: user, role: 'fan', partnerId: undefined, sessionId: 's' };
      }
    });
    await app.register(async (scope) => {
      registerIdempotency(scope, { db, schema: 'svc', ttlHours: 24, waitMs: 300 });
      const body = Type.Object({ amount: Type.String() }, { additionalProperties: false });
      scope.post(
        '/pay',
        { config: { idempotency: 'required' }, schema: { body } },
        async (request, reply) => {
          executions++;
          return reply
            .code(201)
            .send({ execution: executions, amount: (request.body as { amount: string }).amount });
        },
      );
      const order = Type.Object(
        {
          to: Type.String(),
          amount: Type.String(),
          items: Type.Array(Type.Object({ sku: Type.String(), quantity: Type.Integer() })),
        },
        { additionalProperties: false },
      );
      scope.post(
        '/order',
        { config: { idempotency: 'required' }, schema: { body: order } },
        async (_request, reply) => {
          executions++;
          return reply.code(201).send({ execution: executions });
        },
      );
      scope.post('/slow', { config: { idempotency: 'required' } }, async () => {
        await new Promise<void>((resolve) => {
          release = resolve;
        });
        return { done: true };
      });
      scope.post('/fail', { config: { idempotency: 'optional' } }, async () => {
        executions++;
        throw new Error('database exploded');
      });
      scope.post('/rejects', { config: { idempotency: 'required' } }, async (_request, reply) => {
        executions++;
        return reply.code(422).send({ code: 'insufficient_funds' });
      });
    });
    await app.ready();
  });

  afterAll(async () => {
    await app.close();
    await db.close();
    await drop();
  });

  const pay = (key: string | undefined, amount = '1.00', user = 'alice', url = '/pay') =>
    app.inject({
      method: 'POST',
      url,
      headers: { 'x-test-user': user, ...(key === undefined ? {} : { 'idempotency-key': key }) },
      payload: { amount },
    });

  it('requires the header where the route says so', async () => {
    const response = await pay(undefined);
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({
      code: 'validation_failed',
      errors: [{ field: 'Idempotency-Key' }],
    });
  });

  it('rejects keys longer than 255 characters', async () => {
    expect((await pay('k'.repeat(256))).statusCode).toBe(400);
    expect((await pay('k'.repeat(255))).statusCode).toBe(201);
  });

  it('replays the stored status and body for the same key and body', async () => {
    const first = await pay('key-replay');
    const second = await pay('key-replay');
    expect(first.statusCode).toBe(201);
    expect(second.statusCode).toBe(201);
    expect(second.body).toBe(first.body);
    expect(second.headers['idempotent-replayed']).toBe('true');
  });

  it('answers 422 when the same key comes with a different body', async () => {
    await pay('key-different', '1.00');
    const response = await pay('key-different', '2.00');
    expect(response.statusCode).toBe(422);
    expect(response.json().code).toBe('idempotency_key_reused');
  });

  describe('compares the meaning of the body, not its bytes (RFC 8785 canonical JSON)', () => {
    const order = (key: string, payload: string) =>
      app.inject({
        method: 'POST',
        url: '/order',
        headers: { 'x-test-user': 'alice', 'idempotency-key': key, 'content-type': 'application/json' },
        payload,
      });

    it('replays a retry whose keys are in another order, with other whitespace and escapes', async () => {
      const first = await order(
        'key-canonical',
        '{"to":"Léa","amount":"12.50","items":[{"sku":"MAILLOT","quantity":2}]}',
      );
      expect(first.statusCode).toBe(201);
      const before = executions;
      for (const retry of [
        '{"amount":"12.50","items":[{"quantity":2,"sku":"MAILLOT"}],"to":"Léa"}',
        '{\n  "items" : [ { "quantity" : 2.0 , "sku" : "MAILLOT" } ],\n  "to" : "L\\u00e9a",\n  "amount" : "12.50"\n}',
      ]) {
        const replay = await order('key-canonical', retry);
        expect(replay.statusCode, retry).toBe(201);
        expect(replay.headers['idempotent-replayed'], retry).toBe('true');
        expect(replay.body).toBe(first.body);
      }
      expect(executions).toBe(before);
    });

    it('still answers 422 for a real difference, whatever the key order', async () => {
      await order(
        'key-canonical-diff',
        '{"to":"Léa","amount":"12.50","items":[{"sku":"MAILLOT","quantity":2}]}',
      );
      for (const different of [
        '{"amount":"12.51","to":"Léa","items":[{"sku":"MAILLOT","quantity":2}]}',
        '{"items":[{"quantity":3,"sku":"MAILLOT"}],"amount":"12.50","to":"Léa"}',
        '{"to":"Lea","amount":"12.50","items":[{"sku":"MAILLOT","quantity":2}]}',
        '{"to":"Léa","amount":"12.50","items":[]}',
      ]) {
        const response = await order('key-canonical-diff', different);
        expect(response.statusCode, different).toBe(422);
        expect(response.json().code).toBe('idempotency_key_reused');
      }
    });
  });

  it('scopes keys per caller', async () => {
    const alice = await pay('key-shared', '1.00', 'alice');
    const bob = await pay('key-shared', '1.00', 'bob');
    expect(bob.json().execution).not.toBe(alice.json().execution);
  });

  it('answers 409 while the first request with the key is still running', async () => {
    const first = pay('key-slow', '1.00', 'alice', '/slow');
    await new Promise((r) => setTimeout(r, 100));
    const second = await pay('key-slow', '1.00', 'alice', '/slow');
    expect(second.statusCode).toBe(409);
    expect(second.json().code).toBe('idempotency_request_in_progress');
    release?.();
    expect((await first).statusCode).toBe(200);
    expect((await pay('key-slow', '1.00', 'alice', '/slow')).headers['idempotent-replayed']).toBe('true');
  });

  it('runs the handler once for 20 parallel identical requests', async () => {
    const before = executions;
    const responses = await Promise.all(Array.from({ length: 20 }, () => pay('key-parallel')));
    expect(executions - before).toBe(1);
    const bodies = new Set(responses.filter((r) => r.statusCode === 201).map((r) => r.body));
    expect(bodies.size).toBe(1);
    for (const r of responses) expect([201, 409]).toContain(r.statusCode);
  });

  it('stores 4xx outcomes but lets a 5xx be retried', async () => {
    const before = executions;
    await pay('key-4xx', '1.00', 'alice', '/rejects');
    const replay = await pay('key-4xx', '1.00', 'alice', '/rejects');
    expect(replay.statusCode).toBe(422);
    expect(executions - before).toBe(1);

    const failed = await pay('key-5xx', '1.00', 'alice', '/fail');
    expect(failed.statusCode).toBe(500);
    expect(failed.json()).toMatchObject({ code: 'internal_error' });
    expect(failed.body).not.toContain('exploded');
    await pay('key-5xx', '1.00', 'alice', '/fail');
    expect(executions - before).toBe(3);
  });

  it('purges keys only after their retention', async () => {
    await pay('key-old');
    expect(await purgeIdempotencyKeys(db, 'svc', 24)).toBe(0);
    await db.query(
      "UPDATE svc.idempotency_keys SET created_at = now() - interval '25 hours' WHERE key = 'key-old'",
    );
    expect(await purgeIdempotencyKeys(db, 'svc', 24)).toBe(1);
  });
});

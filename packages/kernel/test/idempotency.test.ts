import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/db/database.ts';
import {
  IdempotentOperations,
  idempotencyTable,
  type OperationClaim,
  requestHash,
} from '../src/db/idempotent-operations.ts';
import { migrate } from '../src/db/migrate.ts';
import { PgliteDatabase } from '../src/db/pglite.ts';
import { PostgresDatabase } from '../src/db/postgres.ts';
import { UnprocessableError } from '../src/errors.ts';
import { createHttpApp } from '../src/http/app.ts';
import { idempotencyKeyOf, registerIdempotency } from '../src/http/idempotency.ts';
import { testBackends } from './support/index.ts';

describe('requestHash', () => {
  it('is the same for the same meaning: key order, bigints as decimal strings, undefined members left out', () => {
    expect(requestHash({ a: 1, b: { c: 'é', d: [1, 2] } })).toBe(
      requestHash({ b: { d: [1, 2], c: '\u00e9' }, a: 1 }),
    );
    expect(requestHash({ amount: 1250n, note: undefined })).toBe(requestHash({ amount: '1250' }));
    expect(requestHash({ amount: '12.50' })).not.toBe(requestHash({ amount: '12.5' }));
    expect(requestHash([1, 2])).not.toBe(requestHash([2, 1]));
  });
});

describe.each(testBackends())('idempotent operations on $name', (backend) => {
  let db: Database;
  let drop: () => Promise<void>;
  let app: FastifyInstance;
  let operations: IdempotentOperations;
  let release: (() => void) | undefined;
  let started: (() => void) | undefined;

  /** How many times the effect of (user, key) was applied. */
  const effects = async (key: string) =>
    Number(
      (await db.query<{ n: string }>('SELECT count(*)::text AS n FROM svc.payments WHERE key = $1', [key]))
        .rows[0]!.n,
    );

  beforeAll(async () => {
    const created = await backend.create();
    drop = created.drop;
    db = created.databaseUrl
      ? new PostgresDatabase(created.databaseUrl, { max: 10 })
      : await PgliteDatabase.open();
    await migrate(db, { schema: 'svc', migrationsDir: await mkdtemp(join(tmpdir(), 'pcf-mig-')) });
    await db.query(
      'CREATE TABLE svc.payments (id serial PRIMARY KEY, user_id text NOT NULL, key text NOT NULL, amount text NOT NULL)',
    );
    operations = new IdempotentOperations({ schema: 'svc', transaction: (fn) => db.transaction(fn), db });
    app = createHttpApp({ logLevel: 'silent', bodyLimit: 1_048_576, trustProxy: false });
    app.decorateRequest('principal', null);
    app.addHook('onRequest', async (request) => {
      const user = request.headers['x-test-user'];
      if (typeof user === 'string') {
        request.principal = { kind: 'user', userId: user, role: 'fan', partnerId: undefined, sessionId: 's' };
      }
    });
    const user = (request: { headers: Record<string, unknown> }) => String(request.headers['x-test-user']);
    const amount = (request: { body: unknown }) => (request.body as { amount: string }).amount;
    await app.register(async (scope) => {
      registerIdempotency(scope);
      const order = Type.Object(
        {
          amount: Type.String(),
          to: Type.Optional(Type.String()),
          items: Type.Optional(Type.Array(Type.Object({ sku: Type.String(), quantity: Type.Integer() }))),
        },
        { additionalProperties: false },
      );
      // Many statements in one transaction: the key is claimed first, the result stored at the end.
      scope.post(
        '/pay',
        { config: { idempotency: 'required' }, schema: { body: order } },
        async (request, reply) => {
          const key = idempotencyKeyOf(request);
          const { result } = await operations.run(`pay:${user(request)}`, key, request.body, async (tx) => {
            const inserted = await tx.query<{ id: number }>(
              'INSERT INTO svc.payments (user_id, key, amount) VALUES ($1, $2, $3) RETURNING id',
              [user(request), key.key, amount(request)],
            );
            return { result: { paymentId: inserted.rows[0]!.id, amount: amount(request) } };
          });
          return reply.code(201).send(result);
        },
      );
      // One statement claims the key, applies the effect and stores the result.
      scope.post(
        '/pay-at-once',
        { config: { idempotency: 'required' }, schema: { body: order } },
        async (request, reply) => {
          const key = idempotencyKeyOf(request);
          const { result } = await operations.runStatement(
            `pay-at-once:${user(request)}`,
            key,
            request.body,
            async (claim: OperationClaim) => {
              const rows = await db.query<{ result: unknown }>(
                `WITH op AS (
                   INSERT INTO ${idempotencyTable('svc')} (scope, key, request_hash, result)
                   VALUES ($1, $2, $3, jsonb_build_object('amount', $4::text)) RETURNING result),
                 paid AS (INSERT INTO svc.payments (user_id, key, amount) SELECT $5, $2, $4 FROM op RETURNING 1)
                 SELECT (SELECT result FROM op) AS result, (SELECT count(*) FROM paid) AS paid`,
                [claim.scope, claim.key, claim.requestHash, amount(request), user(request)],
              );
              const stored = rows.rows[0]!.result;
              return { result: typeof stored === 'string' ? JSON.parse(stored) : stored };
            },
          );
          return reply.code(201).send(result);
        },
      );
      scope.post('/slow', { config: { idempotency: 'required' } }, async (request) => {
        const key = idempotencyKeyOf(request);
        const { result } = await operations.run(`slow:${user(request)}`, key, null, async (tx) => {
          await tx.query('INSERT INTO svc.payments (user_id, key, amount) VALUES ($1, $2, $3)', [
            user(request),
            key.key,
            '0',
          ]);
          started?.();
          await new Promise<void>((resolve) => {
            release = resolve;
          });
          return { result: { done: true } };
        });
        return result;
      });
      scope.post(
        '/fails',
        { config: { idempotency: 'required' }, schema: { body: order } },
        async (request) => {
          const key = idempotencyKeyOf(request);
          return (
            await operations.run(`fails:${user(request)}`, key, request.body, async (tx) => {
              await tx.query('INSERT INTO svc.payments (user_id, key, amount) VALUES ($1, $2, $3)', [
                user(request),
                key.key,
                amount(request),
              ]);
              throw new UnprocessableError('Not enough money', 'insufficient_funds');
            })
          ).result;
        },
      );
      scope.post('/maybe', { config: { idempotency: 'optional' } }, async (request) => ({
        key: request.idempotency?.key ?? null,
      }));
    });
    await app.ready();
  });

  afterAll(async () => {
    await app?.close();
    await db?.close();
    await drop?.();
  });

  const post = (
    url: string,
    key: string | undefined,
    payload: unknown = { amount: '1.00' },
    user = 'alice',
  ) =>
    app.inject({
      method: 'POST',
      url,
      headers: { 'x-test-user': user, ...(key === undefined ? {} : { 'idempotency-key': key }) },
      payload: payload as Record<string, unknown>,
    });

  describe('the HTTP layer only validates the header and hands the key to the route', () => {
    it('requires the header where the route says so: 400 naming Idempotency-Key', async () => {
      const response = await post('/pay', undefined);
      expect(response.statusCode).toBe(400);
      expect(response.headers['content-type']).toContain('application/problem+json');
      expect(response.json()).toMatchObject({
        code: 'validation_failed',
        errors: [{ field: 'Idempotency-Key' }],
      });
    });

    it('takes 1-255 printable ASCII characters', async () => {
      expect((await post('/pay', 'k'.repeat(256))).statusCode).toBe(400);
      expect((await post('/pay', 'clé-é')).statusCode).toBe(400);
      expect((await post('/pay', 'a b')).statusCode).toBe(400);
      expect((await post('/pay', 'k'.repeat(255))).statusCode).toBe(201);
    });

    it('passes an optional key when there is one, and null otherwise', async () => {
      expect((await post('/maybe', 'opt-1')).json()).toEqual({ key: 'opt-1' });
      expect((await post('/maybe', undefined)).json()).toEqual({ key: null });
      expect((await post('/maybe', 'k'.repeat(256))).statusCode).toBe(400);
    });

    it('stores nothing by itself', async () => {
      await post('/maybe', 'opt-2');
      const rows = await db.query(`SELECT 1 FROM ${idempotencyTable('svc')} WHERE key = 'opt-2'`);
      expect(rows.rowCount).toBe(0);
    });
  });

  describe.each(['/pay', '/pay-at-once'])('%s', (url) => {
    it('replays the stored result for the same key and request, applying the effect once', async () => {
      const key = `${url}-replay`;
      const first = await post(url, key);
      const second = await post(url, key);
      expect(first.statusCode).toBe(201);
      expect(first.headers['idempotent-replayed']).toBeUndefined();
      expect(second.statusCode).toBe(201);
      expect(second.json()).toEqual(first.json());
      expect(second.headers['idempotent-replayed']).toBe('true');
      expect(await effects(key)).toBe(1);
    });

    it('replays a retry whose JSON has its keys in another order, other whitespace and escapes', async () => {
      const key = `${url}-canonical`;
      const send = (payload: string) =>
        app.inject({
          method: 'POST',
          url,
          headers: { 'x-test-user': 'alice', 'idempotency-key': key, 'content-type': 'application/json' },
          payload,
        });
      const first = await send('{"to":"Léa","amount":"12.50","items":[{"sku":"MAILLOT","quantity":2}]}');
      expect(first.statusCode).toBe(201);
      for (const retry of [
        '{"amount":"12.50","items":[{"quantity":2,"sku":"MAILLOT"}],"to":"Léa"}',
        '{\n  "items" : [ { "quantity" : 2.0 , "sku" : "MAILLOT" } ],\n  "to" : "L\\u00e9a",\n  "amount" : "12.50"\n}',
      ]) {
        const replay = await send(retry);
        expect(replay.statusCode, retry).toBe(201);
        expect(replay.headers['idempotent-replayed'], retry).toBe('true');
        expect(replay.json()).toEqual(first.json());
      }
      for (const different of [
        '{"amount":"12.51","to":"Léa","items":[{"sku":"MAILLOT","quantity":2}]}',
        '{"items":[{"quantity":3,"sku":"MAILLOT"}],"amount":"12.50","to":"Léa"}',
        '{"to":"Lea","amount":"12.50","items":[{"sku":"MAILLOT","quantity":2}]}',
      ]) {
        const response = await send(different);
        expect(response.statusCode, different).toBe(422);
        expect(response.json().code).toBe('idempotency_key_reused');
      }
      expect(await effects(key)).toBe(1);
    });

    it('answers 422 idempotency_key_reused for the same key with another request', async () => {
      const key = `${url}-different`;
      await post(url, key, { amount: '1.00' });
      const response = await post(url, key, { amount: '2.00' });
      expect(response.statusCode).toBe(422);
      expect(response.headers['content-type']).toContain('application/problem+json');
      expect(response.json().code).toBe('idempotency_key_reused');
      expect(await effects(key)).toBe(1);
    });

    it('scopes keys per caller', async () => {
      const key = `${url}-shared`;
      const alice = await post(url, key, { amount: '1.00' }, 'alice');
      const bob = await post(url, key, { amount: '3.00' }, 'bob');
      expect(alice.statusCode).toBe(201);
      expect(bob.statusCode).toBe(201);
      expect(bob.headers['idempotent-replayed']).toBeUndefined();
      expect(await effects(key)).toBe(2);
    });

    it('applies the effect once for 20 concurrent identical requests, all answering the same result', async () => {
      const key = `${url}-parallel`;
      const responses = await Promise.all(
        Array.from({ length: 20 }, () => post(url, key, { amount: '7.00' })),
      );
      expect(responses.map((r) => r.statusCode)).toEqual(responses.map(() => 201));
      // The same value (a replay reads it back from jsonb, whose members may come in another order).
      for (const r of responses) expect(r.json()).toEqual(responses[0]!.json());
      expect(responses.filter((r) => r.headers['idempotent-replayed'] === 'true')).toHaveLength(19);
      expect(await effects(key)).toBe(1);
    });
  });

  it('a duplicate of a running operation waits for it, then answers its result', async () => {
    const running = new Promise<void>((resolve) => {
      started = resolve;
    });
    const first = post('/slow', 'key-slow', {});
    await running;
    let answered = false;
    const second = post('/slow', 'key-slow', {}).then((r) => {
      answered = true;
      return r;
    });
    await new Promise((r) => setTimeout(r, 150));
    expect(answered).toBe(false);
    release?.();
    const [a, b] = await Promise.all([first, second]);
    expect(a.statusCode).toBe(200);
    expect(b.statusCode).toBe(200);
    expect(b.json()).toEqual({ done: true });
    expect(b.headers['idempotent-replayed']).toBe('true');
    expect(await effects('key-slow')).toBe(1);
  });

  it('stores nothing for a failed operation: a retry runs it again, and the key stays free', async () => {
    const first = await post('/fails', 'key-fails', { amount: '1.00' });
    expect(first.statusCode).toBe(422);
    expect(first.json().code).toBe('insufficient_funds');
    const retry = await post('/fails', 'key-fails', { amount: '2.00' });
    expect(retry.json().code).toBe('insufficient_funds');
    expect(await effects('key-fails')).toBe(0);
    expect(await operations.find(db, 'fails:alice', 'key-fails')).toBeUndefined();
  });

  describe('runStatement', () => {
    const claimed = (claim: OperationClaim, result: unknown) =>
      db.query(
        `INSERT INTO ${idempotencyTable('svc')} (scope, key, request_hash, result) VALUES ($1, $2, $3, $4::jsonb)`,
        [claim.scope, claim.key, claim.requestHash, JSON.stringify(result)],
      );

    it('replays a stored result before an error that replayFirstOn names, and throws it otherwise', async () => {
      const refusal = new UnprocessableError('Not enough money', 'insufficient_funds');
      const replayFirstOn = (error: unknown) => error === refusal;
      await operations.runStatement('st', 'k1', { n: 1 }, async (claim) => {
        await claimed(claim, { ok: 1 });
        return { result: { ok: 1 } };
      });
      const replay = await operations.runStatement(
        'st',
        'k1',
        { n: 1 },
        async () => {
          throw refusal;
        },
        { replayFirstOn },
      );
      expect(replay).toMatchObject({ result: { ok: 1 }, replayed: true, done: undefined });
      await expect(
        operations.runStatement(
          'st',
          'k2',
          { n: 1 },
          async () => {
            throw refusal;
          },
          { replayFirstOn },
        ),
      ).rejects.toBe(refusal);
      await expect(
        operations.runStatement(
          'st',
          'k1',
          { n: 2 },
          async () => {
            throw refusal;
          },
          { replayFirstOn },
        ),
      ).rejects.toMatchObject({ code: 'idempotency_key_reused' });
    });

    it('throws refused() when a precondition failed and nothing is stored, and replays when something is', async () => {
      const refused = async () => new UnprocessableError('Not capturable', 'hold_not_active');
      await expect(
        operations.runStatement('st', 'k3', {}, async () => undefined, { refused }),
      ).rejects.toMatchObject({ code: 'hold_not_active' });
      await operations.runStatement('st', 'k3', {}, async (claim) => {
        await claimed(claim, 'first');
        return { result: 'first' };
      });
      const replay = await operations.runStatement('st', 'k3', {}, async () => undefined, { refused });
      expect(replay).toMatchObject({ result: 'first', replayed: true });
    });

    it('marks the HTTP key reference replayed, and lookup refuses another request', async () => {
      const ref = { key: 'k4', replayed: false };
      await operations.runStatement('st', ref, { n: 4 }, async (claim) => {
        await claimed(claim, 4);
        return { result: 4 };
      });
      expect(ref.replayed).toBe(false);
      expect(await operations.lookup('st', ref, { n: 4 })).toMatchObject({ result: 4 });
      expect(ref.replayed).toBe(true);
      expect(await operations.lookup('st', 'unused', { n: 4 })).toBeUndefined();
      await expect(operations.lookup('st', 'k4', { n: 5 })).rejects.toMatchObject({
        code: 'idempotency_key_reused',
      });
    });
  });

  it('forget frees a key inside a transaction', async () => {
    await operations.run('forget', 'k', { n: 1 }, async () => ({ result: 1 }));
    await db.transaction((tx) => operations.forget(tx, 'forget', 'k'));
    const again = await operations.run('forget', 'k', { n: 2 }, async () => ({ result: 2 }));
    expect(again).toMatchObject({ result: 2, replayed: false });
  });
});

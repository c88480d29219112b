import { createHash, randomUUID } from 'node:crypto';
import {
  type Account,
  fundWallet,
  newFan,
  type TestPlatform,
  testBackends,
  walletBalance,
} from '@pcf/kernel/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { send, startWalletPlatform } from './support.ts';

/**
 * The Idempotency-Key of the wallet's money routes, through HTTP: the key is claimed in the operation's own
 * transaction or statement (kernel IdempotentOperations), so a retry replays the result and applies nothing twice.
 */
describe.each(testBackends())('wallet Idempotency-Key on $name', (backend) => {
  let t: TestPlatform;
  beforeAll(async () => {
    t = await startWalletPlatform(backend);
    await t.platform.startBackground();
  });
  afterAll(() => t.close());

  const post = (fan: Pick<Account, 'token'>, url: string, body: Record<string, unknown>, key: string) =>
    t.request({ method: 'POST', url, token: fan.token, body, headers: { 'idempotency-key': key } });

  const history = async (fan: Pick<Account, 'token'>, type: string) =>
    (await t.request({ method: 'GET', url: '/v1/wallet/transactions?limit=100', token: fan.token }))
      .json()
      .data.filter((a: { type: string }) => a.type === type);

  describe('POST /v1/wallet/send', () => {
    it('replays the same request (members in any order) once, and refuses the key for another', async () => {
      const [alice, bob] = [await newFan(t), await newFan(t)];
      await fundWallet(t, alice, '10.00');
      const key = randomUUID();
      const first = await send(t, alice, { to: bob.id, amount: '3.00', asset: 'EUR', note: 'kebab' }, key);
      expect(first.statusCode, first.body).toBe(201);
      expect(first.headers['idempotent-replayed']).toBeUndefined();
      const again = await send(t, alice, { note: 'kebab', asset: 'EUR', amount: '3.00', to: bob.id }, key);
      expect(again.statusCode).toBe(201);
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(again.json()).toEqual(first.json());
      const other = await send(t, alice, { to: bob.id, amount: '4.00', asset: 'EUR', note: 'kebab' }, key);
      expect(other.statusCode).toBe(422);
      expect(other.json().code).toBe('idempotency_key_reused');
      expect(await walletBalance(t, alice)).toEqual({ balance: '7.00', available: '7.00' });
      expect(await history(bob, 'receive')).toHaveLength(1);
    });

    it('sends once for concurrent requests with one key; every answer is the first result', async () => {
      const [alice, bob] = [await newFan(t), await newFan(t)];
      await fundWallet(t, alice, '10.00');
      const key = randomUUID();
      const responses = await Promise.all(
        Array.from({ length: 8 }, () => send(t, alice, { to: bob.id, amount: '2.50', asset: 'EUR' }, key)),
      );
      expect(responses.map((r) => r.statusCode)).toEqual(responses.map(() => 201));
      for (const r of responses) expect(r.json()).toEqual(responses[0]!.json());
      expect(responses.filter((r) => r.headers['idempotent-replayed'] === 'true')).toHaveLength(7);
      expect(await walletBalance(t, alice)).toEqual({ balance: '7.50', available: '7.50' });
    });

    it('stores nothing for a refused send: the same key is tried again', async () => {
      const [alice, bob] = [await newFan(t), await newFan(t)];
      const key = randomUUID();
      const refused = await send(t, alice, { to: bob.id, amount: '5.00', asset: 'EUR' }, key);
      expect(refused.json().code).toBe('insufficient_funds');
      await fundWallet(t, alice, '5.00');
      const paid = await send(t, alice, { to: bob.id, amount: '5.00', asset: 'EUR' }, key);
      expect(paid.statusCode).toBe(201);
      expect(paid.headers['idempotent-replayed']).toBeUndefined();
      expect(await walletBalance(t, alice)).toEqual({ balance: '0.00', available: '0.00' });
    });
  });

  it('replays a record migrated from wallet.operations (its request hash not canonical, marked json:)', async () => {
    const [alice, bob] = [await newFan(t), await newFan(t)];
    await fundWallet(t, alice, '10.00');
    const first = await send(t, alice, { to: bob.id, amount: '3.00', asset: 'EUR' }, randomUUID());
    // What the wallet stored before the kernel's mechanism: SHA-256 of JSON.stringify(request), bigints as strings.
    const legacy = createHash('sha256')
      .update(JSON.stringify({ to: bob.id, amount: '300', asset: 'EUR', note: null }))
      .digest('hex');
    const key = randomUUID();
    await t.platform
      .database('wallet')
      .query(
        'INSERT INTO wallet.idempotency_keys (scope, key, request_hash, result) VALUES ($1, $2, $3, $4::jsonb)',
        [`send:${alice.id}`, key, `json:${legacy}`, first.body],
      );
    const replay = await send(t, alice, { asset: 'EUR', amount: '3.00', to: bob.id }, key);
    expect(replay.statusCode).toBe(201);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.json()).toEqual(first.json());
    const other = await send(t, alice, { to: bob.id, amount: '3.01', asset: 'EUR' }, key);
    expect(other.json().code).toBe('idempotency_key_reused');
    expect(await walletBalance(t, alice)).toEqual({ balance: '7.00', available: '7.00' });
  });

  describe('POST /v1/wallet/deposit', () => {
    it('starts one deposit for retries (members in any order, concurrent too), and refuses another', async () => {
      const fan = await newFan(t);
      const key = randomUUID();
      const responses = await Promise.all([
        post(fan, '/v1/wallet/deposit', { amount: '25.00', asset: 'EUR', method: 'card' }, key),
        post(fan, '/v1/wallet/deposit', { method: 'card', asset: 'EUR', amount: '25.00' }, key),
        post(fan, '/v1/wallet/deposit', { asset: 'EUR', amount: '25.00', method: 'card' }, key),
      ]);
      expect(responses.map((r) => r.statusCode)).toEqual([202, 202, 202]);
      for (const r of responses) expect(r.json()).toEqual(responses[0]!.json());
      expect(responses.filter((r) => r.headers['idempotent-replayed'] === 'true')).toHaveLength(2);
      const later = await post(
        fan,
        '/v1/wallet/deposit',
        { method: 'card', amount: '25.00', asset: 'EUR' },
        key,
      );
      expect(later.statusCode).toBe(202);
      expect(later.json().id).toBe(responses[0]!.json().id);
      const other = await post(
        fan,
        '/v1/wallet/deposit',
        { amount: '26.00', asset: 'EUR', method: 'card' },
        key,
      );
      expect(other.statusCode).toBe(422);
      expect(other.json().code).toBe('idempotency_key_reused');
      expect(await history(fan, 'deposit')).toHaveLength(1);
    });
  });

  describe('POST /v1/wallet/convert', () => {
    const quote = async (fan: Pick<Account, 'token'>) =>
      (
        await t.request({
          method: 'POST',
          url: '/v1/wallet/convert/quote',
          token: fan.token,
          body: { from: 'EUR', to: 'USD', amount: '10.00' },
        })
      ).json().id as string;

    it('converts once for retries and concurrent requests with one key, and refuses it for another quote', async () => {
      const fan = await newFan(t);
      await fundWallet(t, fan, '30.00');
      const key = randomUUID();
      const quoteId = await quote(fan);
      const responses = await Promise.all(
        Array.from({ length: 4 }, () => post(fan, '/v1/wallet/convert', { quoteId }, key)),
      );
      expect(responses.map((r) => r.statusCode)).toEqual([201, 201, 201, 201]);
      for (const r of responses) expect(r.json()).toEqual(responses[0]!.json());
      expect(responses.filter((r) => r.headers['idempotent-replayed'] === 'true')).toHaveLength(3);
      const again = await post(fan, '/v1/wallet/convert', { quoteId }, key);
      expect(again.statusCode).toBe(201);
      expect(again.json()).toEqual(responses[0]!.json());
      const other = await post(fan, '/v1/wallet/convert', { quoteId: await quote(fan) }, key);
      expect(other.statusCode).toBe(422);
      expect(other.json().code).toBe('idempotency_key_reused');
      const balance = (
        await t.request({ method: 'GET', url: '/v1/wallet/balance', token: fan.token })
      ).json();
      expect(balance.assets.find((a: { asset: string }) => a.asset === 'EUR').balance).toBe('20.00');
    });

    it('stores nothing for a refused conversion: the same key works once the request can succeed', async () => {
      const fan = await newFan(t);
      const key = randomUUID();
      const quoteId = await quote(fan);
      const refused = await post(fan, '/v1/wallet/convert', { quoteId }, key);
      expect(refused.json().code).toBe('insufficient_funds');
      await fundWallet(t, fan, '10.00');
      const converted = await post(fan, '/v1/wallet/convert', { quoteId }, key);
      expect(converted.statusCode, converted.body).toBe(201);
      expect(converted.headers['idempotent-replayed']).toBeUndefined();
    });
  });
});

import { randomUUID } from 'node:crypto';
import { type Club, fundWallet, type TestPlatform, testBackends, walletBalance } from '@pcf/kernel/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addToCart,
  checkout,
  createProduct,
  fanWithFunds,
  ordersOf,
  startShopWithClub,
  stockOf,
} from './support.ts';

/**
 * The Idempotency-Key of the shop's checkout and cancellation, through HTTP: the key is claimed with the order's id
 * in the shop's own transaction (kernel IdempotentOperations), so a retry finishes and answers the same order.
 */
describe.each(testBackends())('shop Idempotency-Key on $name', (backend) => {
  let t: TestPlatform;
  let club: Club;
  beforeAll(async () => {
    ({ t, club } = await startShopWithClub(backend));
  });
  afterAll(() => t.close());

  const checkoutBody = (
    fan: { token: string },
    key: string,
    body: Record<string, unknown> = { club: club.slug },
  ) =>
    t.request({
      method: 'POST',
      url: '/v1/shop/checkout',
      token: fan.token,
      body,
      headers: { 'idempotency-key': key },
    });

  const cancel = (fan: { token: string }, orderId: string, key: string) =>
    t.request({
      method: 'POST',
      url: `/v1/shop/orders/${orderId}/cancel`,
      token: fan.token,
      headers: { 'idempotency-key': key },
    });

  describe('POST /v1/shop/checkout', () => {
    it('answers the same order for the same request (members in any order), charged once; 422 for another', async () => {
      const fan = await fanWithFunds(t, '100.00');
      const scarf = await createProduct(t, club, { price: '20.00', stock: 10 });
      await addToCart(t, fan, scarf, 2);
      const key = randomUUID();
      const paid = await checkoutBody(fan, key, { club: club.slug, expectedTotal: '40.00' });
      expect(paid.statusCode, paid.body).toBe(201);
      expect(paid.headers['idempotent-replayed']).toBeUndefined();
      const again = await checkoutBody(fan, key, { expectedTotal: '40.00', club: club.slug });
      expect(again.statusCode).toBe(201);
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(again.json()).toEqual(paid.json());
      const other = await checkoutBody(fan, key, { club: club.slug, expectedTotal: '39.00' });
      expect(other.statusCode).toBe(422);
      expect(other.json().code).toBe('idempotency_key_reused');
      expect(await ordersOf(t, fan)).toHaveLength(1);
      expect(await walletBalance(t, fan)).toEqual({ balance: '60.00', available: '60.00' });
      expect(await stockOf(t, scarf)).toBe(8);
    });

    it('makes one order and one charge for concurrent requests with one key, all answering it', async () => {
      const fan = await fanWithFunds(t, '100.00');
      const scarf = await createProduct(t, club, { price: '20.00', stock: 10 });
      await addToCart(t, fan, scarf, 1);
      const key = randomUUID();
      const responses = await Promise.all(Array.from({ length: 5 }, () => checkout(t, fan, club, key)));
      expect(responses.map((r) => r.statusCode)).toEqual([201, 201, 201, 201, 201]);
      expect(new Set(responses.map((r) => r.json().id)).size).toBe(1);
      for (const r of responses) expect(r.json().status).toBe('paid');
      expect(await ordersOf(t, fan)).toHaveLength(1);
      expect(await walletBalance(t, fan)).toEqual({ balance: '80.00', available: '80.00' });
      expect(await stockOf(t, scarf)).toBe(9);
    });

    it('keeps nothing for a refused checkout, its key included: the same key pays once it can', async () => {
      const fan = await fanWithFunds(t, '10.00');
      const scarf = await createProduct(t, club, { price: '20.00', stock: 10 });
      await addToCart(t, fan, scarf, 1);
      const key = randomUUID();
      const refused = await checkout(t, fan, club, key);
      expect(refused.statusCode).toBe(422);
      expect(refused.json().code).toBe('insufficient_funds');
      expect(await stockOf(t, scarf)).toBe(10);
      await fundWallet(t, fan, '10.00');
      const paid = await checkout(t, fan, club, key);
      expect(paid.statusCode, paid.body).toBe(201);
      expect(paid.headers['idempotent-replayed']).toBeUndefined();
      expect(paid.json().status).toBe('paid');
      expect(await walletBalance(t, fan)).toEqual({ balance: '0.00', available: '0.00' });
      expect(await stockOf(t, scarf)).toBe(9);
    });
  });

  describe('POST /v1/shop/orders/:id/cancel', () => {
    it('refunds once for retries and concurrent requests with one key, and refuses the key for another order', async () => {
      const fan = await fanWithFunds(t, '100.00');
      const scarf = await createProduct(t, club, { price: '20.00', stock: 10 });
      await addToCart(t, fan, scarf, 1);
      const first = (await checkout(t, fan, club)).json();
      await addToCart(t, fan, scarf, 1);
      const second = (await checkout(t, fan, club)).json();
      expect(await walletBalance(t, fan)).toEqual({ balance: '60.00', available: '60.00' });
      const key = randomUUID();
      const responses = await Promise.all(Array.from({ length: 4 }, () => cancel(fan, first.id, key)));
      expect(
        responses.map((r) => r.statusCode),
        responses.map((r) => r.body).join('\n'),
      ).toEqual([200, 200, 200, 200]);
      for (const r of responses) expect(r.json()).toMatchObject({ id: first.id, status: 'refunded' });
      const again = await cancel(fan, first.id, key);
      expect(again.statusCode).toBe(200);
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(again.json()).toEqual(responses[0]!.json());
      const other = await cancel(fan, second.id, key);
      expect(other.statusCode).toBe(422);
      expect(other.json().code).toBe('idempotency_key_reused');
      expect((await ordersOf(t, fan)).find((o) => o.id === second.id)?.status).toBe('paid');
      // The refund is the total minus the cashback credited (none yet): once.
      expect(await walletBalance(t, fan)).toEqual({ balance: '80.00', available: '80.00' });
      expect(await stockOf(t, scarf)).toBe(9);
    });

    it('stores nothing for a refused cancellation', async () => {
      const fan = await fanWithFunds(t, '10.00');
      const key = randomUUID();
      const missing = await cancel(fan, randomUUID(), key);
      expect(missing.statusCode).toBe(404);
      const scarf = await createProduct(t, club, { price: '5.00', stock: 10 });
      await addToCart(t, fan, scarf, 1);
      const order = (await checkout(t, fan, club)).json();
      const cancelled = await cancel(fan, order.id, key);
      expect(cancelled.statusCode, cancelled.body).toBe(200);
      expect(cancelled.headers['idempotent-replayed']).toBeUndefined();
      expect(cancelled.json().status).toBe('refunded');
    });
  });
});

import { randomUUID } from 'node:crypto';
import {
  type Account,
  type Club,
  fundWallet,
  newFan,
  postgresBackend,
  type TestPlatform,
  walletBalance,
} from '@pcf/kernel/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addToCart,
  cashbackCredited,
  checkout,
  createFlashSale,
  createProduct,
  newClub,
  startShopPlatform,
} from './support.ts';

// Real concurrency needs real connections: PostgreSQL only (skipped without TEST_DATABASE_URL).
const postgres = postgresBackend();

describe.skipIf(!postgres)('shop under concurrency on real PostgreSQL', () => {
  let t: TestPlatform;
  let club: Club;
  beforeAll(async () => {
    t = await startShopPlatform(postgres!);
    club = await newClub(t);
  });
  afterAll(() => t?.close());

  async function fans(count: number, amount: string): Promise<Account[]> {
    const users: Account[] = [];
    for (let i = 0; i < count; i += 20) {
      const batch = await Promise.all(
        Array.from({ length: Math.min(20, count - i) }, () => newFan(t, 'Buyer')),
      );
      await Promise.all(batch.map((fan) => fundWallet(t, fan, amount)));
      users.push(...batch);
    }
    return users;
  }

  it('200 buyers for 50 units: exactly 50 paid orders, stock 0, 150 out_of_stock, money matches', async () => {
    const jersey = await createProduct(t, club, { category: 'maillots', price: '89.90', stock: 200 });
    const buyers = await fans(200, '100.00');
    for (let i = 0; i < buyers.length; i += 50) {
      await Promise.all(buyers.slice(i, i + 50).map((fan) => addToCart(t, fan, jersey, 1)));
    }
    // Everyone has it in the cart; now only 50 are left.
    const set = await t.request({
      method: 'PATCH',
      url: `/v1/shop/admin/variants/${jersey.variants[0]!.id}`,
      token: club.admin.token,
      body: { stock: 50 },
    });
    expect(set.statusCode).toBe(200);
    const responses = await Promise.all(buyers.map((fan) => checkout(t, fan, club)));
    const paid = responses.filter((r) => r.statusCode === 201);
    const refused = responses.filter((r) => r.statusCode === 409);
    expect(paid).toHaveLength(50);
    expect(refused).toHaveLength(150);
    for (const r of refused) expect(r.json().code).toBe('out_of_stock');
    const product = (await t.request({ method: 'GET', url: `/v1/shop/products/${jersey.id}` })).json();
    expect(product.variants[0].stock).toBe(0);
    const balances = await Promise.all(buyers.map((fan) => walletBalance(t, fan)));
    const charged = balances.filter((b) => b.balance === '10.10').length;
    const untouched = balances.filter((b) => b.balance === '100.00' && b.available === '100.00').length;
    expect(charged).toBe(50);
    expect(untouched).toBe(150);
    const paidFans = buyers.filter((_, i) => responses[i]!.statusCode === 201);
    await Promise.all(paidFans.map((fan, i) => cashbackCredited(t, fan, paid[i]!.json().id)));
    for (const fan of paidFans)
      expect(await walletBalance(t, fan)).toEqual({ balance: '14.59', available: '14.59' });
  });

  it('a flash sale with a budget of 20 uses under 100 concurrent checkouts: exactly 20 discounted orders', async () => {
    const scarf = await createProduct(t, club, { price: '25.00', stock: 1000 });
    const buyers = await fans(100, '50.00');
    const flash = await createFlashSale(t, club, {
      productIds: [scarf.id],
      endsAt: new Date(Date.now() + 3_600_000).toISOString(),
      budget: { kind: 'uses', limit: 20 },
    });
    await Promise.all(buyers.map((fan) => addToCart(t, fan, scarf, 1)));
    const responses = await Promise.all(buyers.map((fan) => checkout(t, fan, club, randomUUID())));
    const discounted = responses.filter((r) => r.statusCode === 201 && r.json().total.amount === '20.00');
    const fullPrice = responses.filter((r) => r.statusCode === 201 && r.json().total.amount !== '20.00');
    expect(discounted).toHaveLength(20);
    // The others either were priced after the budget ran out (full price) or saw the discount vanish at checkout.
    for (const r of fullPrice) expect(r.json().total.amount).toBe('25.00');
    for (const r of responses.filter((r) => r.statusCode !== 201)) {
      expect(r.statusCode).toBe(409);
      expect(r.json().code).toBe('promotion_ended');
    }
    const promotions = (
      await t.request({
        method: 'GET',
        url: `/v1/shop/admin/promotions?club=${club.slug}`,
        token: club.admin.token,
      })
    ).json();
    expect(promotions.data.find((p: { id: string }) => p.id === flash.id).budget).toEqual({
      kind: 'uses',
      limit: 20,
      used: 20,
    });
    const product = (await t.request({ method: 'GET', url: `/v1/shop/products/${scarf.id}` })).json();
    expect(product.variants[0].stock).toBe(1000 - discounted.length - fullPrice.length);
    expect(product.promotion).toBeNull();
  });
});

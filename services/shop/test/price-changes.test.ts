import { randomUUID } from 'node:crypto';
import { type Account, type Club, type TestPlatform, testBackends, walletBalance } from '@pcf/kernel/testing';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { PromotionsRepository } from '../src/promotions.repository.ts';
import {
  addToCart,
  type CreatedProduct,
  cartOf,
  checkout,
  createFlashSale,
  createProduct,
  fanWithFunds,
  ordersOf,
  promotionOf,
  startShopWithClub,
  stockOf,
} from './support.ts';

// Checkout charges what the fan was shown: a code, flash price or live price that no longer applies, or any price
// that moved, answers 409 (promotion_ended / price_changed) with the new total, and nothing is charged or kept.
describe.each(testBackends())('checkout when a price changed, on $name', (backend) => {
  let t: TestPlatform;
  let club: Club;
  beforeAll(async () => {
    ({ t, club } = await startShopWithClub(backend));
  });
  afterAll(() => t?.close());

  const inAnHour = () => new Date(Date.now() + 3_600_000).toISOString();

  async function oneUseCode(label: string, value = '50') {
    const created = await t.request({
      method: 'POST',
      url: '/v1/shop/admin/promotions',
      token: club.admin.token,
      body: {
        club: club.slug,
        kind: 'code',
        code: label,
        label,
        type: 'percentage',
        value,
        endsAt: inAnHour(),
        budget: { kind: 'uses', limit: 1 },
      },
    });
    expect(created.statusCode, created.body).toBe(201);
    return created.json() as { id: string };
  }

  async function fanWithCart(product: CreatedProduct, code?: string, funds = '100.00'): Promise<Account> {
    const fan = await fanWithFunds(t, funds);
    expect((await addToCart(t, fan, product, 1)).statusCode).toBe(200);
    if (code) {
      const applied = await t.request({
        method: 'POST',
        url: '/v1/shop/cart/discount',
        token: fan.token,
        body: { club: club.slug, code },
      });
      expect(applied.statusCode, applied.body).toBe(200);
    }
    return fan;
  }

  /** The refusal says what changed; nothing was charged, reserved or kept, and the cart is as it was. */
  async function expectNothingKept(fan: Account, product: CreatedProduct, stockBefore: number) {
    expect(await walletBalance(t, fan)).toEqual({ balance: '100.00', available: '100.00' });
    expect(await stockOf(t, product)).toBe(stockBefore);
    expect(await ordersOf(t, fan)).toEqual([]);
    expect((await cartOf(t, club, fan)).count).toBe(1);
  }

  it('a one-use code on two carts: the second checkout is refused with the new total, never charged the full price', async () => {
    const scarf = await createProduct(t, club, { price: '19.90', stock: 10 });
    const code = await oneUseCode(`HALF${randomUUID().slice(0, 6).toUpperCase()}`);
    const label = (await promotionOf(t, club, code.id))!.label;
    const first = await fanWithCart(scarf, label);
    const second = await fanWithCart(scarf, label);
    expect((await cartOf(t, club, first)).total.amount).toBe('9.95');
    expect((await cartOf(t, club, second)).total.amount).toBe('9.95');

    const paid = await checkout(t, first, club, randomUUID(), { expectedTotal: '9.95' });
    expect(paid.statusCode, paid.body).toBe(201);
    expect(paid.json().total.amount).toBe('9.95');
    expect((await promotionOf(t, club, code.id))?.budget).toEqual({ kind: 'uses', limit: 1, used: 1 });

    // A REST client that sends no expectedTotal: its code is gone, so it is told instead of paying more.
    const key = randomUUID();
    const refused = await checkout(t, second, club, key);
    expect(refused.statusCode, refused.body).toBe(409);
    expect(refused.headers['content-type']).toContain('application/problem+json');
    expect(refused.json()).toMatchObject({
      code: 'promotion_ended',
      reason: 'code_exhausted',
      total: { amount: '19.90', asset: 'EUR' },
      expectedTotal: null,
      promotions: [{ kind: 'code', label, reason: 'code_exhausted' }],
    });
    await expectNothingKept(second, scarf, 9);

    // The widget sends the total it showed: the same answer, with what it showed.
    const shown = await checkout(t, second, club, randomUUID(), { expectedTotal: '9.95' });
    expect(shown.statusCode).toBe(409);
    expect(shown.json()).toMatchObject({
      code: 'promotion_ended',
      reason: 'code_exhausted',
      total: { amount: '19.90', asset: 'EUR' },
      expectedTotal: { amount: '9.95', asset: 'EUR' },
    });
    await expectNothingKept(second, scarf, 9);

    // A refusal stores nothing, its key included: the same key and body is checked again (not a replay) and
    // refused the same way; still nothing charged.
    const retried = await checkout(t, second, club, key);
    expect(retried.statusCode).toBe(409);
    expect(retried.headers['idempotent-replayed']).toBeUndefined();
    expect(retried.json().code).toBe('promotion_ended');
    await expectNothingKept(second, scarf, 9);

    // The fan accepts the new total: a new key with the new expectedTotal pays exactly that.
    const accepted = await checkout(t, second, club, randomUUID(), { expectedTotal: '19.90' });
    expect(accepted.statusCode, accepted.body).toBe(201);
    expect(accepted.json().total.amount).toBe('19.90');
    expect(await walletBalance(t, second)).toEqual({ balance: '80.10', available: '80.10' });
    expect((await promotionOf(t, club, code.id))?.budget).toEqual({ kind: 'uses', limit: 1, used: 1 });
  });

  it('a code that ended (archived) is promotion_ended too; removing it lets a REST client pay the list price', async () => {
    const cap = await createProduct(t, club, { price: '30.00', stock: 5 });
    const code = await oneUseCode(`GONE${randomUUID().slice(0, 6).toUpperCase()}`, '10');
    const label = (await promotionOf(t, club, code.id))!.label;
    const fan = await fanWithCart(cap, label);
    expect((await cartOf(t, club, fan)).total.amount).toBe('27.00');
    const archived = await t.request({
      method: 'PATCH',
      url: `/v1/shop/admin/promotions/${code.id}`,
      token: club.admin.token,
      body: { archived: true },
    });
    expect(archived.statusCode, archived.body).toBe(200);
    const refused = await checkout(t, fan, club);
    expect(refused.statusCode).toBe(409);
    expect(refused.json()).toMatchObject({
      code: 'promotion_ended',
      reason: 'code_ended',
      total: { amount: '30.00', asset: 'EUR' },
    });
    await expectNothingKept(fan, cap, 5);
    await t.request({
      method: 'DELETE',
      url: `/v1/shop/cart/discount?club=${club.slug}`,
      token: fan.token,
    });
    expect((await checkout(t, fan, club)).statusCode).toBe(201);
    expect(await walletBalance(t, fan)).toEqual({ balance: '70.00', available: '70.00' });
  });

  it('a flash sale sold out or ended, and a live session ended: promotion_ended with the new total', async () => {
    const scarf = await createProduct(t, club, { price: '25.00', stock: 20 });
    const flash = await createFlashSale(t, club, {
      productIds: [scarf.id],
      endsAt: inAnHour(),
      budget: { kind: 'units', limit: 1 },
    });
    const early = await fanWithCart(scarf);
    const late = await fanWithCart(scarf);
    expect((await cartOf(t, club, late)).total.amount).toBe('20.00');
    expect((await checkout(t, early, club, randomUUID(), { expectedTotal: '20.00' })).statusCode).toBe(201);
    const soldOut = await checkout(t, late, club, randomUUID(), { expectedTotal: '20.00' });
    expect(soldOut.statusCode).toBe(409);
    expect(soldOut.json()).toMatchObject({
      code: 'promotion_ended',
      reason: 'flash_sale_exhausted',
      total: { amount: '25.00', asset: 'EUR' },
      expectedTotal: { amount: '20.00', asset: 'EUR' },
      promotions: [{ kind: 'flash', label: 'Flash −20 %', reason: 'flash_sale_exhausted' }],
    });
    await expectNothingKept(late, scarf, 19);
    expect((await promotionOf(t, club, flash.id))?.budget?.used).toBe(1);

    // A sale that ends by its date.
    const ball = await createProduct(t, club, { price: '40.00', stock: 5 });
    const sale = await t.request({
      method: 'POST',
      url: '/v1/shop/admin/promotions',
      token: club.admin.token,
      body: {
        club: club.slug,
        kind: 'flash',
        label: 'Ballons −25 %',
        type: 'percentage',
        value: '25',
        productIds: [ball.id],
        startsAt: new Date(Date.now() - 60_000).toISOString(),
        endsAt: inAnHour(),
      },
    });
    expect(sale.statusCode, sale.body).toBe(201);
    const fan = await fanWithCart(ball);
    expect((await cartOf(t, club, fan)).total.amount).toBe('30.00');
    await t.request({
      method: 'PATCH',
      url: `/v1/shop/admin/promotions/${sale.json().id}`,
      token: club.admin.token,
      body: { endsAt: new Date(Date.now() - 1_000).toISOString() },
    });
    const ended = await checkout(t, fan, club, randomUUID(), { expectedTotal: '30.00' });
    expect(ended.statusCode).toBe(409);
    expect(ended.json()).toMatchObject({
      code: 'promotion_ended',
      reason: 'flash_sale_ended',
      total: { amount: '40.00', asset: 'EUR' },
      promotions: [{ kind: 'flash', label: 'Ballons −25 %', reason: 'flash_sale_ended' }],
    });
    await expectNothingKept(fan, ball, 5);

    // A live price that ends with its session.
    const flag = await createProduct(t, club, { price: '15.00', stock: 5 });
    const live = await t.request({
      method: 'POST',
      url: '/v1/shop/admin/live',
      token: club.admin.token,
      body: {
        club: club.slug,
        title: 'Live du soir',
        startsAt: new Date(Date.now() - 60_000).toISOString(),
        endsAt: inAnHour(),
        products: [{ productId: flag.id, livePrice: '12.00' }],
      },
    });
    expect(live.statusCode, live.body).toBe(201);
    const viewer = await fanWithCart(flag);
    expect((await cartOf(t, club, viewer)).total.amount).toBe('12.00');
    await t.request({
      method: 'DELETE',
      url: `/v1/shop/admin/live/${live.json().id}`,
      token: club.admin.token,
    });
    const over = await checkout(t, viewer, club, randomUUID(), { expectedTotal: '12.00' });
    expect(over.statusCode).toBe(409);
    expect(over.json()).toMatchObject({
      code: 'promotion_ended',
      reason: 'live_ended',
      total: { amount: '15.00', asset: 'EUR' },
      promotions: [{ kind: 'live', label: 'Live du soir', reason: 'live_ended' }],
    });
    await expectNothingKept(viewer, flag, 5);
    expect((await checkout(t, viewer, club, randomUUID(), { expectedTotal: '15.00' })).statusCode).toBe(201);
  });

  it('a list price that moved, up or down: price_changed with the new total; the accepted total is charged', async () => {
    const bottle = await createProduct(t, club, { price: '12.00', stock: 5 });
    const fan = await fanWithCart(bottle);
    const setPrice = (price: string) =>
      t.request({
        method: 'PATCH',
        url: `/v1/shop/admin/variants/${bottle.variants[0]!.id}`,
        token: club.admin.token,
        body: { price },
      });
    expect((await setPrice('14.00')).statusCode).toBe(200);
    const up = await checkout(t, fan, club, randomUUID(), { expectedTotal: '12.00' });
    expect(up.statusCode).toBe(409);
    expect(up.json()).toMatchObject({
      code: 'price_changed',
      reason: 'price_increased',
      total: { amount: '14.00', asset: 'EUR' },
      expectedTotal: { amount: '12.00', asset: 'EUR' },
      promotions: [],
    });
    await expectNothingKept(fan, bottle, 5);
    // Down: charging less than shown would do no harm, but the fan confirms the amount that is charged.
    expect((await setPrice('11.00')).statusCode).toBe(200);
    const down = await checkout(t, fan, club, randomUUID(), { expectedTotal: '14.00' });
    expect(down.statusCode).toBe(409);
    expect(down.json()).toMatchObject({
      code: 'price_changed',
      reason: 'price_decreased',
      total: { amount: '11.00', asset: 'EUR' },
    });
    await expectNothingKept(fan, bottle, 5);
    const paid = await checkout(t, fan, club, randomUUID(), { expectedTotal: '11.00' });
    expect(paid.statusCode, paid.body).toBe(201);
    expect(await walletBalance(t, fan)).toEqual({ balance: '89.00', available: '89.00' });
  });

  it('concurrent checkouts of two carts with one one-use code: exactly one gets it, the other is refused', async () => {
    // Several rounds so that on PostgreSQL both interleavings happen (priced before / after the other's commit).
    for (let round = 0; round < 6; round++) {
      const jersey = await createProduct(t, club, { price: '19.90', stock: 10 });
      const code = await oneUseCode(`DUO${round}${randomUUID().slice(0, 6).toUpperCase()}`);
      const label = (await promotionOf(t, club, code.id))!.label;
      const fans = [await fanWithCart(jersey, label), await fanWithCart(jersey, label)];
      // One REST client without expectedTotal, one widget with it.
      const answers = await Promise.all([
        checkout(t, fans[0]!, club),
        checkout(t, fans[1]!, club, randomUUID(), { expectedTotal: '9.95' }),
      ]);
      const paid = answers.filter((a) => a.statusCode === 201);
      const refused = answers.filter((a) => a.statusCode !== 201);
      expect(paid, answers.map((a) => a.body).join('\n')).toHaveLength(1);
      expect(paid[0]!.json().total.amount).toBe('9.95');
      expect(refused).toHaveLength(1);
      expect(refused[0]!.statusCode).toBe(409);
      expect(refused[0]!.json()).toMatchObject({
        code: 'promotion_ended',
        reason: 'code_exhausted',
        total: { amount: '19.90', asset: 'EUR' },
      });
      const balances = await Promise.all(fans.map((fan) => walletBalance(t, fan)));
      expect(balances.map((b) => b.balance).sort()).toEqual(['100.00', '90.05']);
      for (const b of balances) expect(b.available).toBe(b.balance);
      expect(await stockOf(t, jersey)).toBe(9);
      expect((await promotionOf(t, club, code.id))?.budget).toEqual({ kind: 'uses', limit: 1, used: 1 });
    }
  });

  // Real concurrency needs real connections (PGlite runs one transaction at a time).
  it.skipIf(backend.name !== 'postgres')(
    'both carts priced with the one-use code before either takes it: one pays 9.95, the other gets promotion_ended',
    async () => {
      // Two products: the same variant's stock row would serialise the two reservations before the budget.
      const jerseys = [
        await createProduct(t, club, { price: '19.90', stock: 10 }),
        await createProduct(t, club, { price: '19.90', stock: 10 }),
      ];
      const code = await oneUseCode(`RACE${randomUUID().slice(0, 6).toUpperCase()}`);
      const label = (await promotionOf(t, club, code.id))!.label;
      const fans = [await fanWithCart(jerseys[0]!, label), await fanWithCart(jerseys[1]!, label)];
      // Both reservations reach the budget UPDATE (each priced the cart with the code), then go on together.
      const consume = PromotionsRepository.prototype.consume;
      let arrived = 0;
      let release: () => void = () => undefined;
      const together = new Promise<void>((resolve) => {
        release = resolve;
        // Never hang the suite if only one gets there (the assertion on `arrived` then fails).
        setTimeout(resolve, 20_000).unref();
      });
      const results: (string | null)[] = [];
      const spy = vi.spyOn(PromotionsRepository.prototype, 'consume').mockImplementation(async function (
        this: PromotionsRepository,
        tx,
        uses,
      ) {
        if (uses.some((u) => u.promotionId === code.id)) {
          arrived += 1;
          if (arrived === 2) release();
          await together;
        }
        const result = await consume.call(this, tx, uses);
        results.push(result);
        return result;
      });
      try {
        const answers = await Promise.all([
          checkout(t, fans[0]!, club, randomUUID(), { expectedTotal: '9.95' }),
          checkout(t, fans[1]!, club),
        ]);
        // The loser's conditional UPDATE waited for the winner's commit, then found no budget left.
        expect(arrived).toBe(2);
        expect(results.filter((r) => r === code.id)).toHaveLength(1);
        const paid = answers.filter((a) => a.statusCode === 201);
        const refused = answers.filter((a) => a.statusCode !== 201);
        expect(paid).toHaveLength(1);
        expect(paid[0]!.json().total.amount).toBe('9.95');
        expect(refused[0]!.statusCode).toBe(409);
        expect(refused[0]!.json()).toMatchObject({
          code: 'promotion_ended',
          reason: 'code_exhausted',
          total: { amount: '19.90', asset: 'EUR' },
          promotions: [{ kind: 'code', label, reason: 'code_exhausted' }],
        });
      } finally {
        spy.mockRestore();
      }
      const balances = await Promise.all(fans.map((fan) => walletBalance(t, fan)));
      expect(balances.map((b) => b.balance).sort()).toEqual(['100.00', '90.05']);
      for (const b of balances) expect(b.available).toBe(b.balance);
      const loser = balances.findIndex((b) => b.balance === '100.00');
      expect((await Promise.all(jerseys.map((jersey) => stockOf(t, jersey)))).sort((a, b) => a - b)).toEqual([
        9, 10,
      ]);
      expect(await stockOf(t, jerseys[loser]!)).toBe(10);
      expect((await cartOf(t, club, fans[loser]!)).count).toBe(1);
      expect((await promotionOf(t, club, code.id))?.budget).toEqual({ kind: 'uses', limit: 1, used: 1 });
    },
  );
});

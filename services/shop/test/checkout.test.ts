import { randomUUID } from 'node:crypto';
import {
  type Club,
  fundWallet,
  newFan,
  type TestPlatform,
  testBackends,
  walletBalance,
} from '@pcf/kernel/testing';
import type { WalletPort } from '@pcf/wallet/port';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ShopPortInProcess } from '../src/shop.module.ts';
import {
  addToCart,
  cartOf,
  cashbackCredited,
  checkout,
  createFlashSale,
  createProduct,
  fanWithFunds,
  ordersOf,
  promotionOf,
  startShopWithClub,
  stockOf,
} from './support.ts';

describe.each(testBackends())('shop cart and checkout on $name', (backend) => {
  let t: TestPlatform;
  let club: Club;
  beforeAll(async () => {
    ({ t, club } = await startShopWithClub(backend));
  });
  afterAll(() => t.close());

  it('keeps one cart per fan and club, refuses more than the stock, computes totals and cashback', async () => {
    const fan = await newFan(t);
    const jersey = await createProduct(t, club, {
      category: 'maillots',
      price: '89.90',
      stock: 3,
      sizes: ['M', 'L'],
    });
    expect((await t.request({ method: 'GET', url: `/v1/shop/cart?club=${club.slug}` })).statusCode).toBe(401);
    const added = await addToCart(t, fan, jersey, 2);
    expect(added.statusCode, added.body).toBe(200);
    const tooMany = await addToCart(t, fan, jersey, 2);
    expect(tooMany.statusCode).toBe(409);
    expect(tooMany.json()).toMatchObject({ code: 'out_of_stock' });
    expect(tooMany.json().detail).toContain('only 3 left');
    const body = await cartOf(t, club, fan);
    expect(body).toMatchObject({
      club: { slug: club.slug },
      count: 2,
      subtotal: { amount: '179.80', asset: 'EUR' },
      discountTotal: { amount: '0.00' },
      total: { amount: '179.80' },
      cashback: { rate: '0.05', amount: { amount: '8.99' } },
      discountCode: null,
    });
    expect(body.items[0]).toMatchObject({
      quantity: 2,
      unitPrice: { amount: '89.90' },
      lineTotal: { amount: '179.80' },
      available: 3,
    });
    const itemId = body.items[0]!.id;
    const patched = await t.request({
      method: 'PATCH',
      url: `/v1/shop/cart/items/${itemId}`,
      token: fan.token,
      body: { quantity: 1 },
    });
    expect(patched.json().count).toBe(1);
    expect(
      (
        await t.request({
          method: 'PATCH',
          url: `/v1/shop/cart/items/${itemId}`,
          token: fan.token,
          body: { quantity: 4 },
        })
      ).statusCode,
    ).toBe(409);
    await addToCart(t, fan, jersey, 1, 1);
    expect((await cartOf(t, club, fan)).items).toHaveLength(2);
    const removed = await t.request({
      method: 'DELETE',
      url: `/v1/shop/cart/items/${itemId}`,
      token: fan.token,
    });
    expect(removed.json().items).toHaveLength(1);
    const other = await newFan(t);
    expect(
      (
        await t.request({
          method: 'DELETE',
          url: `/v1/shop/cart/items/${removed.json().items[0].id}`,
          token: other.token,
        })
      ).statusCode,
    ).toBe(404);
    const cleared = await t.request({
      method: 'DELETE',
      url: `/v1/shop/cart?club=${club.slug}`,
      token: fan.token,
    });
    expect(cleared.json()).toMatchObject({ count: 0, items: [], total: { amount: '0.00' } });
    const empty = await checkout(t, fan, club);
    expect(empty.statusCode).toBe(422);
    expect(empty.json().code).toBe('empty_cart');
    const noKey = await t.request({
      method: 'POST',
      url: '/v1/shop/checkout',
      token: fan.token,
      body: { club: club.slug },
    });
    expect(noKey.statusCode).toBe(400);
  });

  it('pays from the wallet, confirms the order and credits the cashback exactly once', async () => {
    const fan = await fanWithFunds(t, '200.00');
    const jersey = await createProduct(t, club, { category: 'maillots', price: '89.90', stock: 5 });
    await addToCart(t, fan, jersey, 2);
    const key = randomUUID();
    const paid = await checkout(t, fan, club, key);
    expect(paid.statusCode, paid.body).toBe(201);
    const order = paid.json();
    expect(order).toMatchObject({
      status: 'paid',
      total: { amount: '179.80' },
      cashback: { amount: { amount: '8.99' } },
      items: [{ productId: jersey.id, quantity: 2, unitPrice: { amount: '89.90' } }],
    });
    expect(order.number).toMatch(/^[A-Z0-9]{1,3}-\d{6}$/);
    expect(order.history.map((h: { status: string }) => h.status)).toEqual(['pending', 'paid']);
    expect(await walletBalance(t, fan)).toEqual({ balance: '20.20', available: '20.20' });
    expect(await stockOf(t, jersey)).toBe(3);
    expect((await cartOf(t, club, fan)).count).toBe(0);
    await cashbackCredited(t, fan, order.id);
    expect(await walletBalance(t, fan)).toEqual({ balance: '29.19', available: '29.19' });
    // Retries with the same key: one order, one charge, one cashback.
    const again = await checkout(t, fan, club, key);
    expect(again.statusCode).toBe(201);
    expect(again.json().id).toBe(order.id);
    const svc = t.platform.port<WalletPort>('wallet');
    await svc.credit({
      idempotencyKey: `cashback:${order.id}`,
      userId: fan.id,
      amount: '8.99',
      asset: 'EUR',
      partnerId: club.partnerId,
      reason: 'cashback',
      reference: order.number,
    });
    await t.platform.flushEvents();
    expect(await walletBalance(t, fan)).toEqual({ balance: '29.19', available: '29.19' });
    expect(await ordersOf(t, fan)).toHaveLength(1);
    const history = (
      await t.request({ method: 'GET', url: '/v1/wallet/transactions', token: fan.token })
    ).json();
    expect(history.data.filter((a: { type: string }) => a.type === 'payment')).toHaveLength(1);
    expect(history.data.filter((a: { type: string }) => a.type === 'deposit')).toHaveLength(1); // funding
    expect(history.data.filter((a: { type: string }) => a.type === 'cashback')).toHaveLength(1);
  });

  it('retries of one checkout key running together make one order and one charge', async () => {
    const fan = await fanWithFunds(t, '100.00');
    const scarf = await createProduct(t, club, { price: '20.00', stock: 10 });
    await addToCart(t, fan, scarf, 1);
    const key = randomUUID();
    const responses = await Promise.all(Array.from({ length: 5 }, () => checkout(t, fan, club, key)));
    const ok = responses.filter((r) => r.statusCode === 201);
    expect(ok.length).toBeGreaterThanOrEqual(1);
    for (const r of responses) expect([201, 409]).toContain(r.statusCode);
    expect(new Set(ok.map((r) => r.json().id)).size).toBe(1);
    expect(await walletBalance(t, fan)).toEqual({ balance: '80.00', available: '80.00' });
  });

  it('insufficient funds: no order paid, stock and hold released, cart kept', async () => {
    const fan = await fanWithFunds(t, '50.00');
    const jersey = await createProduct(t, club, { category: 'maillots', price: '89.90', stock: 2 });
    await addToCart(t, fan, jersey, 1);
    const refused = await checkout(t, fan, club);
    expect(refused.statusCode).toBe(422);
    expect(refused.json().code).toBe('insufficient_funds');
    expect(await walletBalance(t, fan)).toEqual({ balance: '50.00', available: '50.00' });
    expect(await stockOf(t, jersey)).toBe(2);
    expect((await cartOf(t, club, fan)).count).toBe(1);
    expect(await ordersOf(t, fan)).toEqual([]);
    // After a top-up the same cart goes through.
    await fundWallet(t, fan, '50.00');
    expect((await checkout(t, fan, club)).statusCode).toBe(201);
  });

  it('wallet unreachable: the order fails, stock comes back, a hold is voided', async () => {
    const fan = await fanWithFunds(t, '100.00');
    const cap = await createProduct(t, club, { price: '30.00', stock: 4 });
    await addToCart(t, fan, cap, 1);
    const wallet = t.platform.port<WalletPort>('wallet');
    const capture = wallet.capture;
    wallet.capture = async () => {
      throw new Error('connect ECONNREFUSED');
    };
    try {
      const failed = await checkout(t, fan, club);
      expect(failed.statusCode).toBe(503);
      expect(failed.json().code).toBe('wallet_unavailable');
    } finally {
      wallet.capture = capture;
    }
    expect(await walletBalance(t, fan)).toEqual({ balance: '100.00', available: '100.00' });
    expect(await stockOf(t, cap)).toBe(4);
    expect((await cartOf(t, club, fan)).count).toBe(1);
  });

  it('recovery finishes an order left with an active hold, and compensates one left without', async () => {
    const fan = await fanWithFunds(t, '100.00');
    const ball = await createProduct(t, club, { price: '25.00', stock: 10 });
    const wallet = t.platform.port<WalletPort>('wallet');
    const capture = wallet.capture;
    const hold = wallet.hold;
    // A crash between hold and capture: the capture never returns.
    wallet.capture = () => new Promise(() => {});
    await addToCart(t, fan, ball, 1);
    const stuck = checkout(t, fan, club);
    const db = t.platform.database('shop');
    let orderId = '';
    for (let i = 0; i < 200 && !orderId; i++) {
      await new Promise((r) => setTimeout(r, 10));
      const rows = await db.query<{ id: string }>(
        `SELECT id FROM shop.orders WHERE user_id = $1 AND saga_state = 'held'`,
        [fan.id],
      );
      orderId = rows.rows[0]?.id ?? '';
    }
    expect(orderId).not.toBe('');
    wallet.capture = capture;
    void stuck;
    await t.platform.port<ShopPortInProcess>('shop').recoverOrder(orderId);
    const order = (
      await t.request({ method: 'GET', url: `/v1/shop/orders/${orderId}`, token: fan.token })
    ).json();
    expect(order.status).toBe('paid');
    expect(await walletBalance(t, fan)).toEqual({ balance: '75.00', available: '75.00' });
    // A crash right after the hold was taken, before the shop learnt its id: recovery voids it.
    wallet.hold = async (request) => {
      await hold.call(wallet, request);
      return new Promise(() => {});
    };
    await addToCart(t, fan, ball, 1);
    void checkout(t, fan, club);
    let second = '';
    for (let i = 0; i < 200 && !second; i++) {
      await new Promise((r) => setTimeout(r, 10));
      const rows = await db.query<{ id: string }>(
        `SELECT id FROM shop.orders WHERE user_id = $1 AND saga_state = 'reserved'`,
        [fan.id],
      );
      second = rows.rows[0]?.id ?? '';
    }
    for (let i = 0; i < 100 && (await walletBalance(t, fan)).available !== '50.00'; i++)
      await new Promise((r) => setTimeout(r, 10));
    expect(await walletBalance(t, fan)).toEqual({ balance: '75.00', available: '50.00' });
    wallet.hold = hold;
    await t.platform.port<ShopPortInProcess>('shop').recoverOrder(second);
    const failed = await db.query<{ status: string; saga_state: string }>(
      'SELECT status, saga_state FROM shop.orders WHERE id = $1',
      [second],
    );
    expect(failed.rows[0]).toEqual({ status: 'failed', saga_state: 'settled' });
    expect(await walletBalance(t, fan)).toEqual({ balance: '75.00', available: '75.00' });
    expect(await stockOf(t, ball)).toBe(9);
  });

  it('cancellation refunds the total minus the cashback credited, reverses it, restocks; idempotent', async () => {
    const fan = await fanWithFunds(t, '100.00');
    const jersey = await createProduct(t, club, { category: 'maillots', price: '80.00', stock: 5 });
    await addToCart(t, fan, jersey, 1);
    const order = (await checkout(t, fan, club)).json();
    await cashbackCredited(t, fan, order.id);
    expect(await walletBalance(t, fan)).toEqual({ balance: '24.00', available: '24.00' });
    // The fan spends the cashback: the refund still never makes the account negative.
    const key = randomUUID();
    const cancel = () =>
      t.request({
        method: 'POST',
        url: `/v1/shop/orders/${order.id}/cancel`,
        token: fan.token,
        headers: { 'idempotency-key': key },
      });
    const cancelled = await cancel();
    expect(cancelled.statusCode, cancelled.body).toBe(200);
    expect(cancelled.json()).toMatchObject({
      status: 'refunded',
      refunded: { amount: '76.00' },
      cashback: { status: 'reversed' },
    });
    expect(cancelled.json().history.map((h: { status: string }) => h.status)).toEqual([
      'pending',
      'paid',
      'refunded',
    ]);
    expect(await walletBalance(t, fan)).toEqual({ balance: '100.00', available: '100.00' });
    expect(await stockOf(t, jersey)).toBe(5);
    expect((await cancel()).json().status).toBe('refunded');
    const otherKey = await t.request({
      method: 'POST',
      url: `/v1/shop/orders/${order.id}/cancel`,
      token: fan.token,
      headers: { 'idempotency-key': randomUUID() },
    });
    expect(otherKey.json().status).toBe('refunded');
    expect(await walletBalance(t, fan)).toEqual({ balance: '100.00', available: '100.00' });
  });

  it('applies flash sales, discount codes and live prices on the server, and respects a budget', async () => {
    const fan = await fanWithFunds(t, '500.00');
    const scarf = await createProduct(t, club, { price: '25.00', stock: 50 });
    const jersey = await createProduct(t, club, { category: 'maillots', price: '90.00', stock: 50 });
    const in7days = new Date(Date.now() + 7 * 86_400_000).toISOString();
    const flash = await createFlashSale(t, club, {
      productIds: [scarf.id],
      endsAt: in7days,
      budget: { kind: 'units', limit: 3 },
    });
    const code = await t.request({
      method: 'POST',
      url: '/v1/shop/admin/promotions',
      token: club.admin.token,
      body: {
        club: club.slug,
        kind: 'code',
        code: 'allez10',
        label: 'ALLEZ10',
        type: 'percentage',
        value: '10',
        endsAt: in7days,
      },
    });
    expect(code.statusCode, code.body).toBe(201);
    const live = await t.request({
      method: 'POST',
      url: '/v1/shop/admin/live',
      token: club.admin.token,
      body: {
        club: club.slug,
        title: 'Live',
        startsAt: new Date(Date.now() - 60_000).toISOString(),
        endsAt: in7days,
        products: [{ productId: jersey.id, livePrice: '75.00' }],
      },
    });
    expect(live.statusCode, live.body).toBe(201);
    expect(live.json()).toMatchObject({
      isLive: true,
      products: [{ productId: jersey.id, variantId: null, livePrice: { amount: '75.00' } }],
    });
    const lives = (await t.request({ method: 'GET', url: `/v1/shop/live?club=${club.slug}` })).json();
    expect(lives.data.map((l: { id: string }) => l.id)).toContain(live.json().id);
    const joined = await t.request({ method: 'POST', url: `/v1/shop/live/${live.json().id}/join` });
    expect(joined.json()).toEqual({ liveId: live.json().id, viewers: 1 });
    const product = (await t.request({ method: 'GET', url: `/v1/shop/products/${scarf.id}` })).json();
    expect(product.priceFrom.amount).toBe('20.00');
    expect(product.promotion).toMatchObject({
      kind: 'flash',
      type: 'percentage',
      value: '20',
      label: 'Flash −20 %',
    });
    expect(product.variants[0].salePrice.amount).toBe('20.00');
    await addToCart(t, fan, scarf, 2);
    await addToCart(t, fan, jersey, 1);
    expect(
      (
        await t.request({
          method: 'POST',
          url: '/v1/shop/cart/discount',
          token: fan.token,
          body: { club: club.slug, code: 'NOPE' },
        })
      ).json().code,
    ).toBe('invalid_discount_code');
    const withCode = (
      await t.request({
        method: 'POST',
        url: '/v1/shop/cart/discount',
        token: fan.token,
        body: { club: club.slug, code: 'allez10' },
      })
    ).json();
    // subtotal 2×25 + 90 = 140; flash −10, live −15, code −10 % of 115 = −11.50 → 103.50; cashback 5.17
    expect(withCode).toMatchObject({
      subtotal: { amount: '140.00' },
      discountTotal: { amount: '36.50' },
      total: { amount: '103.50' },
      cashback: { amount: { amount: '5.17' } },
      discountCode: 'ALLEZ10',
    });
    // Shown 140.00 (before the discounts): only the total the fan confirmed is charged, even a lower one.
    const stale = await checkout(t, fan, club, randomUUID(), { expectedTotal: '140.00' });
    expect(stale.statusCode).toBe(409);
    expect(stale.json()).toMatchObject({
      code: 'price_changed',
      reason: 'price_decreased',
      total: { amount: '103.50', asset: 'EUR' },
      expectedTotal: { amount: '140.00', asset: 'EUR' },
    });
    const paid = await checkout(t, fan, club, randomUUID(), { expectedTotal: '103.50' });
    expect(paid.statusCode, paid.body).toBe(201);
    expect(paid.json().total.amount).toBe('103.50');
    expect(await walletBalance(t, fan)).toEqual({ balance: '396.50', available: '396.50' });
    // Budget: 2 of 3 units used; 2 more scarves no longer get the flash price.
    await addToCart(t, fan, scarf, 2);
    expect((await cartOf(t, club, fan)).total.amount).toBe('50.00');
    expect((await promotionOf(t, club, flash.id))?.budget).toEqual({
      kind: 'units',
      limit: 3,
      used: 2,
    });
  });

  it('mints numbered collectibles with a signed provenance chain that detects tampering', async () => {
    const fan = await fanWithFunds(t, '100.00');
    const card = await createProduct(t, club, {
      category: 'nft',
      price: '9.90',
      stock: 100,
      collectible: true,
      editionSize: 100,
    });
    await addToCart(t, fan, card, 2);
    expect((await checkout(t, fan, club)).statusCode).toBe(201);
    const other = await fanWithFunds(t, '100.00');
    await addToCart(t, other, card, 1);
    expect((await checkout(t, other, club)).statusCode).toBe(201);
    const collection = (
      await t.request({ method: 'GET', url: '/v1/shop/collection', token: fan.token })
    ).json();
    expect(collection.data.map((c: { serial: string }) => c.serial).sort()).toEqual(['#1/100', '#2/100']);
    const item = collection.data[0];
    expect(item.provenance).toHaveLength(1);
    expect(item.provenance[0]).toMatchObject({
      seq: 1,
      event: 'minted',
      owner: fan.id,
      prevHash: '0'.repeat(64),
    });
    const otherItems = (
      await t.request({ method: 'GET', url: '/v1/shop/collection', token: other.token })
    ).json();
    expect(otherItems.data[0].serial).toBe('#3/100');
    const verify = () =>
      t.request({ method: 'GET', url: `/v1/shop/collection/${item.id}/verify`, token: fan.token });
    expect((await verify()).json()).toMatchObject({ valid: true, problems: [] });
    await t.platform
      .database('shop')
      .query('UPDATE shop.provenance SET owner_id = $2 WHERE collectible_id = $1', [item.id, other.id]);
    const tampered = (await verify()).json();
    expect(tampered.valid).toBe(false);
    expect(tampered.problems.join(' ')).toMatch(/does not match its hash/);
  });
});

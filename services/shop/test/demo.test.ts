import { randomUUID } from 'node:crypto';
import { login, type TestPlatform, testBackends } from '@pcf/kernel/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startShopPlatform } from './support.ts';

describe.each(testBackends())('shop demo data on $name', (backend) => {
  let t: TestPlatform;
  beforeAll(async () => {
    t = await startShopPlatform(backend, { PCF_DEMO: '1' });
  });
  afterAll(() => t.close());

  it('seeds monaco and psg: 12 products, a flash sale on scarves, ALLEZ10, a live session running now', async () => {
    for (const club of ['monaco', 'psg']) {
      const products = (
        await t.request({ method: 'GET', url: `/v1/shop/products?club=${club}&limit=100` })
      ).json();
      expect(products.data).toHaveLength(12);
      const home = products.data.find((p: { slug: string }) => p.slug === 'home');
      expect(home.variants.map((v: { attributes: { size: string } }) => v.attributes.size)).toEqual([
        'S',
        'M',
        'L',
        'XL',
        'XXL',
      ]);
      expect(home.variants[0].price.amount).toBe('89.90');
      expect(home.variants[0].salePrice.amount).toBe('79.90');
      const image = await t.request({ method: 'GET', url: home.images[0] });
      expect(image.headers['content-type']).toMatch(/image\/svg\+xml/);
      const scarf = products.data.find((p: { slug: string }) => p.slug === 'scarf');
      expect(scarf.promotion).toMatchObject({ type: 'percentage', value: '20' });
      expect(scarf.priceFrom.amount).toBe('19.92');
      expect(products.data.find((p: { slug: string }) => p.slug === 'nft').collectible).toBe(true);
      const live = (await t.request({ method: 'GET', url: `/v1/shop/live?club=${club}` })).json();
      expect(live.data[0]).toMatchObject({ isLive: true });
      expect(live.data[0].products).toHaveLength(2);
      const found = (
        await t.request({ method: 'GET', url: `/v1/shop/products?club=${club}&q=maillto` })
      ).json();
      expect(found.data.length).toBeGreaterThanOrEqual(4);
    }
  });

  it('lets the demo fan pay a jersey from the seeded wallet with ALLEZ10', async () => {
    const fan = await login(t, 'fan@demo.paiecashfan.dev', 'AllezLesFans-2026');
    const products = (
      await t.request({ method: 'GET', url: '/v1/shop/products?club=psg&category=maillots' })
    ).json();
    const away = products.data.find((p: { slug: string }) => p.slug === 'away');
    await t.request({
      method: 'POST',
      url: '/v1/shop/cart/add',
      token: fan.token,
      body: { productId: away.id, variantId: away.variants[1].id, quantity: 1 },
    });
    const cart = (
      await t.request({
        method: 'POST',
        url: '/v1/shop/cart/discount',
        token: fan.token,
        body: { club: 'psg', code: 'ALLEZ10' },
      })
    ).json();
    expect(cart.total.amount).toBe('80.91');
    const order = await t.request({
      method: 'POST',
      url: '/v1/shop/checkout',
      token: fan.token,
      body: { club: 'psg' },
      headers: { 'idempotency-key': randomUUID() },
    });
    expect(order.statusCode, order.body).toBe(201);
    expect(order.json().cashback.amount.amount).toBe('4.04');
  });
});

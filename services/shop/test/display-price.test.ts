import { type Club, newFan, type TestPlatform, testBackends } from '@pcf/kernel/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Cart, DisplayPrice, Product } from '../src/shop.contract.ts';
import { createFlashSale, createProduct, startShopWithClub } from './support.ts';

const eur = (amount: string) => ({ amount, asset: 'EUR' });
const hour = () => new Date(Date.now() + 3_600_000).toISOString();

/**
 * The server decides the price a client shows (product cards, product pages, cart lines) with the rule checkout
 * charges by, and add-to-cart needs no variant for a product that has only one.
 */
describe.each(testBackends())('shop display prices and add-to-cart on $name', (backend) => {
  let t: TestPlatform;
  let club: Club;
  beforeAll(async () => {
    ({ t, club } = await startShopWithClub(backend));
  });
  afterAll(() => t.close());

  const product = async (id: string): Promise<Product> =>
    (await t.request({ method: 'GET', url: `/v1/shop/products/${id}` })).json();
  const card = async (id: string): Promise<Product | undefined> =>
    (
      (await t.request({ method: 'GET', url: `/v1/shop/products?club=${club.slug}&limit=100` })).json() as {
        data: Product[];
      }
    ).data.find((p) => p.id === id);
  const live = (title: string, products: { productId: string; variantId?: string; livePrice: string }[]) =>
    t.request({
      method: 'POST',
      url: '/v1/shop/admin/live',
      token: club.admin.token,
      body: {
        club: club.slug,
        title,
        startsAt: new Date(Date.now() - 60_000).toISOString(),
        endsAt: hour(),
        products,
      },
    });

  it('shows a regular price without anything crossed out', async () => {
    const scarf = await createProduct(t, club, { price: '24.90' });
    const shown: DisplayPrice = { current: eur('24.90'), original: null, promotion: null } as DisplayPrice;
    expect((await product(scarf.id)).displayPrice).toEqual(shown);
    expect((await product(scarf.id)).variants[0]!.displayPrice).toEqual(shown);
    expect((await card(scarf.id))?.displayPrice).toEqual(shown);
  });

  it('shows the lower of a flash sale and a live price — the price checkout charges — on page, card and cart', async () => {
    // A flash sale (−20 %: 100.00 → 80.00) and a live session pinning the product at 90.00. The widget used to show
    // the live price whenever there was one (90.00) while checkout charged the flash price (80.00).
    const ball = await createProduct(t, club, { price: '100.00' });
    await createFlashSale(t, club, {
      productIds: [ball.id],
      endsAt: hour(),
      budget: { kind: 'units', limit: 100 },
    });
    expect((await live('Live du match', [{ productId: ball.id, livePrice: '90.00' }])).statusCode).toBe(201);

    const flash = {
      current: eur('80.00'),
      original: eur('100.00'),
      promotion: { kind: 'flash', label: 'Flash −20 %' },
    };
    expect((await product(ball.id)).variants[0]!.displayPrice).toEqual(flash);
    expect((await product(ball.id)).displayPrice).toEqual(flash);
    expect((await card(ball.id))?.displayPrice).toEqual(flash);

    const fan = await newFan(t);
    const added = await t.request({
      method: 'POST',
      url: '/v1/shop/cart/add',
      token: fan.token,
      body: { productId: ball.id },
    });
    expect(added.statusCode, added.body).toBe(200);
    const line = (added.json() as Cart).items[0]!;
    expect(line.displayPrice).toEqual(flash);
    expect(line.unitPrice).toEqual(flash.current);
    expect((added.json() as Cart).total).toEqual(eur('80.00'));
  });

  it('a card shows its cheapest variant now with that variant’s own regular price and discount', async () => {
    const created = await t.request({
      method: 'POST',
      url: '/v1/shop/admin/products',
      token: club.admin.token,
      body: {
        club: club.slug,
        category: 'maillots',
        name: { fr: 'Maillot collector', en: 'Collector jersey' },
        variants: [
          { sku: 'COL-S', label: 'S', price: '100.00', stock: 5 },
          { sku: 'COL-M', label: 'M', price: '60.00', stock: 5 },
        ],
      },
    });
    expect(created.statusCode, created.body).toBe(201);
    const jersey = created.json() as { id: string; variants: { id: string; sku: string }[] };
    const small = jersey.variants.find((v) => v.sku === 'COL-S')!;
    expect(
      (await live('Live vestiaire', [{ productId: jersey.id, variantId: small.id, livePrice: '50.00' }]))
        .statusCode,
    ).toBe(201);

    const shown = await product(jersey.id);
    const fromLive = {
      current: eur('50.00'),
      original: eur('100.00'),
      promotion: { kind: 'live', label: 'Live vestiaire' },
    };
    expect(shown.priceFrom).toEqual(eur('50.00'));
    expect(shown.displayPrice).toEqual(fromLive);
    expect(shown.variants.find((v) => v.id === small.id)!.displayPrice).toEqual(fromLive);
    expect(shown.variants.find((v) => v.id !== small.id)!.displayPrice).toEqual({
      current: eur('60.00'),
      original: null,
      promotion: null,
    });
  });

  it('picks a product’s only variant when add-to-cart names none, and asks for one when it has several', async () => {
    const fan = await newFan(t);
    const cap = await createProduct(t, club, { price: '29.90' });
    const jersey = await createProduct(t, club, { price: '89.90', sizes: ['S', 'M'] });
    const add = (body: object) =>
      t.request({ method: 'POST', url: '/v1/shop/cart/add', token: fan.token, body });

    const one = await add({ productId: cap.id, quantity: 2 });
    expect(one.statusCode, one.body).toBe(200);
    expect((one.json() as Cart).items).toMatchObject([{ variantId: cap.variants[0]!.id, quantity: 2 }]);

    const several = await add({ productId: jersey.id });
    expect(several.statusCode).toBe(422);
    expect(several.json()).toMatchObject({ code: 'variant_required', variants: 2 });

    const named = await add({ productId: jersey.id, variantId: jersey.variants[1]!.id });
    expect(named.statusCode, named.body).toBe(200);
    expect((named.json() as Cart).count).toBe(3);

    const other = await add({ productId: cap.id, variantId: jersey.variants[0]!.id });
    expect(other.statusCode).toBe(404);
    expect(other.json()).toMatchObject({ code: 'variant_not_found' });
  });
});

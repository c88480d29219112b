import { randomUUID } from 'node:crypto';
import { type TestPlatform, testBackends } from '@pcf/kernel/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addToCart,
  type Club,
  type CreatedProduct,
  checkout,
  createProduct,
  fund,
  newClub,
  newFan,
  startShopPlatform,
  type User,
} from './support.ts';

/** A widget session minted with a partner's sk_ shops in that partner's club only. */
describe.each(testBackends())('widget sessions shop in their partner’s club on $name', (backend) => {
  let t: TestPlatform;
  let home: Club;
  let away: Club;
  let homeProduct: CreatedProduct;
  let awayProduct: CreatedProduct;

  beforeAll(async () => {
    t = await startShopPlatform(backend);
    home = await newClub(t);
    away = await newClub(t);
    homeProduct = await createProduct(t, home, { price: '5.00' });
    awayProduct = await createProduct(t, away, { price: '5.00' });
  });
  afterAll(() => t.close());

  async function widgetFan(club: Club): Promise<User> {
    const key = await t.request({
      method: 'POST',
      url: `/v1/partners/${club.partnerId}/keys`,
      token: club.admin.token,
      body: { kind: 'secret' },
    });
    const minted = await t.request({
      method: 'POST',
      url: '/v1/auth/widget-sessions',
      token: key.json().secret,
      body: { externalUserId: `ext-${randomUUID()}`, displayName: 'Widget Shopper' },
    });
    if (minted.statusCode !== 201) throw new Error(`mint failed: ${minted.body}`);
    return { id: minted.json().user.id, email: '', token: minted.json().token };
  }

  it("refuses another club's cart, products, discount codes and checkout (403 club_not_allowed)", async () => {
    const fan = await widgetFan(home);
    await fund(t, fan, '50.00');

    const refused = [
      await t.request({ method: 'GET', url: `/v1/shop/cart?club=${away.slug}`, token: fan.token }),
      await addToCart(t, fan, awayProduct),
      await t.request({
        method: 'POST',
        url: '/v1/shop/cart/discount',
        token: fan.token,
        body: { club: away.slug, code: 'WHATEVER' },
      }),
      await t.request({ method: 'DELETE', url: `/v1/shop/cart?club=${away.slug}`, token: fan.token }),
      await checkout(t, fan, away),
    ];
    for (const response of refused) {
      expect(response.statusCode, response.body).toBe(403);
      expect(response.json().code).toBe('club_not_allowed');
    }

    expect((await addToCart(t, fan, homeProduct)).statusCode).toBe(200);
    const cart = await t.request({ method: 'GET', url: `/v1/shop/cart?club=${home.slug}`, token: fan.token });
    expect(cart.statusCode).toBe(200);
    const paid = await checkout(t, fan, home, randomUUID(), { expectedTotal: cart.json().total.amount });
    expect(paid.statusCode, paid.body).toBe(201);
  });

  it('leaves a fan signed in with a password free to shop in any club', async () => {
    const fan = await newFan(t, 'Roaming');
    expect((await addToCart(t, fan, awayProduct)).statusCode).toBe(200);
    expect((await addToCart(t, fan, homeProduct)).statusCode).toBe(200);
  });
});

import { randomUUID } from 'node:crypto';
import {
  type Account,
  type Club,
  createKey,
  fundWallet,
  newFan,
  type TestPlatform,
  testBackends,
} from '@pcf/kernel/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addToCart,
  type CreatedProduct,
  checkout,
  createProduct,
  newClub,
  startShopPlatform,
} from './support.ts';

type WidgetFan = Pick<Account, 'id' | 'token'>;

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

  /** A partner's own user in a widget session minted with the club's sk_. */
  async function widgetFan(club: Club): Promise<WidgetFan> {
    const key = await createKey(t, club.partnerId, club.admin.token, { kind: 'secret' });
    const minted = await t.api.json<{ token: string; user: { id: string } }>({
      method: 'POST',
      url: '/v1/auth/widget-sessions',
      token: key.secret!,
      body: { externalUserId: `ext-${randomUUID()}`, displayName: 'Widget Shopper' },
      expect: 201,
    });
    return { id: minted.user.id, token: minted.token };
  }

  it("refuses another club's cart, products, discount codes and checkout (403 club_not_allowed)", async () => {
    const fan = await widgetFan(home);
    await fundWallet(t, fan, '50.00');

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

/**
 * The widgets' API layers (shop-api.ts, wallet-api.ts) against a real started platform: every call goes through
 * the widget's own ApiClient to the real routes, and every answer is checked against the server's response schema
 * of the contract type the client declares for it. A client that calls a route the server changed, sends a body the
 * server refuses, or declares a type the server does not answer fails here (at run time) or in `npm run check`
 * (`conforms` ties each call's declared type to the schema's Static type).
 */
import { identityModule } from '@pcf/identity';
import {
  createClub,
  fundWallet,
  newFan,
  startFixturePlatform,
  type TestPlatform,
  testBackends,
  waitFor,
} from '@pcf/kernel/testing';
import { shopModule } from '@pcf/shop';
import { walletModule } from '@pcf/wallet';
import { ApiClient, ApiError } from '@pcf/widget-kit';
import { FormatRegistry, type Static, type TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Session } from '../../../packages/widget-kit/src/session.ts';
import * as ShopSchema from '../../../services/shop/src/shop.schema.ts';
import * as WalletSchema from '../../../services/wallet/src/wallet.schema.ts';
import { shopApi } from '../src/shop/shop-api.ts';
import { walletApi } from '../src/wallet/wallet-api.ts';

const FORMATS: Record<string, RegExp> = {
  uuid: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i,
  'date-time': /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/,
  email: /^[^\s@]+@[^\s@]+$/,
  uri: /^[a-z][a-z0-9+.-]*:\S+$/i,
};
for (const [name, pattern] of Object.entries(FORMATS)) {
  if (!FormatRegistry.Has(name)) FormatRegistry.Set(name, (value) => pattern.test(value));
}

/**
 * Checks that `answer` (what the client's call resolved to) is what the server's `schema` describes. The type
 * parameter makes tsc refuse a call whose declared result is not the schema's Static type.
 */
function conforms<S extends TSchema>(schema: S, answer: Static<S>, what: string): Static<S> {
  const errors = [...Value.Errors(schema, answer)].map((e) => `${e.path || '/'}: ${e.message}`);
  expect(errors, `${what} does not match the server's schema`).toEqual([]);
  return answer;
}

/** Routes the widget's fetch calls (same-origin paths) into the started platform. */
function fetchInto(t: TestPlatform) {
  return async (path: string, init: RequestInit = {}): Promise<Response> => {
    const answer = await t.platform.app.inject({
      method: (init.method ?? 'GET') as 'GET',
      url: path,
      headers: (init.headers ?? {}) as Record<string, string>,
      ...(typeof init.body === 'string' ? { payload: init.body } : {}),
    });
    const headers = new Headers();
    for (const [name, value] of Object.entries(answer.headers)) {
      if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : String(value));
    }
    const empty = answer.statusCode === 204 || answer.statusCode === 304;
    return new Response(empty ? null : answer.body, { status: answer.statusCode, headers });
  };
}

const backend = testBackends()[0]!;

describe(`widget API layers against the server's contract (${backend.name})`, () => {
  let t: TestPlatform;
  let api: ApiClient;
  let club: { slug: string; admin: { token: string } };
  let single: { id: string };
  let sized: { id: string; variants: { id: string }[] };

  beforeAll(async () => {
    t = await startFixturePlatform(backend, [identityModule, walletModule, shopModule]);
    vi.stubGlobal('fetch', fetchInto(t));
    club = await createClub(t);
    await waitFor(
      async () =>
        (await t.request({ method: 'GET', url: `/v1/shop/categories?club=${club.slug}` })).statusCode === 200,
      'the shop learns the club',
    );
    const admin = (url: string, body: object) =>
      t.api.json<{ id: string; variants: { id: string }[] }>({
        method: 'POST',
        url,
        token: club.admin.token,
        body: { club: club.slug, ...body },
        expect: 201,
      });
    single = await admin('/v1/shop/admin/products', {
      category: 'accessoires',
      name: { fr: 'Écharpe', en: 'Scarf' },
      variants: [{ sku: 'SCARF', label: 'Unique', price: '24.90', stock: 10 }],
    });
    sized = await admin('/v1/shop/admin/products', {
      category: 'maillots',
      name: { fr: 'Maillot domicile', en: 'Home jersey' },
      variants: [
        { sku: 'HOME-S', label: 'S', price: '89.90', stock: 10 },
        { sku: 'HOME-M', label: 'M', price: '89.90', stock: 10 },
      ],
    });
    const later = new Date(Date.now() + 3_600_000).toISOString();
    await admin('/v1/shop/admin/promotions', {
      kind: 'flash',
      label: 'Vente flash',
      type: 'percentage',
      value: '20',
      productIds: [sized.id],
      endsAt: later,
    });
    await admin('/v1/shop/admin/promotions', {
      kind: 'code',
      code: 'ALLEZ10',
      label: 'ALLEZ10',
      type: 'percentage',
      value: '10',
      endsAt: later,
    });
    await admin('/v1/shop/admin/live', {
      title: 'Live du match',
      startsAt: new Date(Date.now() - 60_000).toISOString(),
      endsAt: later,
      products: [{ productId: single.id, livePrice: '19.90' }],
    });
    const fan = await newFan(t, 'Drift');
    await fundWallet(t, fan, '500.00');
    const session = new Session(async () => null);
    session.useHostToken(fan.token);
    api = new ApiClient(session);
  }, 180_000);
  afterAll(async () => {
    vi.unstubAllGlobals();
    await t?.close();
  });

  it('shop catalogue: products, a product, categories, live sessions, joining one', async () => {
    const page = conforms(
      ShopSchema.ProductsPage,
      await shopApi.products(api, { club: club.slug, q: '', limit: 10, cursor: null, locale: 'fr' }),
      'GET /v1/shop/products',
    );
    expect(page.data.map((p) => p.id).sort()).toEqual([single.id, sized.id].sort());
    const product = conforms(ShopSchema.Product, await shopApi.product(api, sized.id, 'fr'), 'GET product');
    expect(product.displayPrice).toMatchObject({
      current: { amount: '71.92' },
      original: { amount: '89.90' },
      promotion: { kind: 'flash', label: 'Vente flash' },
    });
    conforms(ShopSchema.CategoryList, await shopApi.categories(api, club.slug, 'en'), 'GET categories');
    const live = conforms(ShopSchema.LiveList, await shopApi.live(api, club.slug), 'GET live');
    const session = live.data[0]!;
    conforms(ShopSchema.LiveJoin, await shopApi.join(api, session.id, crypto.randomUUID()), 'POST join');
  });

  it('shop cart and checkout: add (with and without a variant), quantity, code, remove, pay, read the order', async () => {
    const added = conforms(ShopSchema.Cart, await shopApi.add(api, single.id, null, 2), 'POST cart/add');
    expect(added.items[0]?.displayPrice).toMatchObject({
      current: { amount: '19.90' },
      original: { amount: '24.90' },
      promotion: { kind: 'live', label: 'Live du match' },
    });
    const refused = await shopApi.add(api, sized.id, null, 1).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ApiError);
    expect(refused).toMatchObject({ status: 422, code: 'variant_required' });
    conforms(ShopSchema.Cart, await shopApi.add(api, sized.id, sized.variants[1]!.id, 1), 'POST cart/add');
    const cart = conforms(ShopSchema.Cart, await shopApi.cart(api, club.slug), 'GET cart');
    const line = cart.items.find((item) => item.productId === single.id)!;
    conforms(ShopSchema.Cart, await shopApi.setQuantity(api, line.id, 1), 'PATCH cart item');
    conforms(ShopSchema.Cart, await shopApi.applyCode(api, club.slug, 'ALLEZ10'), 'POST discount');
    conforms(ShopSchema.Cart, await shopApi.removeCode(api, club.slug), 'DELETE discount');
    const other = cart.items.find((item) => item.productId === sized.id)!;
    const priced = conforms(ShopSchema.Cart, await shopApi.remove(api, other.id), 'DELETE cart item');
    const order = conforms(
      ShopSchema.Order,
      await shopApi.checkout(api, club.slug, crypto.randomUUID(), priced.total.amount),
      'POST checkout',
    );
    expect(order.total).toEqual(priced.total);
    conforms(ShopSchema.Order, await shopApi.order(api, order.id), 'GET order');
  });

  it('wallet: balance, history, deposit and its status, send, receive', async () => {
    conforms(WalletSchema.BalanceResponse, await walletApi.balance(api), 'GET balance');
    conforms(WalletSchema.TransactionsPage, await walletApi.transactions(api, 5), 'GET transactions');
    const deposit = conforms(
      WalletSchema.Deposit,
      await walletApi.deposit(api, '10.00', 'EUR', crypto.randomUUID()),
      'POST deposit',
    );
    conforms(WalletSchema.Deposit, await walletApi.depositStatus(api, deposit.id), 'GET deposit');
    const friend = await newFan(t, 'Friend');
    conforms(
      WalletSchema.ActivityItem,
      await walletApi.send(api, { to: friend.email, amount: '1.00', asset: 'EUR', note: 'merci' }),
      'POST send',
    );
    conforms(WalletSchema.ReceiveResponse, await walletApi.receive(api), 'GET receive');
  });
});

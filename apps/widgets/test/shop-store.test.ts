import { ApiClient, ApiError, type WidgetContext } from '@pcf/widget-kit';
import { signal } from '@preact/signals';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Session } from '../../../packages/widget-kit/src/session.ts';
import type { Cart } from '../src/shop/shop-api.ts';
import { priceChangeOf } from '../src/shop/shop-logic.ts';
import { ShopStore } from '../src/shop/shop-store.ts';

const eur = (amount: string) => ({ amount, asset: 'EUR' as const });
const cart = (total: string): Cart => ({
  id: 'c1',
  club: { slug: 'monaco', name: 'AS Monaco' },
  items: [],
  count: 1,
  subtotal: eur('19.90'),
  discounts: [],
  discountTotal: eur('0.00'),
  cashback: { rate: '0.05', amount: eur('0.49') },
  total: eur(total),
  discountCode: 'HALF',
});

interface Call {
  method: string;
  path: string;
  body: unknown;
  key: string | undefined;
}

/** A shop API behind fetch: the cart shows 9.95 until the code runs out, then 19.90; checkout charges only that. */
function fakeApi() {
  const calls: Call[] = [];
  let total = '9.95';
  let lives: unknown[] = [];
  const json = (status: number, body: unknown, type = 'application/json') =>
    new Response(JSON.stringify(body), { status, headers: { 'content-type': type } });
  const fetch = vi.fn(async (path: string, init: RequestInit = {}) => {
    const method = init.method ?? 'GET';
    const headers = (init.headers ?? {}) as Record<string, string>;
    const body = typeof init.body === 'string' ? JSON.parse(init.body) : undefined;
    calls.push({ method, path, body, key: headers['idempotency-key'] });
    if (path.startsWith('/v1/shop/products/multi'))
      return json(200, {
        id: 'multi',
        name: 'Maillot',
        variants: [
          { id: 's', inStock: false, stock: 0 },
          { id: 'm', inStock: true, stock: 3 },
        ],
      });
    if (path.startsWith('/v1/shop/products')) return json(200, { data: [], nextCursor: null });
    if (path.startsWith('/v1/shop/categories')) return json(200, { data: [] });
    if (path.startsWith('/v1/shop/live?')) return json(200, { data: lives });
    if (path === '/v1/shop/cart/add' && body.productId === 'multi' && body.variantId === undefined)
      return json(
        422,
        { status: 422, title: 'Unprocessable', code: 'variant_required', variants: 2 },
        'application/problem+json',
      );
    if (path.startsWith('/v1/shop/cart')) return json(200, cart(total));
    if (path.endsWith('/join')) return json(200, { liveId: 'l1', viewers: 1 });
    if (path === '/v1/shop/checkout') {
      if (body.expectedTotal !== total) {
        return json(
          409,
          {
            type: 'https://docs.paiecashfan.dev/problems/promotion-ended',
            title: 'Conflict',
            status: 409,
            detail: 'A promotion in your cart has ended or run out',
            code: 'promotion_ended',
            reason: 'code_exhausted',
            total: eur(total),
            expectedTotal: eur(body.expectedTotal),
            promotions: [{ kind: 'code', label: 'HALF', reason: 'code_exhausted' }],
          },
          'application/problem+json',
        );
      }
      return json(201, { id: 'o1', number: 'MON-000001', status: 'paid', total: eur(total) });
    }
    return json(404, { code: 'not_found' });
  });
  return {
    fetch,
    calls,
    exhaustCode: () => (total = '19.90'),
    setLive: (sessions: unknown[]) => (lives = sessions),
  };
}

describe('shop store: checkout charges what the fan was shown', () => {
  let api: ReturnType<typeof fakeApi>;
  let store: ShopStore;
  const emitted: string[] = [];

  beforeEach(async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'setTimeout', 'clearTimeout'] });
    api = fakeApi();
    vi.stubGlobal('fetch', api.fetch);
    const session = new Session(async () => null);
    session.useHostToken('host-token-for-tests');
    const context = {
      widget: 'shop',
      session,
      api: new ApiClient(session),
      key: { partnerSlug: 'monaco' },
      options: signal({}),
      bridge: { emit: (type: string) => emitted.push(type) },
    } as unknown as WidgetContext;
    store = new ShopStore(context);
    await vi.waitFor(() => expect(store.cart.value?.total.amount).toBe('9.95'));
  });

  afterEach(() => {
    vi.unstubAllGlobals();
    vi.useRealTimers();
  });

  const checkouts = () => api.calls.filter((c) => c.path === '/v1/shop/checkout');

  it('sends the total it displayed; on 409 it re-reads the cart and the fan can accept the new total with a new key', async () => {
    api.exhaustCode();
    const refused = await store.checkout('key-1').catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ApiError);
    expect(checkouts()).toEqual([
      {
        method: 'POST',
        path: '/v1/shop/checkout',
        body: { club: 'monaco', expectedTotal: '9.95' },
        key: 'key-1',
      },
    ]);
    const change = priceChangeOf(refused as ApiError, eur('9.95'));
    expect(change).toEqual({
      code: 'promotion_ended',
      reason: 'code_exhausted',
      shown: eur('9.95'),
      total: eur('19.90'),
      promotions: ['HALF'],
    });
    // The cart on screen is the API's again.
    expect(store.cart.value?.total.amount).toBe('19.90');
    expect(store.view.value.name).not.toBe('order');

    const order = await store.checkout('key-2', change!.total.amount);
    expect(order.status).toBe('paid');
    expect(checkouts()[1]).toEqual({
      method: 'POST',
      path: '/v1/shop/checkout',
      body: { club: 'monaco', expectedTotal: '19.90' },
      key: 'key-2',
    });
    expect(store.view.value.name).toBe('order');
    expect(emitted.filter((type) => type === 'CHECKOUT_INITIATED')).toHaveLength(2);
  });

  it('joins a live session with one anonymous viewer id per page', async () => {
    await store.joinLive('l1');
    await store.joinLive('l1');
    const joins = api.calls.filter((c) => c.path.endsWith('/join'));
    expect(joins).toHaveLength(2);
    const ids = joins.map((c) => (c.body as { viewerId: string }).viewerId);
    expect(ids[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(ids[1]).toBe(ids[0]);
  });

  it('re-reads the server’s prices when a live session starts or ends, and computes none itself', async () => {
    const reads = () => ({
      products: api.calls.filter((c) => c.path.startsWith('/v1/shop/products?')).length,
      carts: api.calls.filter((c) => c.path.startsWith('/v1/shop/cart?')).length,
    });
    await store.loadLive();
    const before = reads();
    const session = { id: 'l1', title: 'Live', isLive: true, products: [] };
    api.setLive([session]);
    await store.loadLive();
    await vi.waitFor(() =>
      expect(reads()).toEqual({ products: before.products + 1, carts: before.carts + 1 }),
    );
    expect(store.prices.value).toBe(1);
    await store.loadLive();
    expect(store.prices.value).toBe(1);
    api.setLive([{ ...session, isLive: false }]);
    await store.loadLive();
    expect(store.prices.value).toBe(2);
  });

  it('adds without a variant: the server picks a product’s only one; for several, the first in stock', async () => {
    const adds = () => api.calls.filter((c) => c.path === '/v1/shop/cart/add').map((c) => c.body);
    await store.addToCart('single', 2);
    expect(adds()).toEqual([{ productId: 'single', quantity: 2 }]);
    await store.addToCart('multi', 1);
    expect(adds().slice(1)).toEqual([
      { productId: 'multi', quantity: 1 },
      { productId: 'multi', variantId: 'm', quantity: 1 },
    ]);
    await store.addToCart('multi', 1, 's');
    expect(adds().slice(3)).toEqual([{ productId: 'multi', variantId: 's', quantity: 1 }]);
    expect(emitted.filter((type) => type === 'PRODUCT_ADDED_TO_CART')).toHaveLength(3);
  });
});

import { WIDGET_NAMES } from '@pcf/widget-kit/protocol';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PaieCashFan, PcfError } from '../src/index.ts';

const apiKey = 'pk_test_abcdEFGH1234';
const environment = { baseUrl: 'http://localhost:8080' };

describe('PaieCashFan (without a DOM)', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('throws a PcfError for a bad api key', () => {
    expect(() => new PaieCashFan({ apiKey: 'sk_live_secret123' })).toThrow(PcfError);
    expect(() => new PaieCashFan({ apiKey: 'nope' })).toThrow(/pk_live_/);
    expect(PaieCashFan.PcfError).toBe(PcfError);
  });

  it('has one module per widget with the lifecycle methods', () => {
    const pcf = new PaieCashFan({ apiKey, environment });
    for (const name of WIDGET_NAMES) {
      expect(pcf[name].name).toBe(name);
      expect(pcf[name].mounted).toBe(false);
      for (const method of ['mount', 'update', 'unmount', 'destroy', 'on', 'off', 'send'] as const) {
        expect(typeof pcf[name][method]).toBe('function');
      }
    }
  });

  it('rejects the methods of services not available yet with PCF_NOT_AVAILABLE', async () => {
    const pcf = new PaieCashFan({ apiKey, environment });
    await expect(pcf.tickets.getEvents()).rejects.toMatchObject({
      code: 'PCF_NOT_AVAILABLE',
      message: 'pcf.tickets: not available yet',
    });
    for (const call of [
      () => pcf.esim.getPlans(),
      () => pcf.esim.activatePlan('plan-eu-5gb'),
      () => pcf.ai.getRecommendations(),
      () => pcf.ai.getInsights(),
      () => pcf.ai.getPredictions(),
      () => pcf.social.getConversations(),
      () => pcf.social.sendMessage('c1', 'Allez !'),
      () => pcf.social.startVideoCall('c1'),
      () => pcf.tickets.purchaseTicket('e1', 2),
    ]) {
      await expect(call()).rejects.toMatchObject({ code: 'PCF_NOT_AVAILABLE' });
    }
  });

  it("shop: the catalogue needs no token (club = the key's partner); cart and checkout need one", async () => {
    const fetchMock = vi.fn(async (url: string, _init?: RequestInit) => {
      const body = url.includes('/v1/partners/publishable-keys/')
        ? { partnerSlug: 'monaco' }
        : { data: [{ id: 'p1' }], nextCursor: null };
      return new Response(JSON.stringify(body), { status: 200 });
    });
    vi.stubGlobal('fetch', fetchMock);
    const pcf = new PaieCashFan({ apiKey, environment });
    await expect(pcf.shop.getProducts({ q: 'maillot', category: undefined })).resolves.toEqual([
      { id: 'p1' },
    ]);
    await expect(pcf.shop.getProducts()).resolves.toEqual([{ id: 'p1' }]);
    const urls = fetchMock.mock.calls.map(([url]) => url);
    expect(urls).toEqual([
      `http://localhost:8080/v1/partners/publishable-keys/${apiKey}`,
      'http://localhost:8080/v1/shop/products?q=maillot&club=monaco',
      'http://localhost:8080/v1/shop/products?club=monaco',
    ]);
    expect(fetchMock.mock.calls[1]?.[1]?.headers).not.toHaveProperty('Authorization');
    await expect(pcf.shop.getCart()).rejects.toMatchObject({ code: 'PCF_NOT_MOUNTED' });
    await expect(pcf.shop.checkout()).rejects.toMatchObject({ code: 'PCF_NOT_MOUNTED' });
    await expect(pcf.shop.addToCart('p1')).rejects.toMatchObject({ code: 'PCF_NOT_MOUNTED' });
  });

  it('shop over REST: addToCart picks the first in-stock variant; checkout has no REST path (the fan confirms it in the widget)', async () => {
    const fetchMock = vi.fn(async (url: string, _init?: RequestInit) => {
      const body = url.includes('/v1/partners/publishable-keys/')
        ? { partnerSlug: 'monaco' }
        : url.endsWith('/v1/shop/products/p1')
          ? {
              id: 'p1',
              variants: [
                { id: 'v-s', inStock: false, stock: 0 },
                { id: 'v-m', inStock: true, stock: 3 },
              ],
            }
          : url.endsWith('/v1/shop/checkout')
            ? { id: 'o1', status: 'paid' }
            : { id: 'c1', count: 2 };
      return new Response(JSON.stringify(body), { status: 200 });
    });
    vi.stubGlobal('fetch', fetchMock);
    const pcf = new PaieCashFan({ apiKey, environment, fetchSessionToken: async () => 'tok' });
    await expect(pcf.shop.addToCart('p1', 2)).resolves.toMatchObject({ id: 'c1' });
    const add = fetchMock.mock.calls.at(-1) as unknown as [string, RequestInit];
    expect(add[0]).toBe('http://localhost:8080/v1/shop/cart/add');
    expect(JSON.parse(String(add[1].body))).toEqual({ productId: 'p1', variantId: 'v-m', quantity: 2 });
    await pcf.shop.addToCart('p1', 1, 'v-s');
    const chosen = fetchMock.mock.calls.at(-1) as unknown as [string, RequestInit];
    expect(JSON.parse(String(chosen[1].body))).toEqual({ productId: 'p1', variantId: 'v-s', quantity: 1 });
    await expect(pcf.shop.getCart()).resolves.toMatchObject({ id: 'c1' });
    expect(fetchMock.mock.calls.at(-1)?.[0]).toBe('http://localhost:8080/v1/shop/cart?club=monaco');
    const calls = fetchMock.mock.calls.length;
    await expect(pcf.shop.checkout({ idempotencyKey: 'key-1' })).rejects.toMatchObject({
      code: 'PCF_NOT_MOUNTED',
    });
    await expect(pcf.shop.checkout()).rejects.toMatchObject({ code: 'PCF_NOT_MOUNTED' });
    expect(fetchMock.mock.calls).toHaveLength(calls);
    expect(fetchMock.mock.calls.some(([url]) => url.endsWith('/v1/shop/checkout'))).toBe(false);
    await expect(pcf.shop.addToCart('', 1)).rejects.toMatchObject({ code: 'PCF_BAD_REQUEST' });
    await expect(pcf.shop.addToCart('p1', 0)).rejects.toMatchObject({ code: 'PCF_BAD_REQUEST' });
  });

  it('without a mounted wallet nor fetchSessionToken, wallet methods reject PCF_NOT_MOUNTED', async () => {
    const pcf = new PaieCashFan({ apiKey, environment });
    await expect(pcf.wallet.getBalance()).rejects.toMatchObject({ code: 'PCF_NOT_MOUNTED' });
    expect(() => pcf.wallet.refresh()).toThrow(expect.objectContaining({ code: 'PCF_NOT_MOUNTED' }));
  });

  it('with fetchSessionToken and no widget, reads through the REST API; a payment has no REST path', async () => {
    const fetchMock = vi.fn(async (url: string) => {
      const body = url.endsWith('/v1/wallet/balance')
        ? { balance: '1247.50', currency: 'EUR', assets: [] }
        : url.includes('/v1/wallet/transactions?limit=5')
          ? { data: [{ id: 't1' }], nextCursor: null }
          : { id: 'transfer-1', status: 'completed' };
      return new Response(JSON.stringify(body), { status: 200 });
    });
    vi.stubGlobal('fetch', fetchMock);
    const pcf = new PaieCashFan({ apiKey, environment, fetchSessionToken: async () => 'tok' });
    await expect(pcf.wallet.getBalance()).resolves.toBe(1247.5);
    await expect(pcf.wallet.getTransactions(5)).resolves.toEqual([{ id: 't1' }]);
    // Money moves only after the fan's click inside the mounted widget: never straight to the API.
    await expect(pcf.wallet.sendPayment('fan-bob', 10.5)).rejects.toMatchObject({ code: 'PCF_NOT_MOUNTED' });
    expect(fetchMock.mock.calls.map(([url]) => url)).toEqual([
      'http://localhost:8080/v1/wallet/balance',
      'http://localhost:8080/v1/wallet/transactions?limit=5',
    ]);
  });

  it('validates payment and transaction arguments', async () => {
    const pcf = new PaieCashFan({ apiKey, environment, fetchSessionToken: async () => 'tok' });
    for (const amount of [0, -1, 'ten', '1e3', Number.NaN, 1e21]) {
      await expect(pcf.wallet.sendPayment('bob', amount)).rejects.toMatchObject({ code: 'PCF_BAD_REQUEST' });
    }
    await expect(pcf.wallet.sendPayment('', 1)).rejects.toMatchObject({ code: 'PCF_BAD_REQUEST' });
    await expect(pcf.wallet.getTransactions(0)).rejects.toMatchObject({ code: 'PCF_BAD_REQUEST' });
    await expect(pcf.wallet.getTransactions(2.5)).rejects.toMatchObject({ code: 'PCF_BAD_REQUEST' });
  });

  it('after destroy(), every method throws or rejects PCF_DESTROYED', async () => {
    const pcf = new PaieCashFan({ apiKey, environment, fetchSessionToken: async () => 'tok' });
    const listener = () => {};
    pcf.destroy();
    pcf.destroy();
    const destroyed = expect.objectContaining({ code: 'PCF_DESTROYED' });
    expect(() => pcf.on('*', listener)).toThrow(destroyed);
    expect(() => pcf.wallet.mount('#wallet')).toThrow(destroyed);
    expect(() => pcf.wallet.on('balanceUpdated', listener)).toThrow(destroyed);
    expect(() => pcf.wallet.send('UPDATE_WALLET_BALANCE', {})).toThrow(destroyed);
    expect(() => pcf.wallet.unmount()).toThrow(destroyed);
    await expect(pcf.update({ locale: 'en' })).rejects.toEqual(destroyed);
    await expect(pcf.wallet.getBalance()).rejects.toEqual(destroyed);
    await expect(pcf.wallet.update({ locale: 'en' })).rejects.toEqual(destroyed);
    await expect(pcf.shop.getCart()).rejects.toEqual(destroyed);
  });

  it('update() validates before storing', async () => {
    const pcf = new PaieCashFan({ apiKey, environment });
    await expect(pcf.wallet.update({ locale: 'de' as 'fr' })).rejects.toMatchObject({
      code: 'PCF_BAD_REQUEST',
    });
    await expect(pcf.update({ locale: 'en', appearance: { theme: 'light' } })).resolves.toBeUndefined();
  });
});

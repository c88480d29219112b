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
    await expect(pcf.shop.getProducts()).rejects.toMatchObject({
      code: 'PCF_NOT_AVAILABLE',
      message: 'The shop service is not available yet',
    });
    for (const call of [
      () => pcf.shop.addToCart('p1'),
      () => pcf.shop.getCart(),
      () => pcf.shop.checkout(),
      () => pcf.tickets.getEvents(),
      () => pcf.esim.getPlans(),
      () => pcf.ai.getRecommendations(),
      () => pcf.social.getConversations(),
    ]) {
      await expect(call()).rejects.toMatchObject({ code: 'PCF_NOT_AVAILABLE' });
    }
  });

  it('without a mounted wallet nor fetchSessionToken, wallet methods reject PCF_NOT_MOUNTED', async () => {
    const pcf = new PaieCashFan({ apiKey, environment });
    await expect(pcf.wallet.getBalance()).rejects.toMatchObject({ code: 'PCF_NOT_MOUNTED' });
    expect(() => pcf.wallet.refresh()).toThrow(expect.objectContaining({ code: 'PCF_NOT_MOUNTED' }));
  });

  it('with fetchSessionToken and no widget, calls the REST API and returns numbers and arrays', async () => {
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
    await expect(pcf.wallet.sendPayment('fan-bob', 10.5)).resolves.toMatchObject({ id: 'transfer-1' });
    const send = fetchMock.mock.calls.at(-1) as unknown as [string, RequestInit];
    expect(JSON.parse(String(send[1].body))).toEqual({ to: 'fan-bob', amount: '10.5', asset: 'EUR' });
    expect(send[1].headers).toHaveProperty('Idempotency-Key');
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

import { randomUUID } from 'node:crypto';
import {
  type Fan,
  FIXTURE_WEBHOOK_SECRET,
  newFan,
  type TestPlatform,
  testBackends,
  walletBalance,
} from '@pcf/kernel/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RECIPIENT_LOOKUPS } from '../src/accounts.service.ts';
import { SANDBOX_WEBHOOK_PATH } from '../src/providers/sandbox-provider.ts';
import { SIGNATURE_HEADER, signPayload } from '../src/providers/webhook-signature.ts';
import { credit, send, startWalletPlatform } from './support.ts';

/** Amounts, conversions, webhooks and recipient look-ups: what the wallet refuses before any SQL. */
describe.each(testBackends())('wallet input limits on $name', (backend) => {
  let t: TestPlatform;
  let fan: Fan;
  beforeAll(async () => {
    // The sandbox never delivers on its own here: the tests play the processor.
    t = await startWalletPlatform(backend, { PCF_SANDBOX_CONFIRM_MS: '3600000' });
    fan = await newFan(t, 'Limits');
  });
  afterAll(() => t.close());

  const deposit = (amount: string, asset = 'EUR', token = fan.token) =>
    t.request({
      method: 'POST',
      url: '/v1/wallet/deposit',
      token,
      headers: { 'idempotency-key': randomUUID() },
      body: { amount, asset, method: 'card' },
    });
  const quote = (from: string, to: string, amount: string) =>
    t.request({
      method: 'POST',
      url: '/v1/wallet/convert/quote',
      token: fan.token,
      body: { from, to, amount },
    });
  const count = async (table: string) =>
    Number(
      (await t.platform.database('wallet').query<{ n: string }>(`SELECT count(*) AS n FROM wallet.${table}`))
        .rows[0]!.n,
    );

  describe('a per-asset maximum per operation, checked before any SQL', () => {
    it.each([
      ['1'.repeat(76), 'EUR', '1000000.00'],
      ['1000000.01', 'EUR', '1000000.00'],
      ['1000001', 'USD', '1000000.00'],
      ['1000000.000001', 'USDC', '1000000.000000'],
      ['15.00000001', 'BTC', '15.00000000'],
      ['400.000000000000000001', 'ETH', '400.000000000000000000'],
    ])(
      'refuses a deposit of %s %s (amount_too_large, maximum %s) and writes nothing',
      async (amount, asset, maximum) => {
        const before = await count('deposits');
        const response = await deposit(amount, asset);
        expect(response.statusCode).toBe(400);
        expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(response.json()).toMatchObject({
          code: 'amount_too_large',
          maximum,
          asset,
          errors: [{ field: 'amount' }],
        });
        expect(await count('deposits')).toBe(before);
      },
    );

    it('accepts exactly the maximum', async () => {
      expect((await deposit('1000000.00', 'EUR')).statusCode).toBe(202);
      expect((await deposit('15', 'BTC')).statusCode).toBe(202);
    });

    it('refuses sends and quotes over the maximum, and a conversion whose result is over it', async () => {
      const friend = await newFan(t, 'Friend');
      const sent = await send(t, fan, { to: friend.id, amount: '1000000.01', asset: 'EUR' });
      expect(sent.statusCode).toBe(400);
      expect(sent.json().code).toBe('amount_too_large');
      const big = await quote('EUR', 'BTC', '9'.repeat(30));
      expect(big.statusCode).toBe(400);
      expect(big.json().code).toBe('amount_too_large');
      // 1,000,000 EUR is allowed, but is more than 1,000,000 USD at the default table (1 USD = 0.92 EUR).
      const converted = await quote('EUR', 'USD', '1000000.00');
      expect(converted.statusCode).toBe(400);
      expect(converted.json()).toMatchObject({
        code: 'amount_too_large',
        asset: 'USD',
        maximum: '1000000.00',
      });
    });
  });

  it('says a conversion that rounds to zero is too small (not "different assets")', async () => {
    for (const [from, to, amount] of [
      ['BTC', 'EUR', '0.00000001'],
      ['USDC', 'USD', '0.000001'],
      ['ETH', 'BTC', '0.000000000000000001'],
    ] as const) {
      const response = await quote(from, to, amount);
      expect(response.statusCode, `${amount} ${from} → ${to}`).toBe(422);
      expect(response.json()).toMatchObject({ code: 'amount_too_small', errors: [{ field: 'amount' }] });
      expect(response.json().detail).toContain(`converted to ${to} it rounds down to zero`);
    }
    expect((await quote('EUR', 'EUR', '1.00')).json().detail).toBe('from and to must be different assets');
  });

  describe('signed webhooks with a body that is not an event', () => {
    const signed = (body: string) =>
      t.request({
        method: 'POST',
        url: SANDBOX_WEBHOOK_PATH,
        headers: {
          'content-type': 'application/json',
          [SIGNATURE_HEADER]: signPayload(FIXTURE_WEBHOOK_SECRET, body),
        },
        body,
      });
    const event = (overrides: Record<string, unknown>) =>
      JSON.stringify({
        eventId: `evt_${randomUUID()}`,
        type: 'payment.succeeded',
        depositId: randomUUID(),
        providerRef: 'sbx_1',
        amount: '10.00',
        asset: 'EUR',
        failureCode: null,
        ...overrides,
      });

    it.each([
      ['not JSON', 'this is not json'],
      ['truncated JSON', '{"eventId":"evt_1",'],
      ['a JSON array', '[1,2,3]'],
      ['a JSON string', '"payment.succeeded"'],
      ['null', 'null'],
      ['an event without depositId', JSON.stringify({ eventId: 'evt_x', type: 'payment.succeeded' })],
      ['a depositId that is not a uuid', event({ depositId: 'not-a-uuid' })],
      ['an unknown type', event({ type: 'payment.refunded' })],
      ['an unknown asset', event({ asset: 'DOGE' })],
      ['an amount that is a number', event({ amount: 10 })],
      ['a NUL in the event id', event({ eventId: 'evt\u0000nul' })],
      ['an unpaired surrogate in the provider reference', event({ providerRef: 'sbx\ud800' })],
      ['an eventId of 10,000 characters', event({ eventId: 'e'.repeat(10_000) })],
    ])('answers 400 problem+json for %s, and writes nothing', async (_what, body) => {
      const before = await count('webhook_events');
      const response = await signed(body);
      expect(response.statusCode).toBe(400);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(response.json()).toMatchObject({ code: 'malformed_webhook', status: 400 });
      expect(await count('webhook_events')).toBe(before);
    });

    it('answers 400 for an amount over the maximum on a real deposit, which stays pending', async () => {
      const started = (await deposit('10.00')).json() as { id: string };
      const before = await count('webhook_events');
      const response = await signed(event({ depositId: started.id, amount: '9'.repeat(76) }));
      expect(response.statusCode).toBe(400);
      expect(response.json().code).toBe('amount_too_large');
      expect(await count('webhook_events')).toBe(before);
      const state = await t.request({
        method: 'GET',
        url: `/v1/wallet/deposits/${started.id}`,
        token: fan.token,
      });
      expect(state.json().status).toBe('pending');
    });
  });

  describe('recipient look-ups by email or handle, per fan', () => {
    it(`answers 429 with Retry-After after ${RECIPIENT_LOOKUPS.limit} new references; ids, known references and other fans are unaffected`, async () => {
      const prober = await newFan(t, 'Prober');
      const friend = await newFan(t, 'Buddy');
      await credit(t, prober, '10.00');
      // Sending again and again to the same friend by email or handle spends the budget once per reference.
      for (let i = 0; i < 3; i++) {
        expect((await send(t, prober, { to: friend.email, amount: '0.01', asset: 'EUR' })).statusCode).toBe(
          201,
        );
        expect(
          (await send(t, prober, { to: `@${friend.handle}`, amount: '0.01', asset: 'EUR' })).statusCode,
        ).toBe(201);
      }
      const probes = [];
      for (let i = 0; i < RECIPIENT_LOOKUPS.limit - 2; i++) {
        probes.push(
          (await send(t, prober, { to: `guess-${i}@example.com`, amount: '0.01', asset: 'EUR' })).statusCode,
        );
      }
      expect(new Set(probes)).toEqual(new Set([404]));
      const limited = await send(t, prober, { to: 'one-more@example.com', amount: '0.01', asset: 'EUR' });
      expect(limited.statusCode).toBe(429);
      expect(limited.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(limited.json()).toMatchObject({ code: 'rate_limited', status: 429 });
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
      // An existing account is no longer told apart from a missing one: both are refused the same way.
      const existing = await newFan(t, 'Existing');
      expect((await send(t, prober, { to: existing.email, amount: '0.01', asset: 'EUR' })).statusCode).toBe(
        429,
      );
      expect(
        (await send(t, prober, { to: `@${existing.handle}`, amount: '0.01', asset: 'EUR' })).statusCode,
      ).toBe(429);
      // Known references, user ids and other fans still work.
      expect((await send(t, prober, { to: friend.email, amount: '0.01', asset: 'EUR' })).statusCode).toBe(
        201,
      );
      expect((await send(t, prober, { to: existing.id, amount: '0.01', asset: 'EUR' })).statusCode).toBe(201);
      await credit(t, friend, '1.00');
      expect((await send(t, friend, { to: prober.email, amount: '0.01', asset: 'EUR' })).statusCode).toBe(
        201,
      );
      expect((await walletBalance(t, prober)).balance).toBe('9.93');
    });
  });
});

import { randomUUID } from 'node:crypto';
import {
  fundWallet,
  newFan,
  type TestPlatform,
  testBackends,
  waitFor,
  walletBalance,
} from '@pcf/kernel/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { audit, send, startWalletPlatform } from './support.ts';

describe.each(testBackends())('wallet API on $name', (backend) => {
  let t: TestPlatform;
  beforeAll(async () => {
    t = await startWalletPlatform(backend);
    await t.platform.startBackground();
  });
  afterAll(() => t.close());

  it('shows every asset, valued in the display currency, for a new fan', async () => {
    const fan = await newFan(t);
    const response = await t.request({ method: 'GET', url: '/v1/wallet/balance', token: fan.token });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      balance: '0.00',
      currency: 'EUR',
      assets: ['EUR', 'USD', 'USDC', 'BTC', 'ETH'].map((asset) => expect.objectContaining({ asset })),
    });
    await fundWallet(t, fan, '100.00');
    await fundWallet(t, fan, '0.01', 'BTC');
    const funded = (await t.request({ method: 'GET', url: '/v1/wallet/balance', token: fan.token })).json();
    // 100.00 EUR + 0.01 BTC × 88,000 EUR (default price table) = 980.00 EUR
    expect(funded.balance).toBe('980.00');
    const inUsd = (
      await t.request({ method: 'GET', url: '/v1/wallet/balance?currency=USD', token: fan.token })
    ).json();
    expect(inUsd).toMatchObject({ currency: 'USD', balance: '1065.21' });
    const assets = (await t.request({ method: 'GET', url: '/v1/wallet/assets', token: fan.token })).json();
    expect(assets.data.find((a: { asset: string }) => a.asset === 'BTC')).toMatchObject({
      decimals: 8,
      kind: 'crypto',
      balance: '0.01000000',
      priceEur: '88000',
      value: { amount: '880.00', currency: 'EUR' },
    });
  });

  it('sends money by email, @handle or id, recording both sides', async () => {
    const alice = await newFan(t, 'Alice');
    const bob = await newFan(t, 'Bob');
    await fundWallet(t, alice, '50.00');
    for (const to of [bob.email, `@${bob.handle}`, bob.id]) {
      const response = await send(t, alice, { to, amount: '1.25', asset: 'EUR', note: 'pizza' });
      expect(response.statusCode, response.body).toBe(201);
      expect(response.json()).toMatchObject({
        type: 'send',
        amount: '-1.25',
        asset: 'EUR',
        status: 'completed',
        note: 'pizza',
      });
    }
    expect(await walletBalance(t, alice)).toEqual({ balance: '46.25', available: '46.25' });
    expect(await walletBalance(t, bob)).toEqual({ balance: '3.75', available: '3.75' });
    const history = (
      await t.request({ method: 'GET', url: '/v1/wallet/transactions?limit=2', token: bob.token })
    ).json();
    expect(history.data).toHaveLength(2);
    expect(history.data[0]).toMatchObject({
      type: 'receive',
      amount: '1.25',
      counterparty: { kind: 'fan', id: alice.id },
    });
    expect(history.nextCursor).not.toBeNull();
    const next = (
      await t.request({
        method: 'GET',
        url: `/v1/wallet/transactions?limit=2&cursor=${history.nextCursor}`,
        token: bob.token,
      })
    ).json();
    expect(next.data).toHaveLength(1);
    expect(next.nextCursor).toBeNull();
    const offset = (
      await t.request({ method: 'GET', url: '/v1/wallet/transactions?limit=2&offset=2', token: bob.token })
    ).json();
    expect(offset.data.map((d: { id: string }) => d.id)).toEqual(next.data.map((d: { id: string }) => d.id));
  });

  it('refuses an overdraft with insufficient_funds and writes nothing', async () => {
    const alice = await newFan(t, 'Poor');
    const bob = await newFan(t, 'Rich');
    await fundWallet(t, alice, '5.00');
    const response = await send(t, alice, { to: bob.id, amount: '5.01', asset: 'EUR' });
    expect(response.statusCode).toBe(422);
    expect(response.json()).toMatchObject({ code: 'insufficient_funds', status: 422 });
    expect(await walletBalance(t, alice)).toEqual({ balance: '5.00', available: '5.00' });
    expect(await walletBalance(t, bob)).toEqual({ balance: '0.00', available: '0.00' });
    const history = (
      await t.request({ method: 'GET', url: '/v1/wallet/transactions', token: alice.token })
    ).json();
    expect(history.data.map((d: { type: string }) => d.type)).toEqual(['deposit']);
  });

  it.each([
    [{ amount: '0', asset: 'EUR' }, 400, 'amount'],
    [{ amount: '-1', asset: 'EUR' }, 400, 'amount'],
    [{ amount: '1.001', asset: 'EUR' }, 400, 'amount'],
    [{ amount: '1e3', asset: 'EUR' }, 400, 'amount'],
    [{ amount: 5, asset: 'EUR' }, 400, 'amount'],
    [{ amount: '1.00', asset: 'DOGE' }, 400, 'asset'],
  ])('rejects a bad amount %j', async (body, status, field) => {
    const [alice, bob] = [await newFan(t), await newFan(t)];
    await fundWallet(t, alice, '10.00');
    const response = await send(t, alice, { to: bob.id, ...body });
    expect(response.statusCode).toBe(status);
    expect(JSON.stringify(response.json().errors)).toContain(field);
    expect(await walletBalance(t, alice)).toEqual({ balance: '10.00', available: '10.00' });
  });

  it('refuses sending to oneself, to nobody, or without an Idempotency-Key', async () => {
    const alice = await newFan(t);
    await fundWallet(t, alice, '10.00');
    expect(
      (await send(t, alice, { to: alice.email, amount: '1.00', asset: 'EUR' })).json().errors[0].field,
    ).toBe('to');
    const ghost = await send(t, alice, { to: 'ghost@example.com', amount: '1.00', asset: 'EUR' });
    expect(ghost.statusCode).toBe(404);
    expect(ghost.json().code).toBe('recipient_not_found');
    const noKey = await t.request({
      method: 'POST',
      url: '/v1/wallet/send',
      token: alice.token,
      body: { to: 'x', amount: '1.00', asset: 'EUR' },
    });
    expect(noKey.statusCode).toBe(400);
  });

  it('replays a retried send instead of sending twice', async () => {
    const [alice, bob] = [await newFan(t), await newFan(t)];
    await fundWallet(t, alice, '10.00');
    const key = randomUUID();
    const first = await send(t, alice, { to: bob.id, amount: '3.00', asset: 'EUR' }, key);
    const again = await send(t, alice, { to: bob.id, amount: '3.00', asset: 'EUR' }, key);
    expect(again.body).toBe(first.body);
    expect(await walletBalance(t, alice)).toEqual({ balance: '7.00', available: '7.00' });
    const other = await send(t, alice, { to: bob.id, amount: '4.00', asset: 'EUR' }, key);
    expect(other.statusCode).toBe(422);
  });

  it('deposits through the sandbox processor: pending, then confirmed by a signed webhook', async () => {
    const fan = await newFan(t);
    const started = await t.request({
      method: 'POST',
      url: '/v1/wallet/deposit',
      token: fan.token,
      headers: { 'idempotency-key': randomUUID() },
      body: { amount: '25.00', asset: 'EUR', method: 'card' },
    });
    expect(started.statusCode).toBe(202);
    expect(started.json()).toMatchObject({ status: 'pending', amount: '25.00', provider: 'sandbox' });
    const id = started.json().id;
    const confirmed = await waitFor(async () => {
      const deposit = (
        await t.request({ method: 'GET', url: `/v1/wallet/deposits/${id}`, token: fan.token })
      ).json();
      return deposit.status === 'confirmed' ? deposit : null;
    }, 'deposit confirmed');
    expect(confirmed.transactionId).toMatch(/^[0-9a-f-]{36}$/);
    expect(await walletBalance(t, fan)).toEqual({ balance: '25.00', available: '25.00' });
    const history = (
      await t.request({ method: 'GET', url: '/v1/wallet/transactions', token: fan.token })
    ).json();
    expect(history.data[0]).toMatchObject({ type: 'deposit', status: 'completed', amount: '25.00' });
  });

  it('declines the documented test amounts and posts nothing', async () => {
    const fan = await newFan(t);
    const started = await t.request({
      method: 'POST',
      url: '/v1/wallet/deposit',
      token: fan.token,
      headers: { 'idempotency-key': randomUUID() },
      body: { amount: '10.13', asset: 'EUR', method: 'card' },
    });
    const id = started.json().id;
    const declined = await waitFor(async () => {
      const deposit = (
        await t.request({ method: 'GET', url: `/v1/wallet/deposits/${id}`, token: fan.token })
      ).json();
      return deposit.status === 'declined' ? deposit : null;
    }, 'deposit declined');
    expect(declined.failureCode).toBe('card_declined');
    expect(await walletBalance(t, fan)).toEqual({ balance: '0.00', available: '0.00' });
    const history = (
      await t.request({ method: 'GET', url: '/v1/wallet/transactions', token: fan.token })
    ).json();
    expect(history.data[0]).toMatchObject({ type: 'deposit', status: 'failed' });
  });

  it('quotes and converts with four entries in one transaction', async () => {
    const fan = await newFan(t);
    await fundWallet(t, fan, '100.00');
    const quote = await t.request({
      method: 'POST',
      url: '/v1/wallet/convert/quote',
      token: fan.token,
      body: { from: 'EUR', to: 'BTC', amount: '88.00' },
    });
    expect(quote.statusCode).toBe(201);
    expect(quote.json()).toMatchObject({
      from: { amount: '88.00', asset: 'EUR' },
      to: { amount: '0.00100000', asset: 'BTC' },
    });
    const convert = (key: string) =>
      t.request({
        method: 'POST',
        url: '/v1/wallet/convert',
        token: fan.token,
        headers: { 'idempotency-key': key },
        body: { quoteId: quote.json().id },
      });
    const done = await convert(randomUUID());
    expect(done.statusCode).toBe(201);
    const transactionId = done.json().data[0].transactionId;
    const entries = await t.platform
      .database('wallet')
      .query<{ n: number }>('SELECT count(*)::int AS n FROM wallet.entries WHERE transaction_id = $1', [
        transactionId,
      ]);
    expect(entries.rows[0]?.n).toBe(4);
    expect(await walletBalance(t, fan)).toEqual({ balance: '12.00', available: '12.00' });
    expect(await walletBalance(t, fan, 'BTC')).toEqual({ balance: '0.00100000', available: '0.00100000' });
    const again = await convert(randomUUID());
    expect(again.statusCode).toBe(422);
    expect(again.json().code).toBe('quote_already_used');
    const same = await t.request({
      method: 'POST',
      url: '/v1/wallet/convert/quote',
      token: fan.token,
      body: { from: 'EUR', to: 'EUR', amount: '1.00' },
    });
    expect(same.statusCode).toBe(400);
  });

  it('shows a receive handle and a QR code of the payment link', async () => {
    const fan = await newFan(t);
    const response = await t.request({ method: 'GET', url: '/v1/wallet/receive', token: fan.token });
    expect(response.json()).toMatchObject({ userId: fan.id, handle: fan.handle });
    expect(response.json().paymentLink).toContain(`/pay/@${fan.handle}`);
    expect(response.json().qrSvg).toMatch(/^<svg[\s\S]*<\/svg>\s*$/);
  });

  it('announces sends on the bus: one transaction_posted and a balance_changed per fan', async () => {
    const [alice, bob] = [await newFan(t), await newFan(t)];
    await fundWallet(t, alice, '10.00');
    const sent = await send(t, alice, { to: bob.id, amount: '4.00', asset: 'EUR' });
    const transactionId = sent.json().transactionId;
    const db = t.platform.database('wallet');
    const posted = await db.query<{ payload: { kind: string; entries: unknown[] } }>(
      "SELECT payload FROM wallet.outbox WHERE topic = 'wallet.transaction_posted' AND payload->>'transactionId' = $1",
      [transactionId],
    );
    expect(posted.rows).toHaveLength(1);
    expect(posted.rows[0]?.payload).toMatchObject({ kind: 'transfer', entries: expect.any(Array) });
    const changed = await db.query<{ payload: { userId: string; posted: string; available: string } }>(
      `SELECT payload FROM wallet.outbox WHERE topic = 'wallet.balance_changed' AND payload->>'userId' = ANY($1)
       ORDER BY seq DESC LIMIT 2`,
      [[alice.id, bob.id]],
    );
    expect(
      changed.rows
        .map((r) => r.payload)
        .sort((a, b) => (a.userId === alice.id ? -1 : b.userId === alice.id ? 1 : 0)),
    ).toEqual([
      { userId: alice.id, asset: 'EUR', posted: '600', available: '600' },
      { userId: bob.id, asset: 'EUR', posted: '400', available: '400' },
    ]);
  });

  it('passes the audit after all of the above', async () => {
    expect(await audit(t)).toMatchObject({ ok: true, problems: [] });
  });
});

import { randomUUID } from 'node:crypto';
import {
  adminLogin,
  FIXTURE_WEBHOOK_SECRET,
  newFan,
  type TestPlatform,
  testBackends,
  waitFor,
  walletBalance,
} from '@pcf/kernel/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { SANDBOX_WEBHOOK_PATH } from '../src/providers/sandbox-provider.ts';
import { SIGNATURE_HEADER, signPayload } from '../src/providers/webhook-signature.ts';
import { audit, credit, startWalletPlatform } from './support.ts';

describe.each(testBackends())('wallet authorization and webhooks on $name', (backend) => {
  let t: TestPlatform;
  beforeAll(async () => {
    // The sandbox never delivers on its own here: the tests play the processor.
    t = await startWalletPlatform(backend, { PCF_SANDBOX_CONFIRM_MS: '3600000' });
  });
  afterAll(() => t.close());

  const startDeposit = async (token: string, amount = '20.00') =>
    (
      await t.request({
        method: 'POST',
        url: '/v1/wallet/deposit',
        token,
        headers: { 'idempotency-key': randomUUID() },
        body: { amount, asset: 'EUR', method: 'card' },
      })
    ).json() as { id: string };

  const webhook = (
    event: Record<string, unknown>,
    options: { secret?: string; timestamp?: number; body?: string } = {},
  ) => {
    const body = options.body ?? JSON.stringify(event);
    return t.request({
      method: 'POST',
      url: SANDBOX_WEBHOOK_PATH,
      headers: {
        'content-type': 'application/json',
        [SIGNATURE_HEADER]: signPayload(options.secret ?? FIXTURE_WEBHOOK_SECRET, body, options.timestamp),
      },
      body: body as unknown as object,
    });
  };
  const succeeded = (depositId: string, amount = '20.00') => ({
    eventId: `evt_${randomUUID()}`,
    type: 'payment.succeeded',
    depositId,
    providerRef: 'sbx_test',
    amount,
    asset: 'EUR',
    failureCode: null,
  });

  it('posts a deposit exactly once however many times the webhook is delivered', async () => {
    const fan = await newFan(t);
    const deposit = await startDeposit(fan.token);
    const event = succeeded(deposit.id);
    const results = await Promise.all(Array.from({ length: 5 }, () => webhook(event)));
    expect(results.map((r) => r.statusCode)).toEqual([200, 200, 200, 200, 200]);
    expect(results.filter((r) => r.json().applied).length).toBe(1);
    // A different event for the same payment (a processor retrying with a new id) changes nothing either.
    expect((await webhook(succeeded(deposit.id))).json()).toEqual({ received: true, applied: false });
    expect(await walletBalance(t, fan)).toEqual({ balance: '20.00', available: '20.00' });
  });

  it('rejects unsigned, wrongly signed, tampered and stale webhooks, posting nothing', async () => {
    const fan = await newFan(t);
    const deposit = await startDeposit(fan.token);
    const event = succeeded(deposit.id);
    const body = JSON.stringify(event);
    const unsigned = await t.request({
      method: 'POST',
      url: SANDBOX_WEBHOOK_PATH,
      headers: { 'content-type': 'application/json' },
      body: event,
    });
    expect(unsigned.statusCode).toBe(401);
    expect(unsigned.json().code).toBe('invalid_webhook_signature');
    expect((await webhook(event, { secret: 'not-the-secret' })).statusCode).toBe(401);
    const tampered = await t.request({
      method: 'POST',
      url: SANDBOX_WEBHOOK_PATH,
      headers: {
        'content-type': 'application/json',
        [SIGNATURE_HEADER]: signPayload(FIXTURE_WEBHOOK_SECRET, body),
      },
      body: body.replace('20.00', '2000.00') as unknown as object,
    });
    expect(tampered.statusCode).toBe(401);
    const stale = await webhook(event, { timestamp: Math.floor(Date.now() / 1000) - 301 });
    expect(stale.statusCode).toBe(401);
    expect((await webhook(event, { timestamp: Math.floor(Date.now() / 1000) + 301 })).statusCode).toBe(401);
    expect(await walletBalance(t, fan)).toEqual({ balance: '0.00', available: '0.00' });
    expect((await webhook(event)).json().applied).toBe(true);
  });

  it('declines a deposit whose confirmed amount differs from the request', async () => {
    const fan = await newFan(t);
    const deposit = await startDeposit(fan.token);
    expect((await webhook(succeeded(deposit.id, '2000.00'))).json().applied).toBe(true);
    const view = (
      await t.request({ method: 'GET', url: `/v1/wallet/deposits/${deposit.id}`, token: fan.token })
    ).json();
    expect(view).toMatchObject({ status: 'declined', failureCode: 'amount_mismatch' });
    expect(await walletBalance(t, fan)).toEqual({ balance: '0.00', available: '0.00' });
  });

  it("gives other fans and partner keys 404 (or 401/403) for a fan's resources", async () => {
    const owner = await newFan(t, 'Owner');
    const other = await newFan(t, 'Other');
    await credit(t, owner, '30.00');
    const deposit = await startDeposit(owner.token);
    const quote = (
      await t.request({
        method: 'POST',
        url: '/v1/wallet/convert/quote',
        token: owner.token,
        body: { from: 'EUR', to: 'USD', amount: '10.00' },
      })
    ).json();
    expect(
      (await t.request({ method: 'GET', url: `/v1/wallet/deposits/${deposit.id}`, token: other.token }))
        .statusCode,
    ).toBe(404);
    const stolen = await t.request({
      method: 'POST',
      url: '/v1/wallet/convert',
      token: other.token,
      headers: { 'idempotency-key': randomUUID() },
      body: { quoteId: quote.id },
    });
    expect(stolen.statusCode).toBe(404);
    // The other fan's own views never include the owner's money.
    expect(
      (await t.request({ method: 'GET', url: '/v1/wallet/balance', token: other.token })).json().balance,
    ).toBe('0.00');
    expect(
      (await t.request({ method: 'GET', url: '/v1/wallet/transactions', token: other.token })).json().data,
    ).toEqual([]);

    const partnerKey = await partnerSecretKey(t);
    const fanEndpoints = [
      { method: 'GET' as const, url: '/v1/wallet/balance' },
      { method: 'GET' as const, url: '/v1/wallet/assets' },
      { method: 'GET' as const, url: '/v1/wallet/transactions' },
      { method: 'GET' as const, url: '/v1/wallet/receive' },
      { method: 'GET' as const, url: `/v1/wallet/deposits/${deposit.id}` },
      { method: 'GET' as const, url: '/v1/wallet/stream' },
      {
        method: 'POST' as const,
        url: '/v1/wallet/send',
        body: { to: owner.id, amount: '1.00', asset: 'EUR' },
      },
      {
        method: 'POST' as const,
        url: '/v1/wallet/deposit',
        body: { amount: '1.00', asset: 'EUR', method: 'card' },
      },
      {
        method: 'POST' as const,
        url: '/v1/wallet/convert/quote',
        body: { from: 'EUR', to: 'USD', amount: '1.00' },
      },
      { method: 'POST' as const, url: '/v1/wallet/convert', body: { quoteId: quote.id } },
      { method: 'GET' as const, url: '/v1/wallet/admin/audit' },
    ];
    for (const endpoint of fanEndpoints) {
      const headers = { 'idempotency-key': randomUUID() };
      const anonymous = await t.request({ ...endpoint, headers });
      expect(anonymous.statusCode, `anonymous ${endpoint.url}`).toBe(401);
      const withKey = await t.request({ ...endpoint, headers, token: partnerKey });
      expect([403, 404], `partner key ${endpoint.url}`).toContain(withKey.statusCode);
    }
    const asFan = await t.request({ method: 'GET', url: '/v1/wallet/admin/audit', token: other.token });
    expect(asFan.statusCode).toBe(403);
    expect(await walletBalance(t, owner)).toEqual({ balance: '30.00', available: '30.00' });
  });

  it('streams balance changes to the fan as server-sent events', async () => {
    const fan = await newFan(t, 'Streamer');
    const address = await t.platform.app.listen({ port: 0, host: '127.0.0.1' });
    const controller = new AbortController();
    const response = await fetch(`${address}/v1/wallet/stream`, {
      headers: { authorization: `Bearer ${fan.token}` },
      signal: controller.signal,
    });
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const reader = response.body!.getReader();
    let text = '';
    const read = async () => {
      const chunk = await reader.read();
      text += new TextDecoder().decode(chunk.value);
    };
    await waitFor(async () => {
      await read();
      return text.includes('event: snapshot');
    }, 'snapshot event');
    await credit(t, fan, '7.50');
    await waitFor(async () => {
      await read();
      return text.includes('event: balance');
    }, 'balance event');
    expect(text).toContain('"asset":"EUR","balance":"7.50","available":"7.50"');
    controller.abort();
  });

  it('names a one-byte edit of the ledger in the audit', async () => {
    const fan = await newFan(t, 'Tamper');
    await credit(t, fan, '12.34');
    expect((await audit(t)).ok).toBe(true);
    const db = t.platform.database('wallet');
    const entry = await db.query<{ id: string; transaction_id: string }>(
      `SELECT e.id::text AS id, e.transaction_id FROM wallet.entries e JOIN wallet.accounts a ON a.id = e.account_id
       WHERE a.owner_id = $1`,
      [fan.id],
    );
    const { id, transaction_id: transactionId } = entry.rows[0]!;
    await expect(db.query('UPDATE wallet.entries SET amount = 1235 WHERE id = $1', [id])).rejects.toThrow(
      /immutable/,
    );
    await db.query('ALTER TABLE wallet.entries DISABLE TRIGGER entries_immutable');
    await db.query('UPDATE wallet.entries SET amount = 1244 WHERE id = $1', [id]);
    await db.query('ALTER TABLE wallet.entries ENABLE TRIGGER entries_immutable');
    const report = await audit(t);
    expect(report.ok).toBe(false);
    expect(report.problems.join('\n')).toContain(`transaction ${transactionId} (journal position`);
    expect(report.problems.join('\n')).toContain('content changed after it was posted');
    expect(
      report.problems.some((p) =>
        p.includes(`(fan ${fan.id}, EUR): stored balance 1234 but its entries sum to 1244`),
      ),
    ).toBe(true);
    // Put it back so the rest of the suite sees a sound ledger.
    await db.query('ALTER TABLE wallet.entries DISABLE TRIGGER entries_immutable');
    await db.query('UPDATE wallet.entries SET amount = 1234 WHERE id = $1', [id]);
    await db.query('ALTER TABLE wallet.entries ENABLE TRIGGER entries_immutable');
    expect((await audit(t)).ok).toBe(true);
    await db.query('UPDATE wallet.accounts SET posted = posted + 1 WHERE owner_id = $1', [fan.id]);
    expect((await audit(t)).problems.join('\n')).toContain(
      `(fan ${fan.id}, EUR): stored balance 1235 but its entries sum to 1234`,
    );
    await db.query('UPDATE wallet.accounts SET posted = posted - 1 WHERE owner_id = $1', [fan.id]);
  });

  it('the audit endpoint is for platform admins', async () => {
    const response = await t.request({
      method: 'GET',
      url: '/v1/wallet/admin/audit',
      token: (await adminLogin(t)).token,
    });
    expect(response.statusCode).toBe(200);
  });
});

async function partnerSecretKey(t: TestPlatform): Promise<string> {
  const admin = (await adminLogin(t)).token;
  const slug = `club-${randomUUID().slice(0, 6)}`;
  const created = await t.request({
    method: 'POST',
    url: '/v1/partners',
    token: admin,
    body: {
      name: 'Club',
      slug,
      admin: { email: `${slug}@example.com`, password: 'club-password-1', displayName: 'A' },
    },
  });
  const partnerId = created.json().partner.id;
  const partnerAdmin = (
    await t.request({
      method: 'POST',
      url: '/v1/auth/login',
      body: { email: `${slug}@example.com`, password: 'club-password-1' },
    })
  ).json().accessToken;
  const key = await t.request({
    method: 'POST',
    url: `/v1/partners/${partnerId}/keys`,
    token: partnerAdmin,
    body: { kind: 'secret' },
  });
  return key.json().secret;
}

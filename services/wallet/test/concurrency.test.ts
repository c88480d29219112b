import { randomUUID } from 'node:crypto';
import { fundWallet, newFan, postgresBackend, type TestPlatform, walletBalance } from '@pcf/kernel/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WalletPort } from '../src/wallet.port.ts';
import { audit, send, startWalletPlatform } from './support.ts';

const postgres = postgresBackend();

describe.skipIf(!postgres)('wallet under concurrency on real PostgreSQL', () => {
  let t: TestPlatform;
  beforeAll(async () => {
    t = await startWalletPlatform(postgres!, { DATABASE_POOL_MAX: '20' });
  });
  afterAll(() => t.close());

  it('1,000 concurrent sends of 1.00 from 500.00: exactly 500 succeed, the rest 422, final balance 0.00', async () => {
    const [alice, bob] = [await newFan(t, 'Alice'), await newFan(t, 'Bob')];
    await fundWallet(t, alice, '500.00');
    const responses = await Promise.all(
      Array.from({ length: 1000 }, () => send(t, alice, { to: bob.id, amount: '1.00', asset: 'EUR' })),
    );
    const statuses = responses.map((r) => r.statusCode);
    expect(statuses.filter((s) => s === 201)).toHaveLength(500);
    expect(statuses.filter((s) => s === 422)).toHaveLength(500);
    expect(
      responses.filter((r) => r.statusCode === 422).every((r) => r.json().code === 'insufficient_funds'),
    ).toBe(true);
    expect(await walletBalance(t, alice)).toEqual({ balance: '0.00', available: '0.00' });
    expect(await walletBalance(t, bob)).toEqual({ balance: '500.00', available: '500.00' });
  });

  it('50 parallel identical requests with one Idempotency-Key: one transaction, 50 identical responses', async () => {
    const [alice, bob] = [await newFan(t), await newFan(t)];
    await fundWallet(t, alice, '10.00');
    const key = randomUUID();
    const responses = await Promise.all(
      Array.from({ length: 50 }, () => send(t, alice, { to: bob.id, amount: '2.00', asset: 'EUR' }, key)),
    );
    expect(new Set(responses.map((r) => r.statusCode))).toEqual(new Set([201]));
    expect(new Set(responses.map((r) => r.body)).size).toBe(1);
    expect(await walletBalance(t, alice)).toEqual({ balance: '8.00', available: '8.00' });
    const transactions = await t.platform.database('wallet').query<{ n: number }>(
      `SELECT count(DISTINCT e.transaction_id)::int AS n FROM wallet.entries e
         JOIN wallet.accounts a ON a.id = e.account_id WHERE a.owner_id = $1 AND e.amount < 0`,
      [alice.id],
    );
    expect(transactions.rows[0]?.n).toBe(1);
  });

  it('concurrent captures and voids on one hold: exactly one wins', async () => {
    const port = t.platform.port<WalletPort>('wallet');
    for (let round = 0; round < 10; round++) {
      const fan = await newFan(t);
      await fundWallet(t, fan, '10.00');
      const hold = await port.hold({
        idempotencyKey: randomUUID(),
        userId: fan.id,
        amount: '6.00',
        asset: 'EUR',
        merchant: 'shop',
      });
      const attempts = await Promise.allSettled([
        ...Array.from({ length: 5 }, () =>
          port.capture({ idempotencyKey: randomUUID(), holdId: hold.holdId }),
        ),
        ...Array.from({ length: 5 }, () => port.void({ idempotencyKey: randomUUID(), holdId: hold.holdId })),
      ]);
      const winners = attempts.filter((a) => a.status === 'fulfilled');
      expect(winners).toHaveLength(1);
      for (const loser of attempts.filter((a) => a.status === 'rejected')) {
        expect((loser as PromiseRejectedResult).reason).toMatchObject({ code: 'hold_not_active' });
      }
      const final = await port.getHold(hold.holdId);
      const expected =
        final?.status === 'captured'
          ? { balance: '4.00', available: '4.00' }
          : { balance: '10.00', available: '10.00' };
      expect(await walletBalance(t, fan)).toEqual(expected);
    }
  });

  it('opposite transfers between the same fans never deadlock', async () => {
    const [a, b] = [await newFan(t), await newFan(t)];
    await fundWallet(t, a, '100.00');
    await fundWallet(t, b, '100.00');
    const responses = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        i % 2 === 0
          ? send(t, a, { to: b.id, amount: '0.50', asset: 'EUR' })
          : send(t, b, { to: a.id, amount: '0.25', asset: 'EUR' }),
      ),
    );
    expect(responses.every((r) => r.statusCode === 201)).toBe(true);
    expect(await walletBalance(t, a)).toEqual({ balance: '75.00', available: '75.00' });
    expect(await walletBalance(t, b)).toEqual({ balance: '125.00', available: '125.00' });
  });

  it('leaves a sound ledger', async () => {
    expect(await audit(t)).toMatchObject({ ok: true, problems: [] });
  });
});

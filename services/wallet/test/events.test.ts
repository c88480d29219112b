import { randomUUID } from 'node:crypto';
import { payloadProblems, type Topic } from '@pcf/kernel';
import { fundWallet, newFan, type TestPlatform, testBackends } from '@pcf/kernel/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { balanceChanged, transactionPosted } from '../src/wallet.events.ts';
import type { WalletPort } from '../src/wallet.port.ts';
import { credit, send, startWalletPlatform } from './support.ts';

/**
 * The wallet writes most of its events inside its one-statement SQL operations (wallet.balance_changed is built by
 * SQL only): every row any ledger path writes must match the topic's declared schema.
 */
describe.each(testBackends())('wallet events on $name', (backend) => {
  let t: TestPlatform;
  beforeAll(async () => {
    t = await startWalletPlatform(backend);
  });
  afterAll(() => t.close());

  const topics = new Map<string, Topic>([
    [transactionPosted.name, transactionPosted],
    [balanceChanged.name, balanceChanged],
  ]);

  it('every ledger path writes payloads that match their declared topics', async () => {
    const port = t.platform.port<WalletPort>('wallet');
    const db = t.platform.database('wallet');
    const [alice, bob] = [await newFan(t), await newFan(t)];
    const { rows } = await db.query<{ n: number }>(
      'SELECT coalesce(max(seq), 0)::int AS n FROM wallet.outbox',
    );
    const since = rows[0]!.n;

    await fundWallet(t, alice, '100.00'); // deposit (multi-statement ledger change)
    expect((await send(t, alice, { to: bob.id, amount: '10.00', asset: 'EUR' })).statusCode).toBe(201); // one statement
    await credit(t, bob, '1.50'); // credit
    const captured = await port.hold({
      idempotencyKey: randomUUID(),
      userId: alice.id,
      amount: '20.00',
      asset: 'EUR',
      merchant: 'shop',
      reference: 'order-7',
    }); // one-statement hold
    await port.capture({ idempotencyKey: randomUUID(), holdId: captured.holdId }); // one-statement capture
    await port.refund({ idempotencyKey: randomUUID(), holdId: captured.holdId, amount: '5.00' }); // refund
    const voided = await port.hold({
      idempotencyKey: randomUUID(),
      userId: alice.id,
      amount: '3.00',
      asset: 'EUR',
      merchant: 'shop',
    });
    await port.void({ idempotencyKey: randomUUID(), holdId: voided.holdId }); // release only: balance events alone

    const written = await db.query<{ topic: string; source: string; payload: unknown }>(
      'SELECT topic, source, payload FROM wallet.outbox WHERE seq > $1 ORDER BY seq',
      [since],
    );
    const events = written.rows.map((r) => ({
      ...r,
      payload: typeof r.payload === 'string' ? JSON.parse(r.payload) : r.payload,
    }));
    const kinds = events
      .filter((e) => e.topic === transactionPosted.name)
      .map((e) => (e.payload as { kind: string }).kind);
    expect(kinds).toEqual(expect.arrayContaining(['deposit', 'transfer', 'credit', 'payment', 'refund']));
    const balances = events.filter((e) => e.topic === balanceChanged.name).map((e) => e.payload);
    // After the void, Alice has 100 − 10 − 20 + 5 = 75.00 posted and available again.
    expect(balances.at(-1)).toEqual({ userId: alice.id, asset: 'EUR', posted: '7500', available: '7500' });
    expect(balances).toContainEqual({ userId: bob.id, asset: 'EUR', posted: '1150', available: '1150' });
    for (const event of events) {
      const topic = topics.get(event.topic);
      expect(topic, `unexpected topic ${event.topic}`).toBeDefined();
      expect(event.source).toBe('wallet');
      expect(payloadProblems(topic!, event.payload), JSON.stringify(event)).toEqual([]);
    }
  });
});

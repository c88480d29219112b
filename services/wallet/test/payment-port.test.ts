import { randomUUID } from 'node:crypto';
import {
  type Fan,
  fundWallet,
  newFan,
  type TestPlatform,
  testBackends,
  walletBalance,
} from '@pcf/kernel/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PaymentsService } from '../src/payments.service.ts';
import type { WalletPort } from '../src/wallet.port.ts';
import { audit, startWalletPlatform } from './support.ts';

describe.each(testBackends())('payment port on $name', (backend) => {
  let t: TestPlatform;
  let port: WalletPort;
  beforeAll(async () => {
    t = await startWalletPlatform(backend);
    port = t.platform.port<WalletPort>('wallet');
  });
  afterAll(() => t.close());

  const hold = (fan: Fan, amount: string, extra: Partial<Parameters<WalletPort['hold']>[0]> = {}) =>
    port.hold({
      idempotencyKey: randomUUID(),
      userId: fan.id,
      amount,
      asset: 'EUR',
      merchant: 'shop',
      ...extra,
    });

  it('holds reduce the available balance, not the posted one; capture posts, partial capture releases the rest', async () => {
    const fan = await newFan(t);
    await fundWallet(t, fan, '100.00');
    const held = await hold(fan, '30.00', { reference: 'order-1' });
    expect(held).toMatchObject({ status: 'active', amount: '30.00', captured: '0.00', reference: 'order-1' });
    expect(await walletBalance(t, fan)).toEqual({ balance: '100.00', available: '70.00' });
    const captured = await port.capture({
      idempotencyKey: randomUUID(),
      holdId: held.holdId,
      amount: '25.00',
    });
    expect(captured).toMatchObject({ status: 'captured', captured: '25.00' });
    expect(captured.transactionId).toMatch(/^[0-9a-f-]{36}$/);
    expect(await walletBalance(t, fan)).toEqual({ balance: '75.00', available: '75.00' });
    const history = (
      await t.request({ method: 'GET', url: '/v1/wallet/transactions', token: fan.token })
    ).json();
    expect(history.data[0]).toMatchObject({
      type: 'payment',
      status: 'completed',
      amount: '-25.00',
      reference: 'order-1',
    });
  });

  it('voids release the hold; a voided hold cannot be captured', async () => {
    const fan = await newFan(t);
    await fundWallet(t, fan, '10.00');
    const held = await hold(fan, '10.00');
    expect(await walletBalance(t, fan)).toEqual({ balance: '10.00', available: '0.00' });
    await expect(hold(fan, '0.01')).rejects.toMatchObject({ code: 'insufficient_funds' });
    expect((await port.void({ idempotencyKey: randomUUID(), holdId: held.holdId })).status).toBe('voided');
    expect(await walletBalance(t, fan)).toEqual({ balance: '10.00', available: '10.00' });
    await expect(port.capture({ idempotencyKey: randomUUID(), holdId: held.holdId })).rejects.toMatchObject({
      code: 'hold_not_active',
    });
    await expect(port.capture({ idempotencyKey: randomUUID(), holdId: randomUUID() })).rejects.toMatchObject({
      code: 'hold_not_found',
    });
  });

  it('never captures more than the hold', async () => {
    const fan = await newFan(t);
    await fundWallet(t, fan, '10.00');
    const held = await hold(fan, '5.00');
    await expect(
      port.capture({ idempotencyKey: randomUUID(), holdId: held.holdId, amount: '5.01' }),
    ).rejects.toMatchObject({
      code: 'capture_exceeds_hold',
    });
  });

  it('expires holds and releases their funds', async () => {
    const fan = await newFan(t);
    await fundWallet(t, fan, '10.00');
    const held = await hold(fan, '4.00', { ttlSeconds: 1 });
    await t.platform
      .database('wallet')
      .query("UPDATE wallet.holds SET expires_at = now() - interval '1 second' WHERE id = $1", [held.holdId]);
    await expect(port.capture({ idempotencyKey: randomUUID(), holdId: held.holdId })).rejects.toMatchObject({
      code: 'hold_not_active',
    });
    expect(await (port as PaymentsService).expireHolds()).toBeGreaterThanOrEqual(1);
    expect((await port.getHold(held.holdId))?.status).toBe('expired');
    expect(await walletBalance(t, fan)).toEqual({ balance: '10.00', available: '10.00' });
    const history = (
      await t.request({ method: 'GET', url: '/v1/wallet/transactions', token: fan.token })
    ).json();
    expect(history.data[0]).toMatchObject({ type: 'payment', status: 'cancelled' });
  });

  it('refunds partially, never more than captured', async () => {
    const fan = await newFan(t);
    await fundWallet(t, fan, '50.00');
    const held = await hold(fan, '40.00');
    await port.capture({ idempotencyKey: randomUUID(), holdId: held.holdId });
    expect(
      (await port.refund({ idempotencyKey: randomUUID(), holdId: held.holdId, amount: '15.00' })).refunded,
    ).toBe('15.00');
    expect(
      (await port.refund({ idempotencyKey: randomUUID(), holdId: held.holdId, amount: '25.00' })).refunded,
    ).toBe('40.00');
    await expect(
      port.refund({ idempotencyKey: randomUUID(), holdId: held.holdId, amount: '0.01' }),
    ).rejects.toMatchObject({
      code: 'refund_exceeds_captured',
    });
    expect(await walletBalance(t, fan)).toEqual({ balance: '50.00', available: '50.00' });
    const active = await hold(fan, '1.00');
    await expect(
      port.refund({ idempotencyKey: randomUUID(), holdId: active.holdId, amount: '1.00' }),
    ).rejects.toMatchObject({
      code: 'payment_not_captured',
    });
  });

  it('returns the first result for a repeated idempotency key, and refuses it for another request', async () => {
    const fan = await newFan(t);
    await fundWallet(t, fan, '20.00');
    const key = randomUUID();
    const request = {
      idempotencyKey: key,
      userId: fan.id,
      amount: '5.00',
      asset: 'EUR' as const,
      merchant: 'shop',
    };
    const first = await port.hold(request);
    const second = await port.hold(request);
    expect(second).toEqual(first);
    expect(await walletBalance(t, fan)).toEqual({ balance: '20.00', available: '15.00' });
    await expect(port.hold({ ...request, amount: '6.00' })).rejects.toMatchObject({
      code: 'idempotency_key_reused',
    });

    const captureKey = randomUUID();
    const c1 = await port.capture({ idempotencyKey: captureKey, holdId: first.holdId });
    const c2 = await port.capture({ idempotencyKey: captureKey, holdId: first.holdId });
    expect(c2).toEqual(c1);
    const creditKey = randomUUID();
    const credit = {
      idempotencyKey: creditKey,
      userId: fan.id,
      amount: '0.75',
      asset: 'EUR' as const,
      reason: 'cashback' as const,
    };
    expect(await port.credit(credit)).toEqual(await port.credit(credit));
    expect(await walletBalance(t, fan)).toEqual({ balance: '15.75', available: '15.75' });
  });

  it('credits cashback from the partner’s pool, which may go negative', async () => {
    const fan = await newFan(t);
    const partnerId = randomUUID();
    await port.credit({
      idempotencyKey: randomUUID(),
      userId: fan.id,
      amount: '2.50',
      asset: 'EUR',
      reason: 'cashback',
      partnerId,
    });
    const pool = await t.platform
      .database('wallet')
      .query<{ posted: string }>(
        "SELECT posted::text AS posted FROM wallet.accounts WHERE owner_type = 'system' AND owner_id = $1",
        [`cashback_pool:${partnerId}`],
      );
    expect(pool.rows[0]?.posted).toBe('-250');
    const history = (
      await t.request({ method: 'GET', url: '/v1/wallet/transactions', token: fan.token })
    ).json();
    expect(history.data[0]).toMatchObject({ type: 'cashback', amount: '2.50' });
  });

  it('keeps the ledger consistent', async () => {
    expect(await audit(t)).toMatchObject({ ok: true });
  });
});

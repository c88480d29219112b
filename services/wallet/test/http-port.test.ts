import { randomUUID } from 'node:crypto';
import { InternalHttpClient, portClient } from '@pcf/kernel';
import { newFan, type TestPlatform, testBackends, walletBalance } from '@pcf/kernel/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type WalletPort, walletPort } from '../src/wallet.port.ts';
import { startWalletPlatform } from './support.ts';

describe('payment port over HTTP (how other processes call the wallet)', () => {
  let t: TestPlatform;
  let port: WalletPort;
  let url: string;
  beforeAll(async () => {
    // A split process (identity and wallet here, the other services elsewhere): only then is /internal served.
    t = await startWalletPlatform(testBackends()[0]!, {
      PCF_SERVICES: 'identity,wallet',
      PCF_SERVICE_TOKEN: randomUUID().repeat(2),
    });
    url = await t.platform.app.listen({ port: 0, host: '127.0.0.1' });
    port = portClient(walletPort, new InternalHttpClient('wallet', url, t.platform.config.serviceToken));
  });
  afterAll(() => t.close());

  it('holds, captures, refunds and credits with the same results as in process', async () => {
    const fan = await newFan(t);
    const credit = {
      idempotencyKey: randomUUID(),
      userId: fan.id,
      amount: '20.00',
      asset: 'EUR' as const,
      reason: 'cashback' as const,
    };
    const credited = await port.credit(credit);
    expect(await port.credit(credit)).toEqual(credited);
    const hold = await port.hold({
      idempotencyKey: randomUUID(),
      userId: fan.id,
      amount: '8.00',
      asset: 'EUR',
      merchant: 'tickets',
    });
    expect(await walletBalance(t, fan)).toEqual({ balance: '20.00', available: '12.00' });
    const captured = await port.capture({
      idempotencyKey: randomUUID(),
      holdId: hold.holdId,
      amount: '5.00',
    });
    expect(captured).toMatchObject({ status: 'captured', captured: '5.00' });
    expect(
      await port.refund({ idempotencyKey: randomUUID(), holdId: hold.holdId, amount: '5.00' }),
    ).toMatchObject({ refunded: '5.00' });
    expect((await port.getHold(hold.holdId))?.status).toBe('captured');
    expect(await port.getHold(randomUUID())).toBeNull();
    expect(await walletBalance(t, fan)).toEqual({ balance: '20.00', available: '20.00' });
  });

  it('carries domain errors across: insufficient funds, unknown hold, bad input', async () => {
    const fan = await newFan(t);
    await expect(
      port.hold({
        idempotencyKey: randomUUID(),
        userId: fan.id,
        amount: '1.00',
        asset: 'EUR',
        merchant: 'shop',
      }),
    ).rejects.toMatchObject({ code: 'insufficient_funds', category: 'unprocessable' });
    await expect(port.void({ idempotencyKey: randomUUID(), holdId: randomUUID() })).rejects.toMatchObject({
      code: 'hold_not_found',
    });
    await expect(
      port.hold({
        idempotencyKey: randomUUID(),
        userId: fan.id,
        amount: '1.001',
        asset: 'EUR',
        merchant: 'shop',
      }),
    ).rejects.toMatchObject({ code: 'validation_failed' });
  });

  it('refuses callers without the service token', async () => {
    const intruder = portClient(walletPort, new InternalHttpClient('wallet', url, 'x'.repeat(64)));
    await expect(intruder.getHold(randomUUID())).rejects.toMatchObject({ code: 'invalid_service_token' });
  });
});

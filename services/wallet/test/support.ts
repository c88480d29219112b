import { randomUUID } from 'node:crypto';
import { identityModule } from '@pcf/identity';
import {
  type Account,
  adminLogin,
  startFixturePlatform,
  type TestBackend,
  type TestPlatform,
} from '@pcf/kernel/testing';
import { walletModule } from '../src/wallet.module.ts';
import type { WalletPort } from '../src/wallet.port.ts';

/** Identity and the wallet on a fixture platform (`@pcf/kernel/testing`), with `env` over its settings. */
export function startWalletPlatform(
  backend: TestBackend,
  env: Record<string, string> = {},
): Promise<TestPlatform> {
  return startFixturePlatform(backend, [identityModule, walletModule], { env });
}

/**
 * Credits a fan through the wallet's own payment port (a cashback credit: a real, balanced ledger transaction).
 * For the tests that hold the sandbox back to play the card processor themselves, where `fundWallet`'s deposit
 * would never be confirmed; everywhere else fund with `fundWallet`.
 */
export async function credit(t: TestPlatform, fan: Pick<Account, 'id'>, amount: string): Promise<void> {
  await t.platform.port<WalletPort>('wallet').credit({
    idempotencyKey: `credit-${randomUUID()}`,
    userId: fan.id,
    amount,
    asset: 'EUR',
    reason: 'cashback',
  });
}

/** `POST /v1/wallet/send` as `from`, with an Idempotency-Key. */
export function send(
  t: TestPlatform,
  from: Pick<Account, 'token'>,
  body: Record<string, unknown>,
  key = randomUUID(),
) {
  return t.request({
    method: 'POST',
    url: '/v1/wallet/send',
    token: from.token,
    body,
    headers: { 'idempotency-key': key },
  });
}

/** The ledger audit (`GET /v1/wallet/admin/audit`) as the platform admin. */
export async function audit(t: TestPlatform): Promise<{ ok: boolean; problems: string[] }> {
  const response = await t.request({
    method: 'GET',
    url: '/v1/wallet/admin/audit',
    token: (await adminLogin(t)).token,
  });
  return response.json();
}

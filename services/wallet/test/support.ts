import { randomUUID } from 'node:crypto';
import { identityModule } from '@pcf/identity';
import { startTestPlatform, type TestBackend, type TestPlatform } from '@pcf/kernel/testing';
import { walletModule } from '../src/wallet.module.ts';
import type { WalletPort } from '../src/wallet.port.ts';

export const ADMIN = { email: 'root@wallet.test', password: 'root-password-123' };
export const WEBHOOK_SECRET = 'test-webhook-secret-0123456789abcdef';

export interface Fan {
  id: string;
  email: string;
  handle: string;
  token: string;
}

export function startWalletPlatform(
  backend: TestBackend,
  env: Record<string, string> = {},
): Promise<TestPlatform> {
  return startTestPlatform(backend, [identityModule, walletModule], {
    PCF_ADMIN_EMAIL: ADMIN.email,
    PCF_ADMIN_PASSWORD: ADMIN.password,
    PCF_SANDBOX_WEBHOOK_SECRET: WEBHOOK_SECRET,
    PCF_SANDBOX_CONFIRM_MS: '0',
    PCF_RATE_LIMIT_IP: '1000000',
    PCF_RATE_LIMIT_USER: '1000000',
    ...env,
  });
}

export async function newFan(t: TestPlatform, name = 'Fan'): Promise<Fan> {
  const email = `${name.toLowerCase()}-${randomUUID().slice(0, 8)}@example.com`;
  const response = await t.request({
    method: 'POST',
    url: '/v1/auth/signup',
    body: { email, password: 'fan-password-123', displayName: name },
  });
  if (response.statusCode !== 201) throw new Error(`signup failed: ${response.body}`);
  const body = response.json();
  return { id: body.user.id, email, handle: body.user.handle, token: body.accessToken };
}

export async function adminToken(t: TestPlatform): Promise<string> {
  const response = await t.request({ method: 'POST', url: '/v1/auth/login', body: ADMIN });
  return response.json().accessToken;
}

/** Funds a fan through the payment port's cashback credit (a real, balanced ledger transaction). */
export async function fund(t: TestPlatform, fan: Fan, amount: string, asset = 'EUR'): Promise<void> {
  await t.platform.port<WalletPort>('wallet').credit({
    idempotencyKey: `fund-${randomUUID()}`,
    userId: fan.id,
    amount,
    asset: asset as 'EUR',
    reason: 'cashback',
  });
}

export async function balanceOf(
  t: TestPlatform,
  fan: Fan,
  asset = 'EUR',
): Promise<{ balance: string; available: string }> {
  const response = await t.request({ method: 'GET', url: '/v1/wallet/balance', token: fan.token });
  const entry = (response.json().assets as { asset: string; balance: string; available: string }[]).find(
    (a) => a.asset === asset,
  );
  return { balance: entry!.balance, available: entry!.available };
}

export function send(t: TestPlatform, from: Fan, body: Record<string, unknown>, key = randomUUID()) {
  return t.request({
    method: 'POST',
    url: '/v1/wallet/send',
    token: from.token,
    body,
    headers: { 'idempotency-key': key },
  });
}

export async function audit(t: TestPlatform): Promise<{ ok: boolean; problems: string[] }> {
  const response = await t.request({
    method: 'GET',
    url: '/v1/wallet/admin/audit',
    token: await adminToken(t),
  });
  return response.json();
}

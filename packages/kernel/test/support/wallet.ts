import { randomUUID } from 'node:crypto';
import type { Account } from './accounts.ts';
import type { PlatformClient } from './platform.ts';
import { waitFor } from './wait.ts';

const CRYPTO = new Set(['BTC', 'ETH', 'USDC']);

interface Deposit {
  id: string;
  status: 'pending' | 'confirmed' | 'declined';
  failureCode: string | null;
}

/**
 * Funds a fan's wallet the way a fan does: a sandbox deposit (`POST /v1/wallet/deposit` with an Idempotency-Key),
 * then waits until the sandbox provider's signed webhook has confirmed it (`GET /v1/wallet/deposits/:id`). The
 * wallet must run on the platform, with the sandbox confirming quickly (`startFixturePlatform` sets 0 ms).
 * `amount` is a decimal string in `asset`. Throws when the deposit is declined — the sandbox declines amounts whose
 * last two minor-unit digits are 13 or 66 (its documented test amounts) — or not confirmed within `timeoutMs`.
 */
export async function fundWallet(
  p: PlatformClient,
  fan: Pick<Account, 'token'> & { email?: string },
  amount: string,
  asset = 'EUR',
  timeoutMs = 15_000,
): Promise<void> {
  const started = await p.api.json<Deposit>({
    method: 'POST',
    url: '/v1/wallet/deposit',
    token: fan.token,
    idempotencyKey: `fund-${randomUUID()}`,
    body: { amount, asset, method: CRYPTO.has(asset) ? 'crypto' : 'card' },
    expect: 202,
  });
  const settled = await waitFor(
    async () => {
      const deposit = await p.api.json<Deposit>({
        url: `/v1/wallet/deposits/${started.id}`,
        token: fan.token,
      });
      return deposit.status === 'pending' ? null : deposit;
    },
    `deposit of ${amount} ${asset} for ${fan.email ?? 'the fan'} confirmed`,
    timeoutMs,
  );
  if (settled.status !== 'confirmed') {
    throw new Error(
      `deposit of ${amount} ${asset} for ${fan.email ?? 'the fan'} was ${settled.status} (${settled.failureCode})`,
    );
  }
}

/** A fan's `{ balance, available }` in one asset from `GET /v1/wallet/balance` (`0` formatted when absent). */
export async function walletBalance(
  p: PlatformClient,
  fan: Pick<Account, 'token'>,
  asset = 'EUR',
): Promise<{ balance: string; available: string }> {
  const answer = await p.api.json<{ assets: { asset: string; balance: string; available: string }[] }>({
    url: '/v1/wallet/balance',
    token: fan.token,
  });
  const entry = answer.assets.find((a) => a.asset === asset);
  if (!entry) throw new Error(`GET /v1/wallet/balance lists no ${asset}`);
  return { balance: entry.balance, available: entry.available };
}

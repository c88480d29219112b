import { randomBytes } from 'node:crypto';
import { connectPlatform, fundWallet, newFan, login as signIn } from '@pcf/kernel/testing';

/** A fan signed up through the API, with an access token for their own requests. */
export interface Fan {
  id: string;
  email: string;
  token: string;
}

export const BENCH_PASSWORD = 'BenchPassword-2026';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** Runs `task` over `items` with at most `limit` in flight, keeping the order of the results. */
export async function mapBounded<T, R>(
  items: T[],
  limit: number,
  task: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    for (;;) {
      const index = next++;
      if (index >= items.length) return;
      results[index] = await task(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** Signs up `count` fans through POST /v1/auth/signup, `concurrency` at a time (argon2 hashing is slow). */
export async function signUpFans(baseUrl: string, count: number, concurrency: number): Promise<Fan[]> {
  const run = randomBytes(4).toString('hex');
  const platform = connectPlatform(baseUrl);
  const indexes = Array.from({ length: count }, (_, i) => i);
  return mapBounded(indexes, concurrency, async (i) => {
    const fan = await newFan(platform, `Bench Fan ${i}`, {
      email: `fan-${run}-${i}@bench.paiecashfan.dev`,
      password: BENCH_PASSWORD,
    });
    return { id: fan.id, email: fan.email, token: fan.token };
  });
}

/** POST /v1/auth/login; returns the access token. */
export async function login(baseUrl: string, email: string, password: string): Promise<string> {
  return (await signIn(connectPlatform(baseUrl), email, password)).token;
}

/**
 * Funds fans through the API (sandbox deposit flow, `fundWallet`): POST /v1/wallet/deposit, then polls
 * GET /v1/wallet/deposits/:id until the sandbox provider's webhook has confirmed it.
 */
export async function depositForFans(
  baseUrl: string,
  fans: Fan[],
  amount: string,
  asset: string,
  concurrency: number,
): Promise<void> {
  const platform = connectPlatform(baseUrl);
  await mapBounded(fans, concurrency, (fan) => fundWallet(platform, fan, amount, asset, 30_000));
}

export interface AuditResult {
  ok: boolean;
  checkedTransactions: number;
  unsealedTransactions: number;
  problems: string[];
}

/** GET /v1/wallet/admin/audit as a platform admin (it seals the journal first); throws unless ok. */
export async function requireCleanAudit(
  baseUrl: string,
  adminToken: string,
  label: string,
): Promise<AuditResult> {
  const response = await fetch(`${baseUrl}/v1/wallet/admin/audit`, {
    headers: { authorization: `Bearer ${adminToken}` },
    signal: AbortSignal.timeout(300_000),
  });
  const body: unknown = await response.json().catch(() => null);
  if (
    response.status !== 200 ||
    !isRecord(body) ||
    typeof body.ok !== 'boolean' ||
    typeof body.checkedTransactions !== 'number' ||
    typeof body.unsealedTransactions !== 'number' ||
    !Array.isArray(body.problems)
  ) {
    throw new Error(
      `${label}: GET /v1/wallet/admin/audit answered ${response.status} ${JSON.stringify(body)}`,
    );
  }
  const audit: AuditResult = {
    ok: body.ok,
    checkedTransactions: body.checkedTransactions,
    unsealedTransactions: body.unsealedTransactions,
    problems: body.problems.map(String),
  };
  if (!audit.ok) {
    throw new Error(
      `${label}: the ledger audit FAILED after the load (${audit.problems.length} problems):\n` +
        audit.problems.slice(0, 20).join('\n'),
    );
  }
  return audit;
}

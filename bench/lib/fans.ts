import { randomBytes } from 'node:crypto';

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

async function postJson(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: unknown }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: await response.json().catch(() => null) };
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
  const indexes = Array.from({ length: count }, (_, i) => i);
  return mapBounded(indexes, concurrency, async (i) => {
    const email = `fan-${run}-${i}@bench.paiecashfan.dev`;
    const { status, body } = await postJson(`${baseUrl}/v1/auth/signup`, {
      email,
      password: BENCH_PASSWORD,
      displayName: `Bench Fan ${i}`,
    });
    const user = isRecord(body) && isRecord(body.user) ? body.user : null;
    if (
      status !== 201 ||
      !isRecord(body) ||
      typeof body.accessToken !== 'string' ||
      typeof user?.id !== 'string'
    ) {
      throw new Error(`signup of ${email} failed: ${status} ${JSON.stringify(body)}`);
    }
    return { id: user.id, email, token: body.accessToken };
  });
}

/** POST /v1/auth/login; returns the access token. */
export async function login(baseUrl: string, email: string, password: string): Promise<string> {
  const { status, body } = await postJson(`${baseUrl}/v1/auth/login`, { email, password });
  if (status !== 200 || !isRecord(body) || typeof body.accessToken !== 'string') {
    throw new Error(`login as ${email} failed: ${status} ${JSON.stringify(body)}`);
  }
  return body.accessToken;
}

/**
 * Funds fans through the API (sandbox deposit flow): POST /v1/wallet/deposit, then polls
 * GET /v1/wallet/deposits/:id until the sandbox provider's webhook has confirmed it.
 */
export async function depositForFans(
  baseUrl: string,
  fans: Fan[],
  amount: string,
  asset: string,
  concurrency: number,
): Promise<void> {
  await mapBounded(fans, concurrency, async (fan) => {
    const auth = { authorization: `Bearer ${fan.token}` };
    const { status, body } = await postJson(
      `${baseUrl}/v1/wallet/deposit`,
      { amount, asset, method: 'card' },
      { ...auth, 'idempotency-key': `bench-deposit-${fan.id}` },
    );
    if (status !== 202 || !isRecord(body) || typeof body.id !== 'string') {
      throw new Error(`deposit for ${fan.email} failed: ${status} ${JSON.stringify(body)}`);
    }
    const deadline = Date.now() + 30_000;
    let state: unknown = body.status;
    while (state !== 'confirmed') {
      if (state === 'declined' || Date.now() > deadline) {
        throw new Error(`deposit ${body.id} for ${fan.email} was not confirmed (status ${String(state)})`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
      const poll = await fetch(`${baseUrl}/v1/wallet/deposits/${body.id}`, { headers: auth });
      const deposit: unknown = await poll.json().catch(() => null);
      state = isRecord(deposit) ? deposit.status : `HTTP ${poll.status}`;
    }
  });
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

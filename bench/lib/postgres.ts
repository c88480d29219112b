import { randomBytes, randomUUID } from 'node:crypto';
import pg from 'pg';

/** A throwaway database on the benchmark's PostgreSQL server, dropped when the scenario ends. */
export interface BenchDatabase {
  name: string;
  /** Connection URL of this database (the server's DATABASE_URL, pgbench's target). */
  url: string;
}

/** Server-level URL (any existing database) used to create and drop the benchmark databases. */
export function serverUrl(env: Record<string, string | undefined> = process.env): string {
  return env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
}

function databaseUrl(server: string, name: string): string {
  const url = new URL(server);
  url.pathname = `/${name}`;
  return url.toString();
}

async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, application_name: 'paiecashfan-bench' });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** CREATE DATABASE <prefix>_<random>; the caller drops it with dropDatabase. */
export async function createDatabase(server: string, prefix: string): Promise<BenchDatabase> {
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`unsafe database name: ${name}`);
  await withClient(server, (client) => client.query(`CREATE DATABASE "${name}"`));
  return { name, url: databaseUrl(server, name) };
}

/** DROP DATABASE … WITH (FORCE): also ends connections a crashed server may have left behind. */
export async function dropDatabase(server: string, database: BenchDatabase): Promise<void> {
  await withClient(server, (client) =>
    client.query(`DROP DATABASE IF EXISTS "${database.name}" WITH (FORCE)`),
  );
}

export async function queryOne<R>(database: BenchDatabase, sql: string, params: unknown[] = []): Promise<R> {
  return withClient(database.url, async (client) => {
    const result = await client.query(sql, params);
    const row: unknown = result.rows[0];
    if (row === undefined) throw new Error(`no row from: ${sql}`);
    return row as R;
  });
}

/**
 * Gives every fan an opening balance of `amountMinor` (in `asset`'s minor units) straight in SQL — a benchmark
 * fixture, not an API: per fan one balanced 'deposit' transaction (system account `deposit_clearing:bench`
 * −amount, the fan's account +amount) with its two entries and a completed 'deposit' activity row, the same
 * rows `services/wallet/src/wallet.demo.ts` writes through the ledger. The accounts' `posted` columns are raised
 * by exactly the entries' sums (the wallet's audit recomputes them), in one transaction, so the deferred
 * `entries_balanced` trigger checks every transaction at commit. Outbox events are not written (nothing
 * consumes them in a single-process platform).
 */
export async function fundFansInSql(
  database: BenchDatabase,
  fanIds: string[],
  asset: string,
  amountMinor: bigint,
): Promise<void> {
  if (fanIds.length === 0) return;
  const amount = amountMinor.toString();
  const total = (amountMinor * BigInt(fanIds.length)).toString();
  const transactionIds = fanIds.map(() => randomUUID());
  const activityIds = fanIds.map(() => randomUUID());
  await withClient(database.url, async (client) => {
    await client.query('BEGIN');
    try {
      const fans = await client.query<{ id: string; owner_id: string }>(
        `INSERT INTO wallet.accounts (id, owner_type, owner_id, asset, posted)
         SELECT gen_random_uuid(), 'fan', owner_id, $2, $3::numeric FROM unnest($1::text[]) AS owner_id
         ON CONFLICT (owner_type, owner_id, asset) DO UPDATE SET posted = wallet.accounts.posted + EXCLUDED.posted
         RETURNING id, owner_id`,
        [fanIds, asset, amount],
      );
      const clearing = await client.query<{ id: string }>(
        `INSERT INTO wallet.accounts (id, owner_type, owner_id, asset, posted)
         VALUES (gen_random_uuid(), 'system', 'deposit_clearing:bench', $1, -$2::numeric)
         ON CONFLICT (owner_type, owner_id, asset) DO UPDATE SET posted = wallet.accounts.posted + EXCLUDED.posted
         RETURNING id`,
        [asset, total],
      );
      const clearingId = clearing.rows[0]!.id;
      const accountOf = new Map(fans.rows.map((row) => [row.owner_id, row.id]));
      const fanAccounts = fanIds.map((id) => accountOf.get(id)!);
      await client.query(
        `INSERT INTO wallet.transactions (id, kind, reference)
         SELECT id, 'deposit', 'bench opening balance' FROM unnest($1::uuid[]) WITH ORDINALITY AS t (id, n) ORDER BY n`,
        [transactionIds],
      );
      await client.query(
        `INSERT INTO wallet.entries (transaction_id, account_id, asset, amount)
         SELECT t.id, leg.account_id, $4, leg.amount
         FROM unnest($1::uuid[], $2::uuid[]) WITH ORDINALITY AS t (id, fan_account, n)
         CROSS JOIN LATERAL (VALUES ($3::uuid, -$5::numeric), (t.fan_account, $5::numeric)) AS leg (account_id, amount)
         ORDER BY t.n`,
        [transactionIds, fanAccounts, clearingId, asset, amount],
      );
      await client.query(
        `INSERT INTO wallet.activity (id, user_id, type, asset, amount, status, counterparty, reference, transaction_id)
         SELECT a.id, a.user_id::uuid, 'deposit', $4, $5::numeric, 'completed',
                '{"kind":"provider","id":"bench","name":"Opening balance"}'::jsonb, 'bench opening balance', a.tx
         FROM unnest($1::uuid[], $2::text[], $3::uuid[]) AS a (id, user_id, tx)`,
        [activityIds, fanIds, transactionIds, asset, amount],
      );
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
  });
}

/** Σ posted over the fan accounts of `asset` (transfers between fans must leave it unchanged). */
export async function fanTotal(database: BenchDatabase, asset: string): Promise<bigint> {
  const row = await queryOne<{ total: string }>(
    database,
    `SELECT coalesce(sum(posted), 0)::text AS total FROM wallet.accounts WHERE owner_type = 'fan' AND asset = $1`,
    [asset],
  );
  return BigInt(row.total);
}

/** How many ledger transactions of `kind` were posted. */
export async function transactionCount(database: BenchDatabase, kind: string): Promise<number> {
  const row = await queryOne<{ count: string }>(
    database,
    'SELECT count(*)::text AS count FROM wallet.transactions WHERE kind = $1',
    [kind],
  );
  return Number(row.count);
}

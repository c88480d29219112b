import type { Asset, Database, Queryable } from '@pcf/kernel';

export type OwnerType = 'fan' | 'system';
export type TransactionKind = 'deposit' | 'transfer' | 'payment' | 'refund' | 'credit' | 'conversion';

export interface AccountBalance {
  accountId: string;
  posted: bigint;
  pending: bigint;
}

export interface Posting {
  accountId: string;
  asset: Asset;
  /** Signed: negative debits, positive credits. */
  amount: bigint;
}

/** Accounts, transactions, entries and operation records: the ledger's SQL. */
export class LedgerRepository {
  constructor(private readonly db: Database) {}

  /** The account's id, creating it at zero on first use. */
  async ensureAccount(
    q: Queryable,
    ownerType: OwnerType,
    ownerId: string,
    asset: Asset,
    id: string,
  ): Promise<string> {
    await q.query(
      `INSERT INTO wallet.accounts (id, owner_type, owner_id, asset) VALUES ($1, $2, $3, $4)
       ON CONFLICT (owner_type, owner_id, asset) DO NOTHING`,
      [id, ownerType, ownerId, asset],
    );
    const result = await q.query<{ id: string }>(
      'SELECT id FROM wallet.accounts WHERE owner_type = $1 AND owner_id = $2 AND asset = $3',
      [ownerType, ownerId, asset],
    );
    return result.rows[0]!.id;
  }

  /** Row locks in the given (sorted) order, so concurrent transactions queue instead of deadlocking. */
  async lockAccounts(q: Queryable, ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await q.query('SELECT id FROM wallet.accounts WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE', [ids]);
  }

  /** Adds delta to posted; for a fan account only if the available balance stays ≥ 0. Undefined = refused. */
  async post(q: Queryable, accountId: string, delta: bigint): Promise<AccountBalance | undefined> {
    const result = await q.query<{ posted: string; pending: string }>(
      `UPDATE wallet.accounts SET posted = posted + $2::numeric
       WHERE id = $1 AND (owner_type = 'system' OR posted - pending + $2::numeric >= 0)
       RETURNING posted::text, pending::text`,
      [accountId, delta.toString()],
    );
    return balance(accountId, result.rows[0]);
  }

  /** Reserves amount (a hold) if available. Undefined = refused. */
  async reserve(q: Queryable, accountId: string, amount: bigint): Promise<AccountBalance | undefined> {
    const result = await q.query<{ posted: string; pending: string }>(
      `UPDATE wallet.accounts SET pending = pending + $2::numeric
       WHERE id = $1 AND posted - pending >= $2::numeric RETURNING posted::text, pending::text`,
      [accountId, amount.toString()],
    );
    return balance(accountId, result.rows[0]);
  }

  async release(q: Queryable, accountId: string, amount: bigint): Promise<AccountBalance> {
    const result = await q.query<{ posted: string; pending: string }>(
      `UPDATE wallet.accounts SET pending = pending - $2::numeric WHERE id = $1 RETURNING posted::text, pending::text`,
      [accountId, amount.toString()],
    );
    return balance(accountId, result.rows[0])!;
  }

  async insertTransaction(
    q: Queryable,
    transaction: {
      id: string;
      kind: TransactionKind;
      reference: string | null;
      metadata: Record<string, unknown>;
    },
    postings: Posting[],
  ): Promise<void> {
    await q.query(
      'INSERT INTO wallet.transactions (id, kind, reference, metadata) VALUES ($1, $2, $3, $4::jsonb)',
      [transaction.id, transaction.kind, transaction.reference, JSON.stringify(transaction.metadata)],
    );
    const values = postings
      .map((_, i) => `($1, $${i * 3 + 2}, $${i * 3 + 3}, $${i * 3 + 4}::numeric)`)
      .join(', ');
    await q.query(`INSERT INTO wallet.entries (transaction_id, account_id, asset, amount) VALUES ${values}`, [
      transaction.id,
      ...postings.flatMap((p) => [p.accountId, p.asset, p.amount.toString()]),
    ]);
  }

  async balancesOf(
    ownerType: OwnerType,
    ownerId: string,
  ): Promise<{ asset: Asset; posted: bigint; pending: bigint }[]> {
    const result = await this.db.query<{ asset: Asset; posted: string; pending: string }>(
      `SELECT asset, posted::text, pending::text FROM wallet.accounts WHERE owner_type = $1 AND owner_id = $2`,
      [ownerType, ownerId],
    );
    return result.rows.map((r) => ({ asset: r.asset, posted: BigInt(r.posted), pending: BigInt(r.pending) }));
  }

  /** Claims an idempotency key inside the caller's transaction; a concurrent claimer waits for this one. */
  async claimOperation(q: Queryable, scope: string, key: string, requestHash: string): Promise<boolean> {
    const result = await q.query(
      `INSERT INTO wallet.operations (scope, key, request_hash, result) VALUES ($1, $2, $3, 'null'::jsonb)
       ON CONFLICT DO NOTHING`,
      [scope, key, requestHash],
    );
    return result.rowCount === 1;
  }

  async findOperation(q: Queryable, scope: string, key: string) {
    const result = await q.query<{ request_hash: string; result: unknown }>(
      'SELECT request_hash, result FROM wallet.operations WHERE scope = $1 AND key = $2',
      [scope, key],
    );
    const row = result.rows[0];
    return row
      ? {
          requestHash: row.request_hash,
          result: typeof row.result === 'string' ? JSON.parse(row.result) : row.result,
        }
      : undefined;
  }

  async completeOperation(q: Queryable, scope: string, key: string, result: unknown): Promise<void> {
    await q.query('UPDATE wallet.operations SET result = $3::jsonb WHERE scope = $1 AND key = $2', [
      scope,
      key,
      JSON.stringify(result),
    ]);
  }
}

function balance(
  accountId: string,
  row: { posted: string; pending: string } | undefined,
): AccountBalance | undefined {
  return row ? { accountId, posted: BigInt(row.posted), pending: BigInt(row.pending) } : undefined;
}

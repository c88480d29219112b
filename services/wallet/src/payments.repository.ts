import type { Asset, Queryable } from '@pcf/kernel';

export type HoldStatus = 'active' | 'captured' | 'voided' | 'expired';

export interface HoldRecord {
  id: string;
  userId: string;
  asset: Asset;
  amount: bigint;
  captured: bigint;
  refunded: bigint;
  merchant: string;
  status: HoldStatus;
  reference: string | null;
  expiresAt: string;
  expired: boolean;
}

export type DepositStatus = 'pending' | 'confirmed' | 'declined';

export interface DepositRecord {
  id: string;
  userId: string;
  asset: Asset;
  amount: bigint;
  method: string;
  provider: string;
  providerRef: string | null;
  status: DepositStatus;
  failureCode: string | null;
  transactionId: string | null;
  createdAt: string;
}

export interface QuoteRecord {
  id: string;
  userId: string;
  fromAsset: Asset;
  toAsset: Asset;
  fromAmount: bigint;
  toAmount: bigint;
  rate: string;
  expiresAt: string;
  expired: boolean;
  transactionId: string | null;
}

/** Holds, deposits, processed webhooks and conversion quotes. */
export class PaymentsRepository {
  async insertHold(
    q: Queryable,
    hold: Omit<HoldRecord, 'captured' | 'refunded' | 'status' | 'expiresAt' | 'expired'> & {
      ttlSeconds: number;
    },
  ): Promise<HoldRecord> {
    const result = await q.query<HoldRow>(
      `INSERT INTO wallet.holds (id, account_id, user_id, asset, amount, merchant, status, reference, expires_at)
       SELECT $1, a.id, $2::uuid, $3, $4::numeric, $5, 'active', $6, now() + $7 * interval '1 second'
       FROM wallet.accounts a WHERE a.owner_type = 'fan' AND a.owner_id = ($2::uuid)::text AND a.asset = $3
       RETURNING ${HOLD_COLUMNS}`,
      [
        hold.id,
        hold.userId,
        hold.asset,
        hold.amount.toString(),
        hold.merchant,
        hold.reference,
        hold.ttlSeconds,
      ],
    );
    return toHold(result.rows[0]!);
  }

  async lockHold(q: Queryable, id: string): Promise<HoldRecord | undefined> {
    const result = await q.query<HoldRow>(
      `SELECT ${HOLD_COLUMNS} FROM wallet.holds WHERE id = $1 FOR UPDATE`,
      [id],
    );
    return result.rows[0] ? toHold(result.rows[0]) : undefined;
  }

  async findHold(q: Queryable, id: string): Promise<HoldRecord | undefined> {
    const result = await q.query<HoldRow>(`SELECT ${HOLD_COLUMNS} FROM wallet.holds WHERE id = $1`, [id]);
    return result.rows[0] ? toHold(result.rows[0]) : undefined;
  }

  async updateHold(
    q: Queryable,
    id: string,
    changes: { status?: HoldStatus; captured?: bigint; refunded?: bigint },
  ): Promise<HoldRecord> {
    const result = await q.query<HoldRow>(
      `UPDATE wallet.holds SET status = coalesce($2, status), captured = coalesce($3::numeric, captured),
         refunded = coalesce($4::numeric, refunded), updated_at = now()
       WHERE id = $1 RETURNING ${HOLD_COLUMNS}`,
      [
        id,
        changes.status ?? null,
        changes.captured?.toString() ?? null,
        changes.refunded?.toString() ?? null,
      ],
    );
    return toHold(result.rows[0]!);
  }

  async expiredHoldIds(q: Queryable, limit: number): Promise<string[]> {
    const result = await q.query<{ id: string }>(
      `SELECT id FROM wallet.holds WHERE status = 'active' AND expires_at <= now() ORDER BY expires_at LIMIT $1`,
      [limit],
    );
    return result.rows.map((r) => r.id);
  }

  async insertDeposit(
    q: Queryable,
    deposit: Omit<DepositRecord, 'createdAt' | 'failureCode' | 'transactionId' | 'providerRef'>,
  ) {
    const result = await q.query<DepositRow>(
      `INSERT INTO wallet.deposits (id, user_id, asset, amount, method, provider, status)
       VALUES ($1, $2, $3, $4::numeric, $5, $6, $7) RETURNING ${DEPOSIT_COLUMNS}`,
      [
        deposit.id,
        deposit.userId,
        deposit.asset,
        deposit.amount.toString(),
        deposit.method,
        deposit.provider,
        deposit.status,
      ],
    );
    return toDeposit(result.rows[0]!);
  }

  async pendingDeposits(
    q: Queryable,
    provider: string,
    olderThanSeconds: number,
    limit: number,
  ): Promise<DepositRecord[]> {
    const result = await q.query<DepositRow>(
      `SELECT ${DEPOSIT_COLUMNS} FROM wallet.deposits
       WHERE provider = $1 AND status = 'pending' AND updated_at < now() - $2 * interval '1 second'
       ORDER BY created_at LIMIT $3`,
      [provider, olderThanSeconds, limit],
    );
    return result.rows.map(toDeposit);
  }

  async setProviderRef(q: Queryable, id: string, providerRef: string): Promise<void> {
    await q.query('UPDATE wallet.deposits SET provider_ref = $2, updated_at = now() WHERE id = $1', [
      id,
      providerRef,
    ]);
  }

  async lockDeposit(q: Queryable, id: string): Promise<DepositRecord | undefined> {
    const result = await q.query<DepositRow>(
      `SELECT ${DEPOSIT_COLUMNS} FROM wallet.deposits WHERE id = $1 FOR UPDATE`,
      [id],
    );
    return result.rows[0] ? toDeposit(result.rows[0]) : undefined;
  }

  async findDeposit(q: Queryable, userId: string, id: string): Promise<DepositRecord | undefined> {
    const result = await q.query<DepositRow>(
      `SELECT ${DEPOSIT_COLUMNS} FROM wallet.deposits WHERE id = $1 AND user_id = $2`,
      [id, userId],
    );
    return result.rows[0] ? toDeposit(result.rows[0]) : undefined;
  }

  async settleDeposit(
    q: Queryable,
    id: string,
    outcome: { status: 'confirmed' | 'declined'; failureCode: string | null; transactionId: string | null },
  ): Promise<DepositRecord> {
    const result = await q.query<DepositRow>(
      `UPDATE wallet.deposits SET status = $2, failure_code = $3, transaction_id = $4, updated_at = now()
       WHERE id = $1 RETURNING ${DEPOSIT_COLUMNS}`,
      [id, outcome.status, outcome.failureCode, outcome.transactionId],
    );
    return toDeposit(result.rows[0]!);
  }

  /** False when this provider event was already processed. */
  async recordWebhookEvent(q: Queryable, provider: string, eventId: string): Promise<boolean> {
    const result = await q.query(
      'INSERT INTO wallet.webhook_events (provider, event_id) VALUES ($1, $2) ON CONFLICT DO NOTHING',
      [provider, eventId],
    );
    return result.rowCount === 1;
  }

  async insertQuote(
    q: Queryable,
    quote: Omit<QuoteRecord, 'expiresAt' | 'expired' | 'transactionId'> & { ttlSeconds: number },
  ) {
    const result = await q.query<QuoteRow>(
      `INSERT INTO wallet.quotes (id, user_id, from_asset, to_asset, from_amount, to_amount, rate, expires_at)
       VALUES ($1, $2, $3, $4, $5::numeric, $6::numeric, $7, now() + $8 * interval '1 second') RETURNING ${QUOTE_COLUMNS}`,
      [
        quote.id,
        quote.userId,
        quote.fromAsset,
        quote.toAsset,
        quote.fromAmount.toString(),
        quote.toAmount.toString(),
        quote.rate,
        quote.ttlSeconds,
      ],
    );
    return toQuote(result.rows[0]!);
  }

  async lockQuote(q: Queryable, userId: string, id: string): Promise<QuoteRecord | undefined> {
    const result = await q.query<QuoteRow>(
      `SELECT ${QUOTE_COLUMNS} FROM wallet.quotes WHERE id = $1 AND user_id = $2 FOR UPDATE`,
      [id, userId],
    );
    return result.rows[0] ? toQuote(result.rows[0]) : undefined;
  }

  async markQuoteUsed(q: Queryable, id: string, transactionId: string): Promise<void> {
    await q.query('UPDATE wallet.quotes SET transaction_id = $2 WHERE id = $1', [id, transactionId]);
  }
}

const HOLD_COLUMNS = `id, user_id, asset, amount::text, captured::text, refunded::text, merchant, status, reference,
  expires_at, expires_at <= now() AS expired`;
const DEPOSIT_COLUMNS =
  'id, user_id, asset, amount::text, method, provider, provider_ref, status, failure_code, transaction_id, created_at';
const QUOTE_COLUMNS = `id, user_id, from_asset, to_asset, from_amount::text, to_amount::text, rate, expires_at,
  expires_at <= now() AS expired, transaction_id`;

interface HoldRow {
  id: string;
  user_id: string;
  asset: Asset;
  amount: string;
  captured: string;
  refunded: string;
  merchant: string;
  status: HoldStatus;
  reference: string | null;
  expires_at: Date | string;
  expired: boolean;
}

interface DepositRow {
  id: string;
  user_id: string;
  asset: Asset;
  amount: string;
  method: string;
  provider: string;
  provider_ref: string | null;
  status: DepositStatus;
  failure_code: string | null;
  transaction_id: string | null;
  created_at: Date | string;
}

interface QuoteRow {
  id: string;
  user_id: string;
  from_asset: Asset;
  to_asset: Asset;
  from_amount: string;
  to_amount: string;
  rate: string;
  expires_at: Date | string;
  expired: boolean;
  transaction_id: string | null;
}

function toHold(row: HoldRow): HoldRecord {
  return {
    id: row.id,
    userId: row.user_id,
    asset: row.asset,
    amount: BigInt(row.amount),
    captured: BigInt(row.captured),
    refunded: BigInt(row.refunded),
    merchant: row.merchant,
    status: row.status,
    reference: row.reference,
    expiresAt: new Date(row.expires_at).toISOString(),
    expired: row.expired,
  };
}

function toDeposit(row: DepositRow): DepositRecord {
  return {
    id: row.id,
    userId: row.user_id,
    asset: row.asset,
    amount: BigInt(row.amount),
    method: row.method,
    provider: row.provider,
    providerRef: row.provider_ref,
    status: row.status,
    failureCode: row.failure_code,
    transactionId: row.transaction_id,
    createdAt: new Date(row.created_at).toISOString(),
  };
}

function toQuote(row: QuoteRow): QuoteRecord {
  return {
    id: row.id,
    userId: row.user_id,
    fromAsset: row.from_asset,
    toAsset: row.to_asset,
    fromAmount: BigInt(row.from_amount),
    toAmount: BigInt(row.to_amount),
    rate: row.rate,
    expiresAt: new Date(row.expires_at).toISOString(),
    expired: row.expired,
    transactionId: row.transaction_id,
  };
}

import type { Asset, Database, Queryable } from '@pcf/kernel';

export type ActivityType = 'deposit' | 'send' | 'receive' | 'payment' | 'refund' | 'cashback' | 'conversion';
export type ActivityStatus = 'pending' | 'completed' | 'failed' | 'cancelled';

export interface Counterparty {
  kind: 'fan' | 'merchant' | 'provider' | 'exchange';
  id: string | null;
  name: string;
}

export interface ActivityRecord {
  id: string;
  userId: string;
  type: ActivityType;
  asset: Asset;
  amount: bigint;
  status: ActivityStatus;
  counterparty: Counterparty | null;
  reference: string | null;
  note: string | null;
  transactionId: string | null;
  sourceId: string | null;
  createdAt: string;
  /** Exact (microsecond) creation time, for page cursors. */
  cursorAt: string;
}

interface Row {
  id: string;
  user_id: string;
  type: ActivityType;
  asset: Asset;
  amount: string;
  status: ActivityStatus;
  counterparty: Counterparty | string | null;
  reference: string | null;
  note: string | null;
  transaction_id: string | null;
  source_id: string | null;
  created_at: Date | string;
  cursor_at: string;
}

const COLUMNS =
  'id, user_id, type, asset, amount::text, status, counterparty, reference, note, transaction_id, source_id, created_at, created_at::text AS cursor_at';

/** The fan-facing history (a read model written in the same transaction as the ledger change). */
export class ActivityRepository {
  constructor(private readonly db: Database) {}

  async insert(
    q: Queryable,
    record: Omit<ActivityRecord, 'createdAt' | 'cursorAt'>,
  ): Promise<ActivityRecord> {
    const result = await q.query<Row>(
      `INSERT INTO wallet.activity (id, user_id, type, asset, amount, status, counterparty, reference, note, transaction_id, source_id)
       VALUES ($1, $2, $3, $4, $5::numeric, $6, $7::jsonb, $8, $9, $10, $11) RETURNING ${COLUMNS}`,
      [
        record.id,
        record.userId,
        record.type,
        record.asset,
        record.amount.toString(),
        record.status,
        record.counterparty ? JSON.stringify(record.counterparty) : null,
        record.reference,
        record.note,
        record.transactionId,
        record.sourceId,
      ],
    );
    return toRecord(result.rows[0]!);
  }

  /** Moves the pending row of a deposit or payment to its outcome. */
  async settle(
    q: Queryable,
    sourceId: string,
    changes: { status: ActivityStatus; amount?: bigint; transactionId?: string | null },
  ): Promise<void> {
    await q.query(
      `UPDATE wallet.activity SET status = $2, amount = coalesce($3::numeric, amount),
         transaction_id = coalesce($4, transaction_id), updated_at = now()
       WHERE source_id = $1 AND status = 'pending'`,
      [sourceId, changes.status, changes.amount?.toString() ?? null, changes.transactionId ?? null],
    );
  }

  async list(
    userId: string,
    limit: number,
    position: { after?: { createdAt: string; id: string }; offset?: number },
  ): Promise<ActivityRecord[]> {
    const result = await this.db.query<Row>(
      `SELECT ${COLUMNS} FROM wallet.activity
       WHERE user_id = $1 AND ($3::timestamptz IS NULL OR (created_at, id) < ($3::timestamptz, $4::uuid))
       ORDER BY created_at DESC, id DESC LIMIT $2 OFFSET $5`,
      [
        userId,
        limit + 1,
        position.after?.createdAt ?? null,
        position.after?.id ?? null,
        position.offset ?? 0,
      ],
    );
    return result.rows.map(toRecord);
  }

  async find(userId: string, id: string): Promise<ActivityRecord | undefined> {
    const result = await this.db.query<Row>(
      `SELECT ${COLUMNS} FROM wallet.activity WHERE user_id = $1 AND id = $2`,
      [userId, id],
    );
    return result.rows[0] ? toRecord(result.rows[0]) : undefined;
  }
}

function toRecord(row: Row): ActivityRecord {
  return {
    id: row.id,
    userId: row.user_id,
    type: row.type,
    asset: row.asset,
    amount: BigInt(row.amount),
    status: row.status,
    counterparty: typeof row.counterparty === 'string' ? JSON.parse(row.counterparty) : row.counterparty,
    reference: row.reference,
    note: row.note,
    transactionId: row.transaction_id,
    sourceId: row.source_id,
    createdAt: new Date(row.created_at).toISOString(),
    cursorAt: row.cursor_at,
  };
}

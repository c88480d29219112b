import type { Database, Queryable } from '@pcf/kernel';

export interface JournalTransaction {
  id: string;
  kind: string;
  reference: string | null;
  metadata: string;
  createdMicros: string;
  entries: { accountId: string; asset: string; amount: string }[];
}

/** SQL of the hash-chained journal and of the audit's recomputations. */
export class JournalRepository {
  constructor(private readonly db: Database) {}

  async lockHead(q: Queryable): Promise<{ position: number; hash: string }> {
    const result = await q.query<{ position: string; hash: string }>(
      'SELECT position::text, hash FROM wallet.journal_head FOR UPDATE',
    );
    const row = result.rows[0]!;
    return { position: Number(row.position), hash: row.hash };
  }

  /** Posted transactions not yet in the journal, oldest first, with their entries. */
  async unsealed(q: Queryable, limit: number): Promise<JournalTransaction[]> {
    const result = await q.query<{ id: string }>(
      `SELECT t.id FROM wallet.transactions t LEFT JOIN wallet.journal j ON j.transaction_id = t.id
       WHERE j.transaction_id IS NULL ORDER BY t.seq LIMIT $1`,
      [limit],
    );
    return this.#load(
      q,
      result.rows.map((r) => r.id),
    );
  }

  async appendSealed(
    q: Queryable,
    rows: { position: number; transactionId: string; prevHash: string; hash: string }[],
  ) {
    if (rows.length > 0) {
      // One statement for the whole batch (the sealer runs beside the load; a round trip per link would not keep up).
      await q.query(
        `INSERT INTO wallet.journal (position, transaction_id, prev_hash, hash)
         SELECT * FROM unnest($1::bigint[], $2::uuid[], $3::text[], $4::text[])`,
        [
          rows.map((r) => r.position),
          rows.map((r) => r.transactionId),
          rows.map((r) => r.prevHash),
          rows.map((r) => r.hash),
        ],
      );
    }
    const last = rows.at(-1);
    if (last)
      await q.query('UPDATE wallet.journal_head SET position = $1, hash = $2', [last.position, last.hash]);
  }

  /** The journal in order, a page at a time, with the transactions' current content. */
  async journalPage(afterPosition: number, limit: number) {
    const result = await this.db.query<{
      position: string;
      transaction_id: string;
      prev_hash: string;
      hash: string;
    }>(
      `SELECT j.position::text AS position, j.transaction_id, j.prev_hash, j.hash FROM wallet.journal j
       WHERE j.position > $1 ORDER BY j.position LIMIT $2`,
      [afterPosition, limit],
    );
    const transactions = new Map(
      (
        await this.#load(
          this.db,
          result.rows.map((r) => r.transaction_id),
        )
      ).map((t) => [t.id, t]),
    );
    return result.rows.map((r) => ({
      position: Number(r.position),
      prevHash: r.prev_hash,
      hash: r.hash,
      transaction: transactions.get(r.transaction_id),
      transactionId: r.transaction_id,
    }));
  }

  async head(): Promise<{ position: number; hash: string }> {
    const result = await this.db.query<{ position: string; hash: string }>(
      'SELECT position::text, hash FROM wallet.journal_head',
    );
    return { position: Number(result.rows[0]!.position), hash: result.rows[0]!.hash };
  }

  /** Accounts whose stored balances disagree with their entries and active holds. */
  async balanceMismatches() {
    const result = await this.db.query<{
      id: string;
      owner_type: string;
      owner_id: string;
      asset: string;
      posted: string;
      from_entries: string;
      pending: string;
      from_holds: string;
    }>(
      `SELECT a.id, a.owner_type, a.owner_id, a.asset, a.posted::text, coalesce(e.total, 0)::text AS from_entries,
              a.pending::text, coalesce(h.total, 0)::text AS from_holds
       FROM wallet.accounts a
       LEFT JOIN (SELECT account_id, sum(amount) AS total FROM wallet.entries GROUP BY account_id) e ON e.account_id = a.id
       LEFT JOIN (SELECT account_id, sum(amount) AS total FROM wallet.holds WHERE status = 'active' GROUP BY account_id) h
         ON h.account_id = a.id
       WHERE a.posted <> coalesce(e.total, 0) OR a.pending <> coalesce(h.total, 0)`,
    );
    return result.rows;
  }

  /** Σ entries per asset over the whole ledger (each must be 0), and per transaction. */
  async imbalances() {
    const perAsset = await this.db.query<{ asset: string; total: string }>(
      'SELECT asset, sum(amount)::text AS total FROM wallet.entries GROUP BY asset HAVING sum(amount) <> 0',
    );
    const perTransaction = await this.db.query<{ transaction_id: string; asset: string; total: string }>(
      `SELECT transaction_id, asset, sum(amount)::text AS total FROM wallet.entries
       GROUP BY transaction_id, asset HAVING sum(amount) <> 0 LIMIT 100`,
    );
    return { perAsset: perAsset.rows, perTransaction: perTransaction.rows };
  }

  async negativeFanAccounts() {
    const result = await this.db.query<{
      id: string;
      owner_id: string;
      asset: string;
      posted: string;
      pending: string;
    }>(
      `SELECT id, owner_id, asset, posted::text, pending::text FROM wallet.accounts
       WHERE owner_type = 'fan' AND (posted < 0 OR posted - pending < 0)`,
    );
    return result.rows;
  }

  async counts(): Promise<{ transactions: number; sealed: number }> {
    const result = await this.db.query<{ transactions: string; sealed: string }>(
      `SELECT (SELECT count(*) FROM wallet.transactions)::text AS transactions,
              (SELECT count(*) FROM wallet.journal)::text AS sealed`,
    );
    return { transactions: Number(result.rows[0]!.transactions), sealed: Number(result.rows[0]!.sealed) };
  }

  async #load(q: Queryable, ids: string[]): Promise<JournalTransaction[]> {
    if (ids.length === 0) return [];
    const transactions = await q.query<{
      id: string;
      kind: string;
      reference: string | null;
      metadata: string;
      created_micros: string;
    }>(
      `SELECT id, kind, reference, metadata::text AS metadata,
              floor(extract(epoch FROM created_at) * 1000000)::bigint::text AS created_micros
       FROM wallet.transactions WHERE id = ANY($1::uuid[]) ORDER BY seq`,
      [ids],
    );
    const entries = await q.query<{
      transaction_id: string;
      account_id: string;
      asset: string;
      amount: string;
    }>(
      `SELECT e.transaction_id, e.account_id, e.asset, e.amount::text AS amount FROM wallet.entries e
       WHERE e.transaction_id = ANY($1::uuid[]) ORDER BY e.id`,
      [ids],
    );
    const byTransaction = new Map<string, JournalTransaction['entries']>();
    for (const e of entries.rows) {
      const list = byTransaction.get(e.transaction_id) ?? [];
      list.push({ accountId: e.account_id, asset: e.asset, amount: e.amount });
      byTransaction.set(e.transaction_id, list);
    }
    return transactions.rows.map((t) => ({
      id: t.id,
      kind: t.kind,
      reference: t.reference,
      metadata: t.metadata,
      createdMicros: t.created_micros,
      entries: byTransaction.get(t.id) ?? [],
    }));
  }
}

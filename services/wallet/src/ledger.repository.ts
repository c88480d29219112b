import { type Asset, type Database, type EncodedEvent, idempotencyTable, type Queryable } from '@pcf/kernel';
import { balanceChanged } from './wallet.events.ts';

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

export interface AccountKey {
  ownerType: OwnerType;
  ownerId: string;
  asset: Asset;
}

/** An activity row written with a posted operation (status completed, created at the statement's time). */
export interface PostedActivity {
  id: string;
  userId: string;
  type: string;
  asset: Asset;
  amount: bigint;
  counterparty: unknown;
  reference: string | null;
  note: string | null;
}

/** Everything one operation writes, in one statement (see LedgerRepository.postOperation). */
export interface PostedOperation {
  operation: {
    scope: string;
    key: string;
    requestHash: string;
    result: unknown;
    /** Top-level field of result set to the statement's time (ISO, ms), like the activity rows' created_at. */
    stampField: string | null;
  };
  transaction: {
    id: string;
    kind: TransactionKind;
    reference: string | null;
    metadata: Record<string, unknown>;
  };
  postings: Posting[];
  activity: PostedActivity[];
  events: PostedEvents;
}

/** Where a one-statement operation writes its events: the outbox, and its wallet.transaction_posted row. */
export interface PostedEvents {
  outboxTable: string;
  /** Built and checked by Outbox.encode; its source is also the balance events' source. */
  transactionPosted: EncodedEvent;
}

/** Where balance events go when they are the only events of a statement. */
export interface BalanceEvents {
  outboxTable: string;
  source: string;
}

/** Constraint names the ledger's callers recognise. */
export const FAN_NOT_NEGATIVE = 'fan_accounts_never_negative';
/** The kernel's idempotency records in the wallet's schema, which the one-statement operations insert into. */
const OPERATION_RECORDS = idempotencyTable('wallet');

/** Accounts, transactions, entries and operation records: the ledger's SQL. */
/** A fan's balances after an operation, as the one-statement operations return them. */
export interface FanBalanceChange {
  userId: string;
  asset: Asset;
  posted: string;
  pending: string;
}

/** The stored result of a one-statement operation (null when it wrote nothing) and the fans' new balances. */
export interface StatementOutcome {
  result: unknown;
  changes: FanBalanceChange[];
}

/** ISO 8601 with milliseconds, as the API writes timestamps (for results stamped inside a statement). */
const ISO_MS = `'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'`;

/**
 * CTE writing `wallet.balance_changed` for every fan account in `moved`; `source` is a parameter like $13. The one
 * place that event's payload is built (every ledger write goes through it; wallet.events.ts declares its schema, and
 * a test checks the rows written against it). The topic name is a checked identifier (defineTopic), safe in SQL.
 */
function balanceEventsCte(outboxTable: string, source: string): string {
  return `balance_events AS (
         INSERT INTO ${outboxTable} (id, topic, source, payload, created_at)
         SELECT gen_random_uuid(), '${balanceChanged.name}', ${source},
                jsonb_build_object('userId', m.owner_id, 'asset', m.asset, 'posted', m.posted::text,
                                   'available', (m.posted - m.pending)::text), now()
         FROM moved m WHERE m.owner_type = 'fan')`;
}

/** Select-list item: the fans' new balances from `moved`, as JSON. */
const FAN_CHANGES = `(SELECT coalesce(json_agg(json_build_object('userId', m.owner_id, 'asset', m.asset,
                        'posted', m.posted::text, 'pending', m.pending::text)), '[]'::json)
                 FROM moved m WHERE m.owner_type = 'fan') AS changes`;

/** PGlite returns json columns as text, pg as values. */
function outcome(row: { result: unknown; changes: unknown }): StatementOutcome {
  const json = (value: unknown) => (typeof value === 'string' ? JSON.parse(value) : value);
  return { result: json(row.result) ?? null, changes: json(row.changes) as FanBalanceChange[] };
}

export class LedgerRepository {
  constructor(private readonly db: Database) {}

  /**
   * Ids of the accounts, creating missing ones at zero — in its own statement and transaction (an empty account
   * is not a movement of money), so the ids returned are committed and may be cached.
   */
  async ensureAccounts(keys: AccountKey[], newId: () => string): Promise<Map<string, string>> {
    const found = new Map<string, string>();
    for (let attempt = 0; attempt < 3 && found.size < keys.length; attempt++) {
      const missing = keys.filter((k) => !found.has(accountKey(k)));
      // The INSERT's RETURNING gives the accounts it created; the SELECT (statement snapshot) those that existed.
      // An account another transaction committed after the snapshot is in neither: the next attempt sees it.
      const result = await this.db.query<{
        id: string;
        owner_type: OwnerType;
        owner_id: string;
        asset: Asset;
      }>(
        `WITH wanted AS (
           SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[]) AS w(id, owner_type, owner_id, asset)),
         created AS (
           INSERT INTO wallet.accounts (id, owner_type, owner_id, asset)
           SELECT id, owner_type, owner_id, asset FROM wanted
           ON CONFLICT (owner_type, owner_id, asset) DO NOTHING RETURNING id, owner_type, owner_id, asset)
         SELECT id, owner_type, owner_id, asset FROM created
         UNION ALL
         SELECT a.id, a.owner_type, a.owner_id, a.asset FROM wallet.accounts a
         JOIN wanted w ON w.owner_type = a.owner_type AND w.owner_id = a.owner_id AND w.asset = a.asset`,
        [
          missing.map(() => newId()),
          missing.map((k) => k.ownerType),
          missing.map((k) => k.ownerId),
          missing.map((k) => k.asset),
        ],
      );
      for (const row of result.rows) {
        found.set(accountKey({ ownerType: row.owner_type, ownerId: row.owner_id, asset: row.asset }), row.id);
      }
    }
    if (found.size < keys.length) throw new Error('wallet accounts could not be created');
    return found;
  }

  /**
   * One statement (one round trip, its own transaction): claims the operation's key with its result, locks the
   * accounts in id order, moves their balances, and writes the transaction, its entries, the activity rows and the
   * outbox events. Locks are held only while the server runs it and commits, never across a network round trip.
   * A fan balance that would go negative violates FAN_NOT_NEGATIVE and a used key IDEMPOTENCY_KEY_CONSTRAINT: either error
   * leaves nothing written. Returns the stored result and the fans' new balances.
   */
  async postOperation(posted: PostedOperation): Promise<StatementOutcome> {
    const { operation, transaction, postings, activity, events } = posted;
    const result = await this.db.query<{ result: unknown; written: string; changes: unknown }>(
      `WITH clock AS (SELECT date_trunc('milliseconds', now()) AS at),
       legs AS (SELECT * FROM unnest($1::uuid[], $2::text[], $3::numeric[]) AS l(account_id, asset, amount)),
       op AS (
         INSERT INTO ${OPERATION_RECORDS} (scope, key, request_hash, result)
         SELECT $4, $5, $6, CASE WHEN $8::text IS NULL THEN $7::jsonb
           ELSE jsonb_set($7::jsonb, ARRAY[$8::text],
                          to_jsonb(to_char(clock.at AT TIME ZONE 'UTC', ${ISO_MS}))) END
         FROM clock RETURNING result),
       locked AS (
         SELECT a.id FROM wallet.accounts a WHERE a.id = ANY($1::uuid[]) ORDER BY a.id FOR NO KEY UPDATE),
       moved AS (
         UPDATE wallet.accounts a SET posted = a.posted + d.delta
         FROM (SELECT account_id, sum(amount) AS delta FROM legs GROUP BY account_id) d
         JOIN locked k ON k.id = d.account_id
         WHERE a.id = d.account_id
         RETURNING a.owner_type, a.owner_id, a.asset, a.posted, a.pending),
       txn AS (
         INSERT INTO wallet.transactions (id, kind, reference, metadata) VALUES ($9, $10, $11, $12::jsonb)
         RETURNING 1),
       entries AS (
         INSERT INTO wallet.entries (transaction_id, account_id, asset, amount)
         SELECT $9, account_id, asset, amount FROM legs RETURNING 1),
       activity AS (
         INSERT INTO wallet.activity
           (id, user_id, type, asset, amount, status, counterparty, reference, note, transaction_id, created_at)
         SELECT r.id, r.user_id, r.type, r.asset, r.amount::numeric, 'completed', r.counterparty, r.reference, r.note,
                $9, clock.at
         FROM jsonb_to_recordset($13::jsonb) AS r(id uuid, user_id uuid, type text, asset text, amount text,
                                                  counterparty jsonb, reference text, note text), clock
         RETURNING 1),
       posted_event AS (
         INSERT INTO ${events.outboxTable} (id, topic, source, payload, created_at)
         VALUES (gen_random_uuid(), $16, $14, $15::jsonb, now()) RETURNING 1),
       ${balanceEventsCte(events.outboxTable, '$14')}
       -- Evaluated left to right: the key is claimed first (a duplicate stops before locking anything), the rows
       -- that need no lock are written next, and the accounts are locked and moved last, just before the commit.
       SELECT (SELECT result FROM op) AS result,
              (SELECT count(*) FROM txn) + (SELECT count(*) FROM entries) + (SELECT count(*) FROM activity)
                + (SELECT count(*) FROM posted_event) AS written,
              ${FAN_CHANGES}`,
      [
        postings.map((p) => p.accountId),
        postings.map((p) => p.asset),
        postings.map((p) => p.amount.toString()),
        operation.scope,
        operation.key,
        operation.requestHash,
        JSON.stringify(operation.result),
        operation.stampField,
        transaction.id,
        transaction.kind,
        transaction.reference,
        JSON.stringify(transaction.metadata),
        JSON.stringify(
          activity.map((a) => ({
            id: a.id,
            user_id: a.userId,
            type: a.type,
            asset: a.asset,
            amount: a.amount.toString(),
            counterparty: a.counterparty,
            reference: a.reference,
            note: a.note,
          })),
        ),
        events.transactionPosted.source,
        events.transactionPosted.payload,
        events.transactionPosted.topic,
      ],
    );
    return outcome(result.rows[0]!);
  }

  /**
   * A hold's capture in one statement, like postOperation (in the caller's transaction, see Ledger.captureHold):
   * marks the hold
   * captured — only if it is still active, unexpired and at least the captured amount, which also takes the hold's
   * row lock, so a capture and a void (or a second capture) of one hold have exactly one winner — then claims the
   * operation's key with its result, writes the transaction, its entries, the history row's outcome and the outbox
   * events, and locks and moves the accounts (posted and pending) last, in id order, just before the commit.
   * Every write depends on the hold's update: when the hold is no longer capturable nothing is written and the
   * result is null. A used key fails on IDEMPOTENCY_KEY_CONSTRAINT with nothing written.
   */
  async captureHold(
    q: Queryable,
    capture: {
      holdId: string;
      captured: bigint;
      operation: { scope: string; key: string; requestHash: string; result: unknown };
      transaction: { id: string; reference: string | null; metadata: Record<string, unknown> };
      postings: Posting[];
      /** Balance moves per account: posted and pending deltas (the hold's release is a negative pending). */
      moves: { accountId: string; posted: bigint; pending: bigint }[];
      events: PostedEvents;
    },
  ): Promise<StatementOutcome | null> {
    const { operation, transaction, postings, moves, events } = capture;
    const result = await q.query<{ result: unknown; changes: unknown }>(
      `WITH legs AS (SELECT * FROM unnest($1::uuid[], $2::text[], $3::numeric[]) AS l(account_id, asset, amount)),
       hold AS (
         UPDATE wallet.holds SET status = 'captured', captured = $5::numeric, updated_at = now()
         WHERE id = $4 AND status = 'active' AND expires_at > now() AND amount >= $5::numeric
         RETURNING id),
       op AS (
         INSERT INTO ${OPERATION_RECORDS} (scope, key, request_hash, result)
         SELECT $6, $7, $8, $9::jsonb FROM hold RETURNING result),
       txn AS (
         INSERT INTO wallet.transactions (id, kind, reference, metadata)
         SELECT $10, 'payment', $11, $12::jsonb FROM op RETURNING id),
       entries AS (
         INSERT INTO wallet.entries (transaction_id, account_id, asset, amount)
         SELECT txn.id, l.account_id, l.asset, l.amount FROM txn, legs l RETURNING 1),
       activity AS (
         UPDATE wallet.activity a SET status = 'completed', amount = -$5::numeric, transaction_id = txn.id,
           updated_at = now()
         FROM txn WHERE a.source_id = $4 AND a.status = 'pending'
         RETURNING 1),
       posted_event AS (
         INSERT INTO ${events.outboxTable} (id, topic, source, payload, created_at)
         SELECT gen_random_uuid(), $18, $13, $14::jsonb, now() FROM txn RETURNING 1),
       locked AS (
         SELECT a.id FROM wallet.accounts a WHERE a.id = ANY($15::uuid[]) AND EXISTS (SELECT 1 FROM txn)
         ORDER BY a.id FOR NO KEY UPDATE),
       moved AS (
         UPDATE wallet.accounts a SET posted = a.posted + m.posted, pending = a.pending + m.pending
         FROM unnest($15::uuid[], $16::numeric[], $17::numeric[]) AS m(account_id, posted, pending)
         JOIN locked k ON k.id = m.account_id
         WHERE a.id = m.account_id
         RETURNING a.owner_type, a.owner_id, a.asset, a.posted, a.pending),
       ${balanceEventsCte(events.outboxTable, '$13')}
       -- Evaluated left to right: the hold first (a hold no longer capturable stops everything), then the key (a
       -- duplicate stops before locking any account), the rows that need no account lock, and the accounts last.
       SELECT (SELECT result FROM op) AS result,
              (SELECT count(*) FROM entries) + (SELECT count(*) FROM activity)
                + (SELECT count(*) FROM posted_event) AS written,
              ${FAN_CHANGES}`,
      [
        postings.map((p) => p.accountId),
        postings.map((p) => p.asset),
        postings.map((p) => p.amount.toString()),
        capture.holdId,
        capture.captured.toString(),
        operation.scope,
        operation.key,
        operation.requestHash,
        JSON.stringify(operation.result),
        transaction.id,
        transaction.reference,
        JSON.stringify(transaction.metadata),
        events.transactionPosted.source,
        events.transactionPosted.payload,
        moves.map((m) => m.accountId),
        moves.map((m) => m.posted.toString()),
        moves.map((m) => m.pending.toString()),
        events.transactionPosted.topic,
      ],
    );
    const done = outcome(result.rows[0]!);
    return done.result === null ? null : done;
  }

  /**
   * A hold in one statement (one round trip, its own transaction): claims the operation's key with its result
   * (expiresAt stamped with the hold's expiry), inserts the hold and its pending history row, then locks the fan's
   * account and reserves the amount last, just before the commit. A reservation beyond the available balance
   * violates FAN_NOT_NEGATIVE and a used key IDEMPOTENCY_KEY_CONSTRAINT: either error leaves nothing written.
   */
  async holdFunds(hold: {
    operation: { scope: string; key: string; requestHash: string; result: unknown };
    id: string;
    accountId: string;
    userId: string;
    asset: Asset;
    amount: bigint;
    merchant: string;
    reference: string | null;
    ttlSeconds: number;
    activity: { id: string; counterparty: unknown };
    events: BalanceEvents;
  }): Promise<StatementOutcome> {
    const { operation, events } = hold;
    const result = await this.db.query<{ result: unknown; changes: unknown }>(
      `WITH clock AS (SELECT date_trunc('milliseconds', now()) + $10::float8 * interval '1 second' AS expires),
       op AS (
         INSERT INTO ${OPERATION_RECORDS} (scope, key, request_hash, result)
         SELECT $1, $2, $3, jsonb_set($4::jsonb, '{expiresAt}',
                  to_jsonb(to_char(clock.expires AT TIME ZONE 'UTC', ${ISO_MS})))
         FROM clock RETURNING result),
       hold AS (
         INSERT INTO wallet.holds (id, account_id, user_id, asset, amount, merchant, status, reference, expires_at)
         SELECT $5, $6, $7, $8, $9::numeric, $11, 'active', $12, clock.expires FROM clock, op RETURNING id),
       activity AS (
         INSERT INTO wallet.activity
           (id, user_id, type, asset, amount, status, counterparty, reference, note, transaction_id, source_id)
         SELECT $13, $7, 'payment', $8, -$9::numeric, 'pending', $14::jsonb, $12, NULL, NULL, hold.id FROM hold
         RETURNING 1),
       locked AS (
         SELECT a.id FROM wallet.accounts a WHERE a.id = $6 AND EXISTS (SELECT 1 FROM hold) FOR NO KEY UPDATE),
       moved AS (
         UPDATE wallet.accounts a SET pending = a.pending + $9::numeric FROM locked k WHERE a.id = k.id
         RETURNING a.owner_type, a.owner_id, a.asset, a.posted, a.pending),
       ${balanceEventsCte(events.outboxTable, '$15')}
       -- Evaluated left to right: the key first, then the hold and its history row, the fan's account last.
       SELECT (SELECT result FROM op) AS result,
              (SELECT count(*) FROM activity) AS written,
              ${FAN_CHANGES}`,
      [
        operation.scope,
        operation.key,
        operation.requestHash,
        JSON.stringify(operation.result),
        hold.id,
        hold.accountId,
        hold.userId,
        hold.asset,
        hold.amount.toString(),
        hold.ttlSeconds,
        hold.merchant,
        hold.reference,
        hold.activity.id,
        JSON.stringify(hold.activity.counterparty),
        events.source,
      ],
    );
    return outcome(result.rows[0]!);
  }

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

  /**
   * Writes `wallet.balance_changed` for these accounts (fan accounts only) from their balances as q sees them, in
   * q's transaction: for multi-statement changes (Ledger.apply), with the same SQL as the one-statement operations.
   */
  async writeBalanceEvents(q: Queryable, events: BalanceEvents, accountIds: string[]): Promise<void> {
    if (accountIds.length === 0) return;
    await q.query(
      `WITH moved AS (
         SELECT owner_type, owner_id, asset, posted, pending FROM wallet.accounts WHERE id = ANY($1::uuid[])
         ORDER BY id),
       ${balanceEventsCte(events.outboxTable, '$2')}
       SELECT 1`,
      [accountIds, events.source],
    );
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
}

export function accountKey(k: AccountKey): string {
  return `${k.ownerType}|${k.ownerId}|${k.asset}`;
}

function balance(
  accountId: string,
  row: { posted: string; pending: string } | undefined,
): AccountBalance | undefined {
  return row ? { accountId, posted: BigInt(row.posted), pending: BigInt(row.pending) } : undefined;
}

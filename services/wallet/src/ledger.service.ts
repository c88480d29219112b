import { randomUUID } from 'node:crypto';
import type { Asset, Outbox, PayloadOf, Queryable } from '@pcf/kernel';
import {
  type AccountBalance,
  type AccountKey,
  accountKey,
  FAN_NOT_NEGATIVE,
  type FanBalanceChange,
  type LedgerRepository,
  type OwnerType,
  type PostedActivity,
  type Posting,
  type TransactionKind,
} from './ledger.repository.ts';
import { insufficientFunds } from './wallet.errors.ts';
import { transactionPosted } from './wallet.events.ts';

export interface Leg {
  ownerType: OwnerType;
  ownerId: string;
  asset: Asset;
  /** Signed minor units: negative leaves the account, positive enters it. */
  amount: bigint;
}

export interface BalanceChange {
  userId: string;
  asset: Asset;
  posted: bigint;
  available: bigint;
}

/** Per-account adjustment to apply with the legs (holds being released or created). */
export interface Reservation {
  ownerType: OwnerType;
  ownerId: string;
  asset: Asset;
  /** Positive reserves (hold), negative releases. */
  amount: bigint;
}

/**
 * Posts balanced transactions. Accounts are locked in id order (no deadlocks between opposite transfers);
 * a fan debit that would make the available balance negative refuses the whole transaction.
 */
export class Ledger {
  /**
   * (owner, asset) → account id, for accounts known to be committed. Accounts are never deleted and their key never
   * changes, so an entry never goes stale; bounded by dropping the oldest entries.
   */
  readonly #accountIds = new Map<string, string>();
  static readonly #CACHED_ACCOUNTS = 200_000;

  constructor(
    private readonly repository: LedgerRepository,
    private readonly outbox: Outbox,
  ) {}

  async accountOf(q: Queryable, ownerType: OwnerType, ownerId: string, asset: Asset): Promise<string> {
    const cached = this.#accountIds.get(accountKey({ ownerType, ownerId, asset }));
    if (cached) return cached;
    // Inside the caller's transaction: if it rolls back, so does the account, so the id is not cached here.
    return this.repository.ensureAccount(q, ownerType, ownerId, asset, randomUUID());
  }

  /** Committed ids of these accounts (created at zero when missing, in their own statement); cached. */
  async accountIds(keys: AccountKey[]): Promise<string[]> {
    const missing = keys.filter((k) => !this.#accountIds.has(accountKey(k)));
    if (missing.length > 0) {
      const created = await this.repository.ensureAccounts(missing, randomUUID);
      for (const [key, id] of created) {
        if (this.#accountIds.size >= Ledger.#CACHED_ACCOUNTS) {
          const oldest = this.#accountIds.keys().next().value;
          if (oldest !== undefined) this.#accountIds.delete(oldest);
        }
        this.#accountIds.set(key, id);
      }
    }
    return keys.map((k) => this.#accountIds.get(accountKey(k))!);
  }

  /**
   * Posts a balanced transaction together with its activity rows, its events and its idempotency record, in one
   * statement (LedgerRepository.postOperation). The result is stored under (scope, key): a used key fails with the
   * repository's unique violation on IDEMPOTENCY_KEY_CONSTRAINT (the kernel's), for Operations.runAtomic to replay.
   */
  async postOperation(change: {
    operation: {
      scope: string;
      key: string;
      requestHash: string;
      result: unknown;
      stampField: string | null;
    };
    transactionId: string;
    kind: TransactionKind;
    reference: string | null;
    metadata?: Record<string, unknown>;
    legs: Leg[];
    activity: PostedActivity[];
  }): Promise<{ result: unknown; changes: BalanceChange[] }> {
    const ids = await this.accountIds(change.legs);
    const postings = change.legs.map((leg, i) => ({
      accountId: ids[i]!,
      asset: leg.asset,
      amount: leg.amount,
    }));
    try {
      const { result, changes } = await this.repository.postOperation({
        operation: change.operation,
        transaction: {
          id: change.transactionId,
          kind: change.kind,
          reference: change.reference,
          metadata: change.metadata ?? {},
        },
        postings,
        activity: change.activity,
        events: {
          outboxTable: this.outbox.table,
          transactionPosted: this.outbox.encode(
            transactionPosted,
            postedPayload(change.transactionId, change.kind, change.reference, change.legs),
          ),
        },
      });
      return {
        result,
        changes: changes.map(toBalanceChange),
      };
    } catch (error) {
      if (isCheckViolation(error, FAN_NOT_NEGATIVE)) {
        const debit = change.legs.find((l) => l.ownerType === 'fan' && l.amount < 0n);
        throw insufficientFunds(debit?.asset ?? change.legs[0]!.asset);
      }
      throw error;
    }
  }

  /**
   * Reserves funds for a new hold in one statement (LedgerRepository.holdFunds): the operation's result (its
   * expiresAt stamped with the hold's expiry), the hold, its pending history row, the fan's reservation and the
   * balance event. Beyond the available balance: insufficient_funds, nothing written; a used key fails with the
   * repository's unique violation on IDEMPOTENCY_KEY_CONSTRAINT (the kernel's).
   */
  async holdFunds(change: {
    operation: { scope: string; key: string; requestHash: string; result: unknown };
    holdId: string;
    userId: string;
    asset: Asset;
    amount: bigint;
    merchant: string;
    reference: string | null;
    ttlSeconds: number;
    activity: { id: string; counterparty: unknown };
  }): Promise<{ result: unknown; changes: BalanceChange[] }> {
    const [accountId] = await this.accountIds([
      { ownerType: 'fan', ownerId: change.userId, asset: change.asset },
    ]);
    try {
      const { result, changes } = await this.repository.holdFunds({
        operation: change.operation,
        id: change.holdId,
        accountId: accountId!,
        userId: change.userId,
        asset: change.asset,
        amount: change.amount,
        merchant: change.merchant,
        reference: change.reference,
        ttlSeconds: change.ttlSeconds,
        activity: change.activity,
        events: { outboxTable: this.outbox.table, source: this.outbox.source },
      });
      return {
        result,
        changes: changes.map(toBalanceChange),
      };
    } catch (error) {
      if (isCheckViolation(error, FAN_NOT_NEGATIVE)) throw insufficientFunds(change.asset);
      throw error;
    }
  }

  /**
   * Captures a hold in one statement (LedgerRepository.captureHold): the payment (fan −captured, the merchant's
   * settlement account +captured), the release of the whole reservation, the hold, its history row, the events and
   * the operation's result. Null when the hold is no longer capturable (nothing written); a used key fails with
   * the repository's unique violation on IDEMPOTENCY_KEY_CONSTRAINT (the kernel's).
   *
   * The statement runs in a transaction of its own (BEGIN, the statement, COMMIT) rather than alone: a statement
   * sent on its own commits even if this process dies while PostgreSQL runs it, and a capture the caller was told
   * failed (its connection to us broke) would then stand — the shop would fail the order and refund it only later.
   * With the COMMIT sent after the statement's answer, a process that dies first leaves nothing, as the
   * multi-statement capture did. The accounts are still locked last and held only until that COMMIT.
   */
  async captureHold(
    transaction: <T>(fn: (tx: Queryable) => Promise<T>) => Promise<T>,
    change: {
      operation: { scope: string; key: string; requestHash: string; result: unknown };
      hold: {
        id: string;
        userId: string;
        asset: Asset;
        amount: bigint;
        merchant: string;
        reference: string | null;
      };
      settlement: string;
      captured: bigint;
      transactionId: string;
    },
  ): Promise<{ result: unknown; changes: BalanceChange[] } | null> {
    const { hold, captured } = change;
    const legs: Leg[] = [
      { ownerType: 'fan', ownerId: hold.userId, asset: hold.asset, amount: -captured },
      { ownerType: 'system', ownerId: change.settlement, asset: hold.asset, amount: captured },
    ];
    const [fanId, settlementId] = await this.accountIds(legs);
    // The account ids were resolved above, in their own statement: never inside the transaction.
    const done = await transaction((tx) =>
      this.repository.captureHold(tx, {
        holdId: hold.id,
        captured,
        operation: change.operation,
        transaction: {
          id: change.transactionId,
          reference: hold.reference,
          metadata: { holdId: hold.id, merchant: hold.merchant },
        },
        postings: [
          { accountId: fanId!, asset: hold.asset, amount: -captured },
          { accountId: settlementId!, asset: hold.asset, amount: captured },
        ],
        moves: [
          { accountId: fanId!, posted: -captured, pending: -hold.amount },
          { accountId: settlementId!, posted: captured, pending: 0n },
        ],
        events: {
          outboxTable: this.outbox.table,
          transactionPosted: this.outbox.encode(
            transactionPosted,
            postedPayload(change.transactionId, 'payment', hold.reference, legs),
          ),
        },
      }),
    );
    if (!done) return null;
    return {
      result: done.result,
      changes: done.changes.map(toBalanceChange),
    };
  }

  /** Applies reservations and legs atomically; returns the new fan balances to announce. */
  async apply(
    q: Queryable,
    change: {
      kind?: TransactionKind;
      reference?: string | null;
      metadata?: Record<string, unknown>;
      legs?: Leg[];
      reservations?: Reservation[];
    },
  ): Promise<{ transactionId: string | null; changes: BalanceChange[] }> {
    const legs = change.legs ?? [];
    const reservations = change.reservations ?? [];
    const accounts = new Map<string, { ownerType: OwnerType; ownerId: string; asset: Asset }>();
    const postings: Posting[] = [];
    const reserved: { accountId: string; amount: bigint; asset: Asset }[] = [];
    for (const leg of legs) {
      const accountId = await this.accountOf(q, leg.ownerType, leg.ownerId, leg.asset);
      accounts.set(accountId, leg);
      postings.push({ accountId, asset: leg.asset, amount: leg.amount });
    }
    for (const r of reservations) {
      const accountId = await this.accountOf(q, r.ownerType, r.ownerId, r.asset);
      accounts.set(accountId, r);
      reserved.push({ accountId, amount: r.amount, asset: r.asset });
    }
    await this.repository.lockAccounts(q, [...accounts.keys()].sort());

    const after = new Map<string, AccountBalance>();
    for (const r of reserved.filter((x) => x.amount < 0))
      after.set(r.accountId, await this.repository.release(q, r.accountId, -r.amount));
    for (const p of [...postings].sort((a, b) => (a.accountId < b.accountId ? -1 : 1))) {
      const result = await this.repository.post(q, p.accountId, p.amount);
      if (!result) throw insufficientFunds(p.asset);
      after.set(p.accountId, result);
    }
    for (const r of reserved.filter((x) => x.amount > 0)) {
      const result = await this.repository.reserve(q, r.accountId, r.amount);
      if (!result) throw insufficientFunds(r.asset);
      after.set(r.accountId, result);
    }

    let transactionId: string | null = null;
    if (postings.length > 0) {
      transactionId = randomUUID();
      const kind = change.kind ?? 'transfer';
      await this.repository.insertTransaction(
        q,
        { id: transactionId, kind, reference: change.reference ?? null, metadata: change.metadata ?? {} },
        postings,
      );
      await this.outbox.publish(
        q,
        transactionPosted,
        postedPayload(transactionId, kind, change.reference ?? null, legs),
      );
    }

    const changes: BalanceChange[] = [];
    const fanAccounts: string[] = [];
    for (const [accountId, balance] of after) {
      const owner = accounts.get(accountId)!;
      if (owner.ownerType !== 'fan') continue;
      fanAccounts.push(accountId);
      changes.push({
        userId: owner.ownerId,
        asset: owner.asset,
        posted: balance.posted,
        available: balance.posted - balance.pending,
      });
    }
    // The balance events' payload is built by the repository's SQL, as in the one-statement operations.
    await this.repository.writeBalanceEvents(
      q,
      { outboxTable: this.outbox.table, source: this.outbox.source },
      fanAccounts,
    );
    return { transactionId, changes };
  }
}

/** The wallet.transaction_posted payload: the one place it is built (amounts as signed minor-unit strings). */
function postedPayload(
  transactionId: string,
  kind: TransactionKind,
  reference: string | null,
  legs: Leg[],
): PayloadOf<typeof transactionPosted> {
  return {
    transactionId,
    kind,
    reference,
    entries: legs.map((l) => ({
      ownerType: l.ownerType,
      ownerId: l.ownerId,
      asset: l.asset,
      amount: l.amount.toString(),
    })),
  };
}

/** PostgreSQL check_violation (23514) of the named constraint, from pg or PGlite. */
function isCheckViolation(error: unknown, constraint: string): boolean {
  const e = error as { code?: unknown; constraint?: unknown } | null;
  return e?.code === '23514' && e.constraint === constraint;
}

/** A fan's balances as a statement returns them (decimal text) → the notifier's change. */
function toBalanceChange(c: FanBalanceChange): BalanceChange {
  return {
    userId: c.userId,
    asset: c.asset,
    posted: BigInt(c.posted),
    available: BigInt(c.posted) - BigInt(c.pending),
  };
}

import { randomUUID } from 'node:crypto';
import type { Asset, Outbox, Queryable } from '@pcf/kernel';
import {
  type AccountBalance,
  type AccountKey,
  accountKey,
  FAN_NOT_NEGATIVE,
  type LedgerRepository,
  type OwnerType,
  type PostedActivity,
  type Posting,
  type TransactionKind,
} from './ledger.repository.ts';
import { insufficientFunds } from './wallet.errors.ts';

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
   * repository's unique violation on OPERATIONS_KEY, for Operations.runAtomic to replay.
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
          source: this.outbox.source,
          transactionPosted: {
            transactionId: change.transactionId,
            kind: change.kind,
            reference: change.reference,
            entries: change.legs.map((l) => ({
              ownerType: l.ownerType,
              ownerId: l.ownerId,
              asset: l.asset,
              amount: l.amount.toString(),
            })),
          },
        },
      });
      return {
        result,
        changes: changes.map((c) => ({
          userId: c.userId,
          asset: c.asset,
          posted: BigInt(c.posted),
          available: BigInt(c.posted) - BigInt(c.pending),
        })),
      };
    } catch (error) {
      if (isCheckViolation(error, FAN_NOT_NEGATIVE)) {
        const debit = change.legs.find((l) => l.ownerType === 'fan' && l.amount < 0n);
        throw insufficientFunds(debit?.asset ?? change.legs[0]!.asset);
      }
      throw error;
    }
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
      await this.outbox.add(q, 'wallet.transaction_posted', {
        transactionId,
        kind,
        reference: change.reference ?? null,
        entries: legs.map((l) => ({
          ownerType: l.ownerType,
          ownerId: l.ownerId,
          asset: l.asset,
          amount: l.amount.toString(),
        })),
      });
    }

    const changes: BalanceChange[] = [];
    for (const [accountId, balance] of after) {
      const owner = accounts.get(accountId)!;
      if (owner.ownerType !== 'fan') continue;
      const entry = {
        userId: owner.ownerId,
        asset: owner.asset,
        posted: balance.posted,
        available: balance.posted - balance.pending,
      };
      changes.push(entry);
      await this.outbox.add(q, 'wallet.balance_changed', {
        userId: entry.userId,
        asset: entry.asset,
        posted: entry.posted.toString(),
        available: entry.available.toString(),
      });
    }
    return { transactionId, changes };
  }
}

/** PostgreSQL check_violation (23514) of the named constraint, from pg or PGlite. */
function isCheckViolation(error: unknown, constraint: string): boolean {
  const e = error as { code?: unknown; constraint?: unknown } | null;
  return e?.code === '23514' && e.constraint === constraint;
}

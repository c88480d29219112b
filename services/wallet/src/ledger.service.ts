import { randomUUID } from 'node:crypto';
import type { Asset, Outbox, Queryable } from '@pcf/kernel';
import type {
  AccountBalance,
  LedgerRepository,
  OwnerType,
  Posting,
  TransactionKind,
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
  constructor(
    private readonly repository: LedgerRepository,
    private readonly outbox: Outbox,
  ) {}

  accountOf(q: Queryable, ownerType: OwnerType, ownerId: string, asset: Asset): Promise<string> {
    return this.repository.ensureAccount(q, ownerType, ownerId, asset, randomUUID());
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

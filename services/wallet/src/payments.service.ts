import { randomUUID } from 'node:crypto';
import { formatMinor, parseMoney, type Queryable } from '@pcf/kernel';
import type { ActivityRepository } from './activity.repository.ts';
import type { BalanceChange, Ledger } from './ledger.service.ts';
import type { Operations } from './operations.ts';
import type { HoldRecord, PaymentsRepository } from './payments.repository.ts';
import {
  captureTooLarge,
  holdNotActive,
  holdNotFound,
  notCaptured,
  refundTooLarge,
} from './wallet.errors.ts';
import type { CreditRequest, CreditView, HoldRequest, HoldView, WalletPort } from './wallet.port.ts';

export interface PaymentsServiceDeps {
  ledger: Ledger;
  activity: ActivityRepository;
  payments: PaymentsRepository;
  operations: Operations;
  /** Outside any transaction: single statements. */
  db: Queryable;
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  notify(changes: BalanceChange[]): void;
  holdTtlSeconds: number;
}

const settlement = (merchant: string) => `settlement:${merchant}`;

/** The payment port: what shop, tickets and eSIM call to charge, refund and reward fans. */
export class PaymentsService implements WalletPort {
  constructor(private readonly deps: PaymentsServiceDeps) {}

  /**
   * One statement (Ledger.holdFunds): the key, the hold, its pending history row, then the fan's reservation
   * (refused beyond the available balance), with the fan's account locked last, right before the commit.
   */
  async hold(request: HoldRequest): Promise<HoldView> {
    const amount = parseMoney(request.amount, request.asset);
    const ttl = request.ttlSeconds ?? this.deps.holdTtlSeconds;
    const normalized = { ...request, amount: amount.minor, ttlSeconds: ttl };
    return this.deps.operations.runAtomic(
      `hold:${request.merchant}`,
      request.idempotencyKey,
      normalized,
      async (operation) => {
        const holdId = randomUUID();
        const reference = request.reference ?? null;
        const result = view(
          {
            id: holdId,
            userId: request.userId,
            asset: amount.asset,
            amount: amount.minor,
            captured: 0n,
            refunded: 0n,
            merchant: request.merchant,
            status: 'active',
            reference,
            // Stamped by the statement with the hold's expiry.
            expiresAt: '',
            expired: false,
          },
          null,
        );
        const { result: stored, changes } = await this.deps.ledger.holdFunds({
          operation: { ...operation, result },
          holdId,
          userId: request.userId,
          asset: amount.asset,
          amount: amount.minor,
          merchant: request.merchant,
          reference,
          ttlSeconds: ttl,
          activity: {
            id: randomUUID(),
            counterparty: { kind: 'merchant', id: request.merchant, name: request.merchant },
          },
        });
        return { result: stored as HoldView, changes };
      },
    );
  }

  /**
   * One statement (Ledger.captureHold): the hold, the payment, the release, the history row, the events and the
   * result, with the fan's and the merchant's settlement accounts locked last, right before the commit — so the
   * settlement account every capture of a merchant credits is held for well under a millisecond per capture.
   * The hold is read first without a lock (what is read — owner, asset, amount, merchant — never changes); the
   * statement captures it only if it is still active, unexpired and large enough, under its row lock.
   */
  async capture(request: { idempotencyKey: string; holdId: string; amount?: string }): Promise<HoldView> {
    const notCapturable = async (): Promise<Error> => {
      const hold = await this.deps.payments.findHold(this.deps.db, request.holdId);
      if (!hold) return holdNotFound();
      // Past its expiry but not yet swept: already as good as released.
      if (hold.status === 'active' && hold.expired) return holdNotActive('expired');
      if (hold.status !== 'active') return holdNotActive(hold.status);
      return new Error(`capture of hold ${hold.id}: the hold is active but was not captured`);
    };
    return this.deps.operations.runGuarded(
      `capture:${request.holdId}`,
      request.idempotencyKey,
      request,
      async (operation) => {
        const hold = await this.deps.payments.findHold(this.deps.db, request.holdId);
        if (hold?.status !== 'active' || hold.expired) return undefined;
        const amount =
          request.amount === undefined ? hold.amount : parseMoney(request.amount, hold.asset).minor;
        if (amount > hold.amount) throw captureTooLarge();
        const transactionId = randomUUID();
        const result = view({ ...hold, status: 'captured', captured: amount }, transactionId);
        const done = await this.deps.ledger.captureHold(this.deps.transaction, {
          operation: { ...operation, result },
          hold,
          settlement: settlement(hold.merchant),
          captured: amount,
          transactionId,
        });
        return done ? { result: done.result as HoldView, changes: done.changes } : undefined;
      },
      notCapturable,
    );
  }

  async void(request: { idempotencyKey: string; holdId: string }): Promise<HoldView> {
    return this.deps.operations.run(`void:${request.holdId}`, request.idempotencyKey, request, async (tx) => {
      const hold = await this.#activeHold(tx, request.holdId);
      return this.#release(tx, hold, 'voided');
    });
  }

  async refund(request: {
    idempotencyKey: string;
    holdId: string;
    amount: string;
    reason?: string;
  }): Promise<HoldView> {
    return this.deps.operations.run(
      `refund:${request.holdId}`,
      request.idempotencyKey,
      request,
      async (tx) => {
        const hold = await this.deps.payments.lockHold(tx, request.holdId);
        if (!hold) throw holdNotFound();
        if (hold.status !== 'captured') throw notCaptured();
        const amount = parseMoney(request.amount, hold.asset).minor;
        if (hold.refunded + amount > hold.captured) throw refundTooLarge();
        const { transactionId, changes } = await this.deps.ledger.apply(tx, {
          kind: 'refund',
          reference: hold.reference,
          metadata: { holdId: hold.id, reason: request.reason ?? null },
          legs: [
            { ownerType: 'system', ownerId: settlement(hold.merchant), asset: hold.asset, amount: -amount },
            { ownerType: 'fan', ownerId: hold.userId, asset: hold.asset, amount },
          ],
        });
        const refunded = await this.deps.payments.updateHold(tx, hold.id, {
          refunded: hold.refunded + amount,
        });
        await this.deps.activity.insert(tx, {
          id: randomUUID(),
          userId: hold.userId,
          type: 'refund',
          asset: hold.asset,
          amount,
          status: 'completed',
          counterparty: { kind: 'merchant', id: hold.merchant, name: hold.merchant },
          reference: hold.reference,
          note: request.reason ?? null,
          transactionId,
          sourceId: null,
        });
        return { result: view(refunded, transactionId), changes };
      },
    );
  }

  /**
   * One statement (Ledger.postOperation): the pool and the fan are locked only while the server runs it, so a
   * pool every credit comes from (a hot account) is held for well under a millisecond per credit.
   */
  async credit(request: CreditRequest): Promise<CreditView> {
    const amount = parseMoney(request.amount, request.asset);
    const pool = `cashback_pool:${request.partnerId ?? 'platform'}`;
    const normalized = { ...request, amount: amount.minor };
    return this.deps.operations.runAtomic(
      `credit:${request.reason}`,
      request.idempotencyKey,
      normalized,
      async (operation) => {
        const transactionId = randomUUID();
        const view: CreditView = {
          transactionId,
          userId: request.userId,
          amount: formatMinor(amount.minor, amount.asset),
          asset: amount.asset,
        };
        const { result, changes } = await this.deps.ledger.postOperation({
          operation: { ...operation, result: view, stampField: null },
          transactionId,
          kind: 'credit',
          reference: request.reference ?? null,
          metadata: { reason: request.reason, partnerId: request.partnerId ?? null },
          legs: [
            { ownerType: 'system', ownerId: pool, asset: amount.asset, amount: -amount.minor },
            { ownerType: 'fan', ownerId: request.userId, asset: amount.asset, amount: amount.minor },
          ],
          activity: [
            {
              id: randomUUID(),
              userId: request.userId,
              type: 'cashback',
              asset: amount.asset,
              amount: amount.minor,
              counterparty: { kind: 'merchant', id: request.partnerId ?? null, name: 'Cashback' },
              reference: request.reference ?? null,
              note: null,
            },
          ],
        });
        return { result: result as CreditView, changes };
      },
    );
  }

  async getHold(holdId: string): Promise<HoldView | null> {
    const hold = await this.deps.transaction((tx) => this.deps.payments.findHold(tx, holdId));
    return hold ? view(hold, null) : null;
  }

  /** Releases every hold past its expiry; returns how many. */
  async expireHolds(batch = 100): Promise<number> {
    const ids = await this.deps.transaction((tx) => this.deps.payments.expiredHoldIds(tx, batch));
    let expired = 0;
    for (const id of ids) {
      const changes = await this.deps.transaction(async (tx) => {
        const hold = await this.deps.payments.lockHold(tx, id);
        if (hold?.status !== 'active' || !hold.expired) return [];
        expired++;
        return (await this.#release(tx, hold, 'expired')).changes;
      });
      this.deps.notify(changes);
    }
    return expired;
  }

  async #activeHold(tx: Queryable, holdId: string): Promise<HoldRecord> {
    const hold = await this.deps.payments.lockHold(tx, holdId);
    if (!hold) throw holdNotFound();
    // Past its expiry but not yet swept: already as good as released.
    if (hold.status === 'active' && hold.expired) throw holdNotActive('expired');
    if (hold.status !== 'active') throw holdNotActive(hold.status);
    return hold;
  }

  async #release(tx: Queryable, hold: HoldRecord, status: 'voided' | 'expired') {
    const { changes } = await this.deps.ledger.apply(tx, {
      reservations: [{ ownerType: 'fan', ownerId: hold.userId, asset: hold.asset, amount: -hold.amount }],
    });
    const released = await this.deps.payments.updateHold(tx, hold.id, { status });
    await this.deps.activity.settle(tx, hold.id, { status: 'cancelled' });
    return { result: view(released, null), changes };
  }
}

function view(hold: HoldRecord, transactionId: string | null): HoldView {
  return {
    holdId: hold.id,
    userId: hold.userId,
    status: hold.status,
    amount: formatMinor(hold.amount, hold.asset),
    captured: formatMinor(hold.captured, hold.asset),
    refunded: formatMinor(hold.refunded, hold.asset),
    asset: hold.asset,
    merchant: hold.merchant,
    reference: hold.reference,
    expiresAt: hold.expiresAt,
    transactionId,
  };
}

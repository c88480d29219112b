import { randomUUID } from 'node:crypto';
import { formatMinor, parseMoney, type Queryable } from '@pcf/kernel';
import type { ActivityRepository } from './activity.repository.ts';
import type { BalanceChange, Ledger } from './ledger.service.ts';
import type { Operations } from './operations.ts';
import type { HoldRecord, PaymentsRepository } from './payments.repository.ts';
import type { CreditRequest, CreditView, HoldRequest, HoldView, WalletPort } from './port.ts';
import {
  captureTooLarge,
  holdNotActive,
  holdNotFound,
  notCaptured,
  refundTooLarge,
} from './wallet.errors.ts';

export interface PaymentsServiceDeps {
  ledger: Ledger;
  activity: ActivityRepository;
  payments: PaymentsRepository;
  operations: Operations;
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  notify(changes: BalanceChange[]): void;
  holdTtlSeconds: number;
}

const settlement = (merchant: string) => `settlement:${merchant}`;

/** The payment port: what shop, tickets and eSIM call to charge, refund and reward fans. */
export class PaymentsService implements WalletPort {
  constructor(private readonly deps: PaymentsServiceDeps) {}

  async hold(request: HoldRequest): Promise<HoldView> {
    const amount = parseMoney(request.amount, request.asset);
    const ttl = request.ttlSeconds ?? this.deps.holdTtlSeconds;
    const normalized = { ...request, amount: amount.minor, ttlSeconds: ttl };
    return this.deps.operations.run(
      `hold:${request.merchant}`,
      request.idempotencyKey,
      normalized,
      async (tx) => {
        const { changes } = await this.deps.ledger.apply(tx, {
          reservations: [
            { ownerType: 'fan', ownerId: request.userId, asset: amount.asset, amount: amount.minor },
          ],
        });
        const hold = await this.deps.payments.insertHold(tx, {
          id: randomUUID(),
          userId: request.userId,
          asset: amount.asset,
          amount: amount.minor,
          merchant: request.merchant,
          reference: request.reference ?? null,
          ttlSeconds: ttl,
        });
        await this.deps.activity.insert(tx, {
          id: randomUUID(),
          userId: request.userId,
          type: 'payment',
          asset: amount.asset,
          amount: -amount.minor,
          status: 'pending',
          counterparty: { kind: 'merchant', id: request.merchant, name: request.merchant },
          reference: request.reference ?? null,
          note: null,
          transactionId: null,
          sourceId: hold.id,
        });
        return { result: view(hold, null), changes };
      },
    );
  }

  async capture(request: { idempotencyKey: string; holdId: string; amount?: string }): Promise<HoldView> {
    return this.deps.operations.run(
      `capture:${request.holdId}`,
      request.idempotencyKey,
      request,
      async (tx) => {
        const hold = await this.#activeHold(tx, request.holdId);
        const amount =
          request.amount === undefined ? hold.amount : parseMoney(request.amount, hold.asset).minor;
        if (amount > hold.amount) throw captureTooLarge();
        const { transactionId, changes } = await this.deps.ledger.apply(tx, {
          kind: 'payment',
          reference: hold.reference,
          metadata: { holdId: hold.id, merchant: hold.merchant },
          reservations: [{ ownerType: 'fan', ownerId: hold.userId, asset: hold.asset, amount: -hold.amount }],
          legs: [
            { ownerType: 'fan', ownerId: hold.userId, asset: hold.asset, amount: -amount },
            { ownerType: 'system', ownerId: settlement(hold.merchant), asset: hold.asset, amount },
          ],
        });
        const captured = await this.deps.payments.updateHold(tx, hold.id, {
          status: 'captured',
          captured: amount,
        });
        await this.deps.activity.settle(tx, hold.id, { status: 'completed', amount: -amount, transactionId });
        return { result: view(captured, transactionId), changes };
      },
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

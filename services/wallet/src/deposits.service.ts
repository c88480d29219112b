import { randomUUID } from 'node:crypto';
import { formatMinor, type OperationKey, parseMoney, type Queryable } from '@pcf/kernel';
import type { ActivityRepository } from './activity.repository.ts';
import type { BalanceChange, Ledger } from './ledger.service.ts';
import type { Operations } from './operations.ts';
import type { DepositRecord, PaymentsRepository } from './payments.repository.ts';
import type { PaymentProvider } from './providers/payment-provider.ts';
import { depositNotFound } from './wallet.errors.ts';
import type { Deposit, DepositBody } from './wallet.schema.ts';

export interface DepositsServiceDeps {
  ledger: Ledger;
  activity: ActivityRepository;
  payments: PaymentsRepository;
  operations: Operations;
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  notify(changes: BalanceChange[]): void;
  providers: Map<string, PaymentProvider>;
  defaultProvider: string;
}

/**
 * Deposits: pending when asked, money posted only when the provider's signed webhook confirms — exactly once,
 * however many times the webhook arrives.
 */
export class DepositsService {
  constructor(private readonly deps: DepositsServiceDeps) {}

  async start(userId: string, body: DepositBody, idempotencyKey: OperationKey): Promise<Deposit> {
    const amount = parseMoney(body.amount, body.asset);
    const provider = this.deps.providers.get(this.deps.defaultProvider)!;
    const request = { amount: amount.minor, asset: amount.asset, method: body.method };
    const { result: deposit, replayed } = await this.deps.operations.runReporting(
      `deposit:${userId}`,
      idempotencyKey,
      request,
      async (tx) => {
        const created = await this.deps.payments.insertDeposit(tx, {
          id: randomUUID(),
          userId,
          asset: amount.asset,
          amount: amount.minor,
          method: body.method,
          provider: provider.name,
          status: 'pending',
        });
        await this.deps.activity.insert(tx, {
          id: randomUUID(),
          userId,
          type: 'deposit',
          asset: amount.asset,
          amount: amount.minor,
          status: 'pending',
          counterparty: { kind: 'provider', id: provider.name, name: methodName(body.method) },
          reference: null,
          note: null,
          transactionId: null,
          sourceId: created.id,
        });
        return { result: toDeposit(created), changes: [] };
      },
    );
    // A replay must not pay twice: a deposit whose submission was lost is resumed by resumePending.
    if (!replayed) await this.#submit(provider, deposit);
    return deposit;
  }

  async get(userId: string, depositId: string): Promise<Deposit> {
    const deposit = await this.deps.transaction((tx) =>
      this.deps.payments.findDeposit(tx, userId, depositId),
    );
    if (!deposit) throw depositNotFound();
    return toDeposit(deposit);
  }

  /** Applies a verified webhook; returns whether it changed anything (false for redeliveries). */
  async handleWebhook(
    providerName: string,
    rawBody: string,
    headers: Record<string, string | string[] | undefined>,
  ) {
    const provider = this.deps.providers.get(providerName);
    if (!provider) throw depositNotFound();
    const event = provider.verifyWebhook(rawBody, headers);
    const outcome = await this.deps.transaction(async (tx) => {
      if (!(await this.deps.payments.recordWebhookEvent(tx, provider.name, event.eventId)))
        return { applied: false, changes: [] };
      const deposit = await this.deps.payments.lockDeposit(tx, event.depositId);
      if (!deposit || deposit.provider !== provider.name || deposit.status !== 'pending')
        return { applied: false, changes: [] };
      const amount = parseMoney(event.amount, event.asset);
      if (
        event.type === 'payment.failed' ||
        amount.asset !== deposit.asset ||
        amount.minor !== deposit.amount
      ) {
        const code = event.type === 'payment.failed' ? (event.failureCode ?? 'declined') : 'amount_mismatch';
        await this.deps.payments.settleDeposit(tx, deposit.id, {
          status: 'declined',
          failureCode: code,
          transactionId: null,
        });
        await this.deps.activity.settle(tx, deposit.id, { status: 'failed' });
        return { applied: true, changes: [] };
      }
      const { transactionId, changes } = await this.deps.ledger.apply(tx, {
        kind: 'deposit',
        reference: event.providerRef,
        metadata: { depositId: deposit.id, provider: provider.name },
        legs: [
          {
            ownerType: 'system',
            ownerId: `deposit_clearing:${provider.name}`,
            asset: deposit.asset,
            amount: -deposit.amount,
          },
          { ownerType: 'fan', ownerId: deposit.userId, asset: deposit.asset, amount: deposit.amount },
        ],
      });
      await this.deps.payments.settleDeposit(tx, deposit.id, {
        status: 'confirmed',
        failureCode: null,
        transactionId,
      });
      await this.deps.activity.settle(tx, deposit.id, { status: 'completed', transactionId });
      return { applied: true, changes };
    });
    this.deps.notify(outcome.changes);
    return { received: true, applied: outcome.applied };
  }

  /**
   * Asks the provider again about deposits still pending after a while — e.g. the process stopped before the
   * provider was called, or before the sandbox's in-memory delivery ran. Confirmation stays exactly-once.
   */
  async resumePending(olderThanSeconds = 30): Promise<number> {
    let resumed = 0;
    for (const [name, provider] of this.deps.providers) {
      const pending = await this.deps.transaction((tx) =>
        this.deps.payments.pendingDeposits(tx, name, olderThanSeconds, 100),
      );
      for (const deposit of pending) {
        await this.#submit(provider, toDeposit(deposit));
        resumed++;
      }
    }
    return resumed;
  }

  async #submit(provider: PaymentProvider, deposit: Deposit): Promise<void> {
    const { providerRef } = await provider.createPayment({
      depositId: deposit.id,
      amount: deposit.amount,
      asset: deposit.asset,
      method: deposit.method as DepositBody['method'],
    });
    await this.deps.transaction((tx) => this.deps.payments.setProviderRef(tx, deposit.id, providerRef));
  }
}

export function toDeposit(record: DepositRecord): Deposit {
  return {
    id: record.id,
    status: record.status,
    amount: formatMinor(record.amount, record.asset),
    asset: record.asset,
    method: record.method,
    provider: record.provider,
    failureCode: record.failureCode,
    transactionId: record.transactionId,
    createdAt: record.createdAt,
  };
}

function methodName(method: string): string {
  return method === 'card' ? 'Card' : method === 'bank_transfer' ? 'Bank transfer' : 'Crypto transfer';
}

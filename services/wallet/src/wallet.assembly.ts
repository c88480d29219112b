import { type Asset, IdempotentOperations, parseMoney, type ServiceContext } from '@pcf/kernel';
import { WalletService } from './accounts.service.ts';
import { ActivityRepository } from './activity.repository.ts';
import { BalanceNotifier } from './balance-notifier.ts';
import { DepositsService } from './deposits.service.ts';
import { JournalRepository } from './journal.repository.ts';
import { JournalService } from './journal.service.ts';
import { LedgerRepository } from './ledger.repository.ts';
import { Ledger } from './ledger.service.ts';
import { acceptsLegacyHash, Operations } from './operations.ts';
import { PaymentsRepository } from './payments.repository.ts';
import { PaymentsService } from './payments.service.ts';
import { ConfigPriceFeed } from './prices.ts';
import { SandboxPaymentProvider } from './providers/sandbox-provider.ts';

/** Everything the wallet is made of, wired; tests and the simulation use the same assembly. */
export function assembleWallet(ctx: ServiceContext) {
  const ledgerRepository = new LedgerRepository(ctx.db);
  const activity = new ActivityRepository(ctx.db);
  const payments = new PaymentsRepository();
  const ledger = new Ledger(ledgerRepository, ctx.outbox);
  const notifier = new BalanceNotifier(ctx.broadcaster);
  const notify = (changes: Parameters<BalanceNotifier['publish']>[0]) => notifier.publish(changes);
  const operations = new Operations(
    new IdempotentOperations({
      schema: 'wallet',
      transaction: ctx.transaction,
      db: ctx.db,
      acceptsStoredHash: acceptsLegacyHash,
    }),
    notify,
  );
  const sandbox = new SandboxPaymentProvider({
    secret: ctx.config.sandboxWebhookSecret,
    confirmAfterMs: ctx.config.sandboxConfirmMs,
    send: (request) => ctx.selfRequest(request),
    minorUnits: (amount, asset) => parseMoney(amount, asset as Asset).minor,
    onError: (err) => ctx.logger.warn({ err }, 'sandbox webhook delivery failed'),
  });
  const wallet = new WalletService({
    db: ctx.db,
    ledger,
    ledgerRepository,
    activity,
    payments,
    operations,
    ports: ctx.ports,
    prices: new ConfigPriceFeed(ctx.config.pricesEur),
    publicUrl: ctx.config.publicUrl,
    rateLimits: ctx.rateLimits,
  });
  const deposits = new DepositsService({
    ledger,
    activity,
    payments,
    operations,
    transaction: ctx.transaction,
    notify,
    providers: new Map([[sandbox.name, sandbox]]),
    defaultProvider: sandbox.name,
  });
  const paymentsService = new PaymentsService({
    db: ctx.db,
    ledger,
    activity,
    payments,
    operations,
    transaction: ctx.transaction,
    notify,
    holdTtlSeconds: ctx.config.holdTtlSeconds,
  });
  const journal = new JournalService(ctx.db, new JournalRepository(ctx.db));
  return { wallet, deposits, payments: paymentsService, journal, notifier, sandbox, ledger, activity };
}

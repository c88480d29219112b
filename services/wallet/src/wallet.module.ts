import { fileURLToPath } from 'node:url';
import {
  type Asset,
  PeriodicTasks,
  parseMoney,
  type ServiceContext,
  type ServiceInstance,
  type ServiceModule,
} from '@pcf/kernel';
import { walletRoutes } from './accounts.routes.ts';
import { WalletService } from './accounts.service.ts';
import { ActivityRepository } from './activity.repository.ts';
import { BalanceNotifier } from './balance-notifier.ts';
import { DepositsService } from './deposits.service.ts';
import { JournalRepository } from './journal.repository.ts';
import { JournalService } from './journal.service.ts';
import { LedgerRepository } from './ledger.repository.ts';
import { Ledger } from './ledger.service.ts';
import { Operations } from './operations.ts';
import { PaymentsRepository } from './payments.repository.ts';
import { PaymentsService } from './payments.service.ts';
import { ConfigPriceFeed } from './prices.ts';
import { SandboxPaymentProvider } from './providers/sandbox-provider.ts';
import { streamRoutes } from './stream.routes.ts';
import { seedWalletDemo } from './wallet.demo.ts';
import { walletInternalRoutes } from './wallet.internal-routes.ts';
import { type WalletPort, walletHttpPort } from './wallet.port.ts';
import { webhookRoutes } from './webhooks.routes.ts';

export type { WalletPort } from './wallet.port.ts';

/** Everything the wallet is made of, wired; tests and the simulation use the same assembly. */
export function assembleWallet(ctx: ServiceContext) {
  const ledgerRepository = new LedgerRepository(ctx.db);
  const activity = new ActivityRepository(ctx.db);
  const payments = new PaymentsRepository();
  const ledger = new Ledger(ledgerRepository, ctx.outbox);
  const notifier = new BalanceNotifier(ctx.broadcaster);
  const notify = (changes: Parameters<BalanceNotifier['publish']>[0]) => notifier.publish(changes);
  const operations = new Operations(ledgerRepository, ctx.transaction, notify, ctx.db);
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

async function create(ctx: ServiceContext): Promise<ServiceInstance<WalletPort>> {
  const parts = assembleWallet(ctx);
  const tasks = new PeriodicTasks(ctx.logger);
  return {
    port: parts.payments,
    routes: async (app) => {
      await app.register(walletRoutes(parts.wallet, parts.deposits, parts.journal));
      await app.register(webhookRoutes(parts.deposits));
      await app.register(streamRoutes(parts.wallet, parts.notifier));
    },
    internalRoutes: walletInternalRoutes(parts.payments),
    seedDemo: () =>
      seedWalletDemo({ db: ctx.db, ports: ctx.ports, ledger: parts.ledger, activity: parts.activity }),
    start: () => {
      tasks.every(1_000, () => parts.payments.expireHolds(), 'hold expiry');
      tasks.every(1_000, () => parts.journal.seal(), 'journal sealing');
      tasks.every(30_000, () => parts.deposits.resumePending(), 'pending deposit follow-up');
    },
    stop: async () => {
      tasks.stop();
      await parts.sandbox.stop();
    },
  };
}

export const walletModule: ServiceModule<WalletPort> = {
  name: 'wallet',
  migrationsDir: fileURLToPath(new URL('../migrations', import.meta.url)),
  routePrefixes: ['/v1/wallet'],
  // Tokens, sessions, secret keys and balances: never kept by a browser or a shared cache.
  cacheControl: 'no-store',
  create,
  httpPort: walletHttpPort,
};

import { defineService, PeriodicTasks } from '@pcf/kernel';
import { walletRoutes } from './accounts.routes.ts';
import { streamRoutes } from './stream.routes.ts';
import { assembleWallet } from './wallet.assembly.ts';
import { seedWalletDemo } from './wallet.demo.ts';
import { walletPort } from './wallet.port.ts';
import { webhookRoutes } from './webhooks.routes.ts';

export { assembleWallet } from './wallet.assembly.ts';
export type { WalletPort } from './wallet.port.ts';

/** The wallet: a double-entry ledger (docs/wallet.md), paid into by deposits, paying other services via its port. */
export const walletModule = defineService({
  name: 'wallet',
  migrations: new URL('../migrations', import.meta.url),
  routePrefixes: ['/v1/wallet'],
  // Balances and history: never kept by a browser or a shared cache.
  cacheControl: 'no-store',
  port: walletPort,
  dependsOn: ['identity'],
  async create(ctx) {
    const parts = assembleWallet(ctx);
    const tasks = new PeriodicTasks(ctx.logger);
    return {
      port: parts.payments,
      routes: async (app) => {
        await app.register(walletRoutes(parts.wallet, parts.deposits, parts.journal));
        await app.register(webhookRoutes(parts.deposits));
        await app.register(streamRoutes(parts.wallet, parts.notifier));
      },
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
  },
});

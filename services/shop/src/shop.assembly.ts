import type { IdentityPort } from '@pcf/identity/port';
import { PeriodicTasks, type ServiceContext } from '@pcf/kernel';
import type { WalletPort } from '@pcf/wallet/port';
import type { FastifyBaseLogger } from 'fastify';
import { AdminService } from './admin.service.ts';
import { CartRepository } from './cart.repository.ts';
import { CartService } from './cart.service.ts';
import { CashbackService } from './cashback.service.ts';
import { CatalogueRepository } from './catalogue.repository.ts';
import { CatalogueService } from './catalogue.service.ts';
import { CheckoutService } from './checkout.service.ts';
import { CollectiblesRepository } from './collectibles.repository.ts';
import { CollectiblesService } from './collectibles.service.ts';
import { LiveService } from './live.service.ts';
import { LocaleResolver } from './locale.ts';
import { formatEur } from './money.ts';
import { OrdersRepository } from './orders.repository.ts';
import { OrdersService } from './orders.service.ts';
import { PromotionsRepository } from './promotions.repository.ts';
import { ProvenanceSigner } from './provenance.ts';
import type { ShopPort } from './shop.port.ts';

/** The in-process port plus the saga's maintenance entry points (tests and operators drive them directly). */
export interface ShopPortInProcess extends ShopPort {
  recoverOrder(orderId: string): Promise<void>;
}

/** How long a checkout may run before the recovery pass treats its order as left behind. */
const RECOVERY_GRACE_MS = 10_000;
/** How long a paid order's cashback may stay pending before the sweeper credits it. */
const CASHBACK_GRACE_MS = 5_000;

/** Everything the shop is made of, wired; tests use the same assembly through the platform. */
export async function assembleShop(ctx: ServiceContext) {
  const catalogueRepository = new CatalogueRepository(ctx.db);
  const promotions = new PromotionsRepository(ctx.db);
  const carts = new CartRepository(ctx.db);
  const orders = new OrdersRepository(ctx.db);
  const collectiblesRepository = new CollectiblesRepository(ctx.db);
  const wallet = () => ctx.ports.get<WalletPort>('wallet');
  const catalogue = new CatalogueService(catalogueRepository, promotions);
  const live = new LiveService(promotions, catalogue);
  const cart = new CartService({
    db: ctx.db,
    carts,
    catalogue: catalogueRepository,
    promotions,
    catalogueService: catalogue,
  });
  const collectibles = new CollectiblesService(
    collectiblesRepository,
    await ProvenanceSigner.load(collectiblesRepository),
  );
  const checkout = new CheckoutService({
    transaction: ctx.transaction,
    outbox: ctx.outbox,
    orders,
    carts,
    promotions,
    cart,
    catalogue,
    collectibles,
    wallet,
    holdTtlSeconds: Math.max(ctx.config.holdTtlSeconds, 120),
    onSagaError: (err) =>
      ctx.logger.warn({ err }, 'checkout compensation failed; the recovery pass retries it'),
  });
  const cashback = new CashbackService(orders, wallet);
  const ordersService = new OrdersService({
    transaction: ctx.transaction,
    outbox: ctx.outbox,
    orders,
    catalogue: catalogueRepository,
    promotions,
    collectibles: collectiblesRepository,
    cashback,
    wallet,
  });
  const admin = new AdminService({
    db: ctx.db,
    catalogue: catalogueRepository,
    promotions,
    catalogueService: catalogue,
    live,
  });
  const locales = new LocaleResolver(() => ctx.ports.get<IdentityPort>('identity'));
  return {
    catalogueRepository,
    promotions,
    orders,
    catalogue,
    live,
    cart,
    checkout,
    cashback,
    ordersService,
    collectibles,
    admin,
    locales,
  };
}

export type ShopParts = Awaited<ReturnType<typeof assembleShop>>;

/** The shop's port implementation (other services see only its declared methods, validated). */
export function shopPortImplementation(parts: ShopParts): ShopPortInProcess {
  return {
    recoverOrder: (orderId) => parts.checkout.recover(orderId),
    getOrder: async (orderId) => {
      const order = await parts.orders.find(orderId);
      return order
        ? {
            orderId: order.id,
            number: order.number,
            userId: order.userId,
            status: order.status,
            total: formatEur(order.total),
            asset: 'EUR',
          }
        : null;
    },
  };
}

/** The shop's background work: the checkout recovery pass and the cashback sweeper, every 3 s once started. */
export function shopTasks(parts: ShopParts, logger: FastifyBaseLogger) {
  const tasks = new PeriodicTasks(logger);
  const warn = (what: string) => tasks.warn(what);
  return {
    /** A handler that logs a failure of `what` as a warning instead of letting it escape. */
    warn,
    start: () => {
      tasks.every(
        3_000,
        () => parts.checkout.recoverStuck(RECOVERY_GRACE_MS, warn('order recovery')),
        'order recovery',
      );
      tasks.every(
        3_000,
        () => parts.cashback.creditDue(CASHBACK_GRACE_MS, warn('cashback sweep')),
        'cashback sweep',
      );
    },
    stop: async () => tasks.stop(),
  };
}

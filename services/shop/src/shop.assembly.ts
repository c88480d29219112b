import type { IdentityPort } from '@pcf/identity/port';
import { type ConsumerDefinition, PeriodicTasks, type ServiceContext } from '@pcf/kernel';
import type { WalletPort } from '@pcf/wallet/port';
import type { FastifyBaseLogger, FastifyPluginAsync } from 'fastify';
import { adminRoutes } from './admin.routes.ts';
import { AdminService } from './admin.service.ts';
import { CartRepository } from './cart.repository.ts';
import { cartRoutes } from './cart.routes.ts';
import { CartService } from './cart.service.ts';
import { cashbackConsumer } from './cashback.consumer.ts';
import { CashbackService } from './cashback.service.ts';
import { CatalogueRepository } from './catalogue.repository.ts';
import { catalogueRoutes } from './catalogue.routes.ts';
import { CatalogueService } from './catalogue.service.ts';
import { CheckoutService } from './checkout.service.ts';
import { ClubScope, registerClubScope } from './club-scope.ts';
import { clubsConsumer } from './clubs.consumer.ts';
import { CollectiblesRepository } from './collectibles.repository.ts';
import { CollectiblesService } from './collectibles.service.ts';
import { LiveService } from './live.service.ts';
import { LocaleResolver } from './locale.ts';
import { formatEur } from './money.ts';
import { OrdersRepository } from './orders.repository.ts';
import { ordersRoutes } from './orders.routes.ts';
import { OrdersService } from './orders.service.ts';
import { PromotionsRepository } from './promotions.repository.ts';
import { ProvenanceSigner } from './provenance.ts';
import { seedShopDemo } from './shop.demo.ts';
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

/** The shop's public routes: the club scope every route resolves its club through, then each area's routes. */
export function shopRoutes(parts: ShopParts): FastifyPluginAsync {
  const { catalogue, live, locales } = parts;
  return async (app) => {
    registerClubScope(app, new ClubScope(parts.catalogueRepository));
    await app.register(catalogueRoutes(catalogue, live, locales));
    await app.register(cartRoutes(parts.cart, locales));
    await app.register(ordersRoutes(parts.checkout, parts.ordersService, parts.collectibles, locales));
    await app.register(adminRoutes(parts.admin, locales));
  };
}

/**
 * The shop's event consumers: clubs learnt from identity's partner_created, and the cashback of a paid order. The
 * credit runs outside the consumer's transaction (it calls the wallet; see cashback.consumer.ts): a failure is only
 * logged through `warn`, and the cashback sweeper of `shopTasks` retries it.
 */
export function shopConsumers(
  parts: ShopParts,
  warn: (what: string) => (error: unknown) => void,
): ConsumerDefinition[] {
  return [
    clubsConsumer(parts.catalogueRepository),
    cashbackConsumer((orderId) => {
      setImmediate(() => parts.cashback.creditOrder(orderId).catch(warn('cashback credit')));
    }),
  ];
}

/** The demo seed (`PCF_DEMO`): the demo clubs' catalogues and promotions; answers the lines the banner prints. */
export function shopDemoSeed(ctx: ServiceContext, parts: ShopParts): () => Promise<string[]> {
  return () =>
    seedShopDemo({
      db: ctx.db,
      ports: ctx.ports,
      catalogue: parts.catalogueRepository,
      promotions: parts.promotions,
    });
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

import { fileURLToPath } from 'node:url';
import type { IdentityPort } from '@pcf/identity/port';
import { PeriodicTasks, type ServiceContext, type ServiceInstance, type ServiceModule } from '@pcf/kernel';
import type { WalletPort } from '@pcf/wallet/port';
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
import { shopInternalRoutes } from './shop.internal-routes.ts';
import { type ShopPort, shopHttpPort } from './shop.port.ts';

export type { ShopPort } from './shop.port.ts';

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

async function create(ctx: ServiceContext): Promise<ServiceInstance<ShopPort>> {
  const parts = await assembleShop(ctx);
  const tasks = new PeriodicTasks(ctx.logger);
  const warn = (what: string) => tasks.warn(what);
  const port: ShopPortInProcess = {
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
  return {
    port,
    routes: async (app) => {
      registerClubScope(app, new ClubScope(parts.catalogueRepository));
      await app.register(catalogueRoutes(parts.catalogue, parts.live, parts.locales));
      await app.register(cartRoutes(parts.cart, parts.locales));
      await app.register(
        ordersRoutes(parts.checkout, parts.ordersService, parts.collectibles, parts.locales),
      );
      await app.register(adminRoutes(parts.admin, parts.locales));
    },
    internalRoutes: shopInternalRoutes(port),
    consumers: [
      clubsConsumer(parts.catalogueRepository),
      // The credit runs outside the consumer's transaction (it calls the wallet); see cashback.consumer.ts.
      cashbackConsumer((orderId) => {
        setImmediate(() => {
          parts.cashback.creditOrder(orderId).catch(warn('cashback credit'));
        });
      }),
    ],
    seedDemo: () =>
      seedShopDemo({
        db: ctx.db,
        ports: ctx.ports,
        catalogue: parts.catalogueRepository,
        promotions: parts.promotions,
      }),
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

export const shopModule: ServiceModule<ShopPort> = {
  name: 'shop',
  migrationsDir: fileURLToPath(new URL('../migrations', import.meta.url)),
  extensions: ['pg_trgm', 'unaccent'],
  routePrefixes: ['/v1/shop'],
  create,
  httpPort: shopHttpPort,
};

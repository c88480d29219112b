import { defineService } from '@pcf/kernel';
import { adminRoutes } from './admin.routes.ts';
import { cartRoutes } from './cart.routes.ts';
import { cashbackConsumer } from './cashback.consumer.ts';
import { catalogueRoutes } from './catalogue.routes.ts';
import { ClubScope, registerClubScope } from './club-scope.ts';
import { clubsConsumer } from './clubs.consumer.ts';
import { ordersRoutes } from './orders.routes.ts';
import { assembleShop, shopPortImplementation, shopTasks } from './shop.assembly.ts';
import { seedShopDemo } from './shop.demo.ts';
import { shopPort } from './shop.port.ts';

export { assembleShop, type ShopPortInProcess } from './shop.assembly.ts';
export type { ShopPort } from './shop.port.ts';

/** The shop: catalogue, cart, promotions, checkout paid from the wallet, cashback, collectibles (docs/shop.md). */
export const shopModule = defineService({
  name: 'shop',
  migrations: new URL('../migrations', import.meta.url),
  extensions: ['pg_trgm', 'unaccent'],
  routePrefixes: ['/v1/shop'],
  port: shopPort,
  dependsOn: ['identity', 'wallet'],
  async create(ctx) {
    const parts = await assembleShop(ctx);
    const tasks = shopTasks(parts, ctx.logger);
    const { catalogue, live, locales, checkout, cashback } = parts;
    return {
      port: shopPortImplementation(parts),
      routes: async (app) => {
        registerClubScope(app, new ClubScope(parts.catalogueRepository));
        await app.register(catalogueRoutes(catalogue, live, locales));
        await app.register(cartRoutes(parts.cart, locales));
        await app.register(ordersRoutes(checkout, parts.ordersService, parts.collectibles, locales));
        await app.register(adminRoutes(parts.admin, locales));
      },
      consumers: [
        clubsConsumer(parts.catalogueRepository),
        // The credit runs outside the consumer's transaction (it calls the wallet); see cashback.consumer.ts.
        cashbackConsumer((orderId) => {
          setImmediate(() => cashback.creditOrder(orderId).catch(tasks.warn('cashback credit')));
        }),
      ],
      seedDemo: () =>
        seedShopDemo({
          db: ctx.db,
          ports: ctx.ports,
          catalogue: parts.catalogueRepository,
          promotions: parts.promotions,
        }),
      start: tasks.start,
      stop: tasks.stop,
    };
  },
});

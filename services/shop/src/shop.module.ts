import { defineService } from '@pcf/kernel';
import {
  assembleShop,
  shopConsumers,
  shopDemoSeed,
  shopPortImplementation,
  shopRoutes,
  shopTasks,
} from './shop.assembly.ts';
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
    return {
      port: shopPortImplementation(parts),
      routes: shopRoutes(parts),
      consumers: shopConsumers(parts, tasks.warn),
      seedDemo: shopDemoSeed(ctx, parts),
      start: tasks.start,
      stop: tasks.stop,
    };
  },
});

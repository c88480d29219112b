import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { ShopPort } from './shop.port.ts';

/** The HTTP face of ShopPort (mounted under /internal/shop, behind the service token). */
export function shopInternalRoutes(port: ShopPort): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.post(
      '/orders/find',
      {
        schema: {
          body: Type.Object({ orderId: Type.String({ format: 'uuid' }) }, { additionalProperties: false }),
        },
      },
      async (request) => ({ order: await port.getOrder(request.body.orderId) }),
    );
  };
}

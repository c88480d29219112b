import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { requireUser } from '@pcf/kernel';
import { Type } from '@sinclair/typebox';
import type { CartService } from './cart.service.ts';
import type { LocaleResolver } from './locale.ts';
import { AddToCartBody, Cart, ClubQuery, DiscountBody, IdParams, UpdateItemBody } from './shop.schema.ts';

const tags = ['shop'];
const security = [{ bearer: [] }];
const response = { 200: Cart };

/** The fan's cart per club; every total is computed on the server. */
export function cartRoutes(cart: CartService, locales: LocaleResolver): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/v1/shop/cart',
      {
        config: { clubScoped: true },
        schema: {
          tags,
          summary: 'Your cart for a club, priced now',
          security,
          querystring: ClubQuery,
          response,
        },
      },
      async (request) =>
        cart.get(
          requireUser(request).userId,
          request.query.club,
          await locales.resolve(request, request.query.locale),
        ),
    );

    app.post(
      '/v1/shop/cart/add',
      {
        config: { clubScoped: true },
        schema: {
          tags,
          summary:
            'Add a variant to the cart of its club; variantId may be left out for a product with one variant ' +
            '(422 variant_required when it has several, 409 out_of_stock above the stock)',
          security,
          body: AddToCartBody,
          response,
        },
      },
      async (request) =>
        cart.add(requireUser(request).userId, request.body, await locales.resolve(request, undefined)),
    );

    app.patch(
      '/v1/shop/cart/items/:id',
      {
        schema: {
          tags,
          summary: 'Change a quantity (0 removes)',
          security,
          params: IdParams,
          body: UpdateItemBody,
          response,
        },
      },
      async (request) =>
        cart.updateItem(
          requireUser(request).userId,
          request.params.id,
          request.body.quantity,
          await locales.resolve(request, undefined),
        ),
    );

    app.delete(
      '/v1/shop/cart/items/:id',
      { schema: { tags, summary: 'Remove an item', security, params: IdParams, response } },
      async (request) =>
        cart.removeItem(
          requireUser(request).userId,
          request.params.id,
          await locales.resolve(request, undefined),
        ),
    );

    app.delete(
      '/v1/shop/cart',
      {
        config: { clubScoped: true },
        schema: { tags, summary: 'Empty the cart', security, querystring: ClubQuery, response },
      },
      async (request) =>
        cart.clear(
          requireUser(request).userId,
          request.query.club,
          await locales.resolve(request, request.query.locale),
        ),
    );

    app.post(
      '/v1/shop/cart/discount',
      {
        config: { clubScoped: true },
        schema: {
          tags,
          summary: 'Apply a discount code (422 invalid_discount_code)',
          security,
          body: DiscountBody,
          response,
        },
      },
      async (request) =>
        cart.setDiscountCode(
          requireUser(request).userId,
          request.body.club,
          request.body.code,
          await locales.resolve(request, undefined),
        ),
    );

    app.delete(
      '/v1/shop/cart/discount',
      {
        config: { clubScoped: true },
        schema: {
          tags,
          summary: 'Remove the discount code',
          security,
          querystring: Type.Object({ club: ClubQuery.properties.club }, { additionalProperties: false }),
          response,
        },
      },
      async (request) =>
        cart.setDiscountCode(
          requireUser(request).userId,
          request.query.club,
          null,
          await locales.resolve(request, undefined),
        ),
    );
  };
}

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { IdempotencyKeyHeader, idempotencyKeyOf, PageQuery, requireUser } from '@pcf/kernel';
import { Type } from '@sinclair/typebox';
import type { CheckoutService } from './checkout.service.ts';
import type { CollectiblesService } from './collectibles.service.ts';
import type { LocaleResolver } from './locale.ts';
import type { OrdersService } from './orders.service.ts';
import {
  CheckoutBody,
  CollectionPage,
  IdParams,
  LocaleQuery,
  Order,
  OrdersPage,
  Verification,
} from './shop.schema.ts';

const tags = ['shop'];
const security = [{ bearer: [] }];

/** Checkout, orders, cancellation, the fan's collection. */
export function ordersRoutes(
  checkout: CheckoutService,
  orders: OrdersService,
  collectibles: CollectiblesService,
  locales: LocaleResolver,
): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.post(
      '/v1/shop/checkout',
      {
        config: { idempotency: 'required', clubScoped: true },
        schema: {
          tags,
          summary: 'Pay the cart from the wallet (reserve stock → hold → capture → paid; cashback follows)',
          description:
            'Charges exactly expectedTotal, the total the fan was shown: a cart whose total changed answers 409 ' +
            'promotion_ended (a code, flash sale or live price gone) or price_changed, with the new total in the ' +
            'problem (total, expectedTotal, reason, promotions); pay it with a new Idempotency-Key. Failures keep ' +
            'nothing: insufficient_funds (422), out_of_stock (409), empty_cart (422), promotion_ended (409), ' +
            'price_changed (409), wallet_unavailable (503).',
          security,
          headers: IdempotencyKeyHeader,
          body: CheckoutBody,
          response: { 201: Order },
        },
      },
      async (request, reply) => {
        const userId = requireUser(request).userId;
        const order = await checkout.checkout(
          userId,
          request.body.club,
          idempotencyKeyOf(request),
          request.body.expectedTotal,
        );
        return reply.code(201).send((await orders.views([order]))[0]!);
      },
    );

    app.get(
      '/v1/shop/orders',
      {
        schema: {
          tags,
          summary: 'Your orders, newest first',
          security,
          querystring: PageQuery,
          response: { 200: OrdersPage },
        },
      },
      async (request) =>
        orders.list(requireUser(request).userId, request.query.limit ?? 20, request.query.cursor),
    );

    app.get(
      '/v1/shop/orders/:id',
      {
        schema: {
          tags,
          summary: 'An order with its status history',
          security,
          params: IdParams,
          response: { 200: Order },
        },
      },
      async (request) => orders.get(requireUser(request).userId, request.params.id),
    );

    app.post(
      '/v1/shop/orders/:id/cancel',
      {
        config: { idempotency: 'required' },
        schema: {
          tags,
          summary: 'Cancel a paid order: refund minus the cashback already credited, restock',
          security,
          headers: IdempotencyKeyHeader,
          params: IdParams,
          response: { 200: Order },
        },
      },
      async (request) =>
        orders.cancel(requireUser(request).userId, request.params.id, idempotencyKeyOf(request)),
    );

    app.get(
      '/v1/shop/collection',
      {
        schema: {
          tags,
          summary: 'Your numbered collectibles with their signed provenance',
          security,
          querystring: Type.Object(
            { ...PageQuery.properties, ...LocaleQuery.properties },
            { additionalProperties: false },
          ),
          response: { 200: CollectionPage },
        },
      },
      async (request) =>
        collectibles.collection(
          requireUser(request).userId,
          await locales.resolve(request, request.query.locale),
          request.query.limit ?? 20,
          request.query.cursor,
        ),
    );

    app.get(
      '/v1/shop/collection/:id/verify',
      {
        schema: {
          tags,
          summary: 'Check a collectible’s provenance chain and signatures',
          security,
          params: IdParams,
          response: { 200: Verification },
        },
      },
      async (request) => collectibles.verify(requireUser(request).userId, request.params.id),
    );

    app.get(
      '/v1/shop/provenance-key',
      {
        schema: {
          tags,
          summary: 'The Ed25519 public key that signs provenance records',
          response: {
            200: Type.Object({ keyId: Type.String(), algorithm: Type.String(), publicKey: Type.String() }),
          },
        },
      },
      async () => collectibles.publicKey(),
    );
  };
}

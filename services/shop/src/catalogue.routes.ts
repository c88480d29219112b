import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { CatalogueService } from './catalogue.service.ts';
import type { LiveService } from './live.service.ts';
import type { LocaleResolver } from './locale.ts';
import {
  CategoryList,
  ClubQuery,
  IdParams,
  LiveJoin,
  LiveJoinBody,
  LiveList,
  LiveSession,
  LocaleQuery,
  Product,
  ProductsPage,
  ProductsQuery,
  Slug,
} from './shop.schema.ts';

const tags = ['shop'];

/** Public catalogue: products, categories, images, live sessions. */
export function catalogueRoutes(
  catalogue: CatalogueService,
  live: LiveService,
  locales: LocaleResolver,
): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/v1/shop/products',
      {
        schema: {
          tags,
          summary: 'A club’s catalogue: filters, full-text search (French + English, accents, typos), pages',
          querystring: ProductsQuery,
          response: { 200: ProductsPage },
        },
      },
      async (request) =>
        catalogue.listProducts(request.query, await locales.resolve(request, request.query.locale)),
    );

    app.get(
      '/v1/shop/products/:id',
      {
        schema: {
          tags,
          summary: 'A product with its variants, current prices and stock',
          params: IdParams,
          querystring: LocaleQuery,
          response: { 200: Product },
        },
      },
      async (request) =>
        catalogue.getProduct(request.params.id, await locales.resolve(request, request.query.locale)),
    );

    app.get(
      '/v1/shop/categories',
      {
        schema: {
          tags,
          summary: 'Categories of a club’s shop',
          querystring: ClubQuery,
          response: { 200: CategoryList },
        },
      },
      async (request) =>
        catalogue.categories(request.query.club, await locales.resolve(request, request.query.locale)),
    );

    app.get(
      '/v1/shop/images/:id',
      { schema: { tags, summary: 'A product image (PNG or SVG), served by the shop', params: IdParams } },
      async (request, reply) => {
        const image = await catalogue.image(request.params.id);
        return reply
          .type(image.contentType)
          .header('cache-control', 'public, max-age=86400, immutable')
          .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'")
          .send(image.bytes);
      },
    );

    app.get(
      '/v1/shop/live',
      {
        schema: {
          tags,
          summary: 'Current and upcoming live shopping sessions of a club',
          querystring: Type.Object({ club: Slug }, { additionalProperties: false }),
          response: { 200: LiveList },
        },
      },
      async (request) => live.list(request.query.club),
    );

    app.get(
      '/v1/shop/live/:id',
      {
        schema: {
          tags,
          summary: 'A live shopping session',
          params: IdParams,
          response: { 200: LiveSession },
        },
      },
      async (request) => live.get(request.params.id),
    );

    app.post(
      '/v1/shop/live/:id/join',
      {
        schema: {
          tags,
          summary: 'Join a live session (sign-in optional): each fan or anonymous viewer is counted once',
          params: IdParams,
          body: LiveJoinBody,
          response: { 200: LiveJoin },
        },
        // The body is optional: a POST without one is read as {}.
        preValidation: async (request) => {
          request.body ??= {};
        },
      },
      async (request) => {
        const principal = request.principal;
        return live.join(request.params.id, {
          userId: principal && principal.kind !== 'partner_key' ? principal.userId : undefined,
          viewerId: request.body?.viewerId,
          address: request.ip,
        });
      },
    );
  };
}

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { requireUser } from '@pcf/kernel';
import { Type } from '@sinclair/typebox';
import { type AdminService, IMAGE_TYPES, MAX_IMAGE_BYTES } from './admin.service.ts';
import type { LocaleResolver } from './locale.ts';
import {
  AdminPromotion,
  ClubParams,
  ClubSettings,
  ClubSettingsBody,
  CreateProductBody,
  IdParams,
  LiveBody,
  LiveSession,
  LocaleQuery,
  Product,
  ProductsPage,
  ProductsQuery,
  PromotionBody,
  Slug,
  UpdateLiveBody,
  UpdateProductBody,
  UpdatePromotionBody,
  UpdateVariantBody,
  VariantInput,
} from './shop.schema.ts';

const tags = ['shop admin'];
const security = [{ bearer: [] }];
const ADMINS = ['partner_admin', 'platform_admin'] as const;

/** Back office of a club's shop (its partner admins) or of any club (platform admins). */
export function adminRoutes(admin: AdminService, locales: LocaleResolver): FastifyPluginAsyncTypebox {
  return async (app) => {
    for (const type of IMAGE_TYPES) {
      app.addContentTypeParser(
        type,
        { parseAs: 'buffer', bodyLimit: MAX_IMAGE_BYTES },
        (_request, body, done) => done(null, body),
      );
    }
    const actor = (request: Parameters<typeof requireUser>[0]) => requireUser(request, ADMINS);
    const locale = (request: Parameters<typeof requireUser>[0], requested?: 'fr' | 'en') =>
      locales.resolve(request, requested);

    app.get(
      '/v1/shop/admin/products',
      {
        schema: {
          tags,
          summary: 'Products of a club, archived included',
          security,
          querystring: ProductsQuery,
          response: { 200: ProductsPage },
        },
      },
      async (request) =>
        admin.listProducts(actor(request), request.query, await locale(request, request.query.locale)),
    );
    app.post(
      '/v1/shop/admin/products',
      {
        schema: {
          tags,
          summary: 'Create a product (with variants)',
          security,
          body: CreateProductBody,
          response: { 201: Product },
        },
      },
      async (request, reply) =>
        reply.code(201).send(await admin.createProduct(actor(request), request.body, await locale(request))),
    );
    app.patch(
      '/v1/shop/admin/products/:id',
      {
        schema: {
          tags,
          summary: 'Update a product',
          security,
          params: IdParams,
          body: UpdateProductBody,
          querystring: LocaleQuery,
          response: { 200: Product },
        },
      },
      async (request) =>
        admin.updateProduct(
          actor(request),
          request.params.id,
          request.body,
          await locale(request, request.query.locale),
        ),
    );
    app.post(
      '/v1/shop/admin/products/:id/archive',
      {
        schema: {
          tags,
          summary: 'Archive a product (hidden from the catalogue)',
          security,
          params: IdParams,
          response: { 200: Product },
        },
      },
      async (request) => admin.setArchived(actor(request), request.params.id, true, await locale(request)),
    );
    app.post(
      '/v1/shop/admin/products/:id/unarchive',
      {
        schema: {
          tags,
          summary: 'Put an archived product back',
          security,
          params: IdParams,
          response: { 200: Product },
        },
      },
      async (request) => admin.setArchived(actor(request), request.params.id, false, await locale(request)),
    );
    app.post(
      '/v1/shop/admin/products/:id/variants',
      {
        schema: {
          tags,
          summary: 'Add a variant',
          security,
          params: IdParams,
          body: VariantInput,
          response: { 201: Product },
        },
      },
      async (request, reply) =>
        reply
          .code(201)
          .send(
            await admin.addVariant(actor(request), request.params.id, request.body, await locale(request)),
          ),
    );
    app.patch(
      '/v1/shop/admin/variants/:id',
      {
        schema: {
          tags,
          summary: 'Update a variant: label, price, stock (absolute), archived',
          security,
          params: IdParams,
          body: UpdateVariantBody,
          response: { 200: Product },
        },
      },
      async (request) =>
        admin.updateVariant(actor(request), request.params.id, request.body, await locale(request)),
    );
    app.post(
      '/v1/shop/admin/products/:id/images',
      {
        schema: {
          tags,
          summary:
            'Upload an image: the body is the raw PNG or SVG (Content-Type image/png or image/svg+xml, ≤ 1 MB)',
          security,
          params: IdParams,
          response: { 201: Type.Object({ id: Type.String(), url: Type.String() }) },
        },
      },
      async (request, reply) => {
        const body = request.body;
        const bytes = Buffer.isBuffer(body) ? body : Buffer.alloc(0);
        return reply
          .code(201)
          .send(
            await admin.uploadImage(
              actor(request),
              request.params.id,
              String(request.headers['content-type'] ?? ''),
              bytes,
            ),
          );
      },
    );
    app.delete(
      '/v1/shop/admin/images/:id',
      { schema: { tags, summary: 'Delete an image', security, params: IdParams } },
      async (request, reply) => {
        await admin.deleteImage(actor(request), request.params.id);
        return reply.code(204).send();
      },
    );

    app.get(
      '/v1/shop/admin/promotions',
      {
        schema: {
          tags,
          summary: 'Flash sales and discount codes of a club',
          security,
          querystring: Type.Object({ club: Slug }, { additionalProperties: false }),
          response: { 200: Type.Object({ data: Type.Array(AdminPromotion) }) },
        },
      },
      async (request) => admin.listPromotions(actor(request), request.query.club),
    );
    app.post(
      '/v1/shop/admin/promotions',
      {
        schema: {
          tags,
          summary: 'Create a flash sale or a discount code',
          security,
          body: PromotionBody,
          response: { 201: AdminPromotion },
        },
      },
      async (request, reply) =>
        reply.code(201).send(await admin.createPromotion(actor(request), request.body)),
    );
    app.patch(
      '/v1/shop/admin/promotions/:id',
      {
        schema: {
          tags,
          summary: 'Change a promotion’s label or end, or archive it',
          security,
          params: IdParams,
          body: UpdatePromotionBody,
          response: { 200: AdminPromotion },
        },
      },
      async (request) => admin.updatePromotion(actor(request), request.params.id, request.body),
    );

    app.post(
      '/v1/shop/admin/live',
      {
        schema: {
          tags,
          summary: 'Create a live shopping session with pinned products and live prices',
          security,
          body: LiveBody,
          response: { 201: LiveSession },
        },
      },
      async (request, reply) => reply.code(201).send(await admin.createLive(actor(request), request.body)),
    );
    app.patch(
      '/v1/shop/admin/live/:id',
      {
        schema: {
          tags,
          summary: 'Update a live session (products replace the pins)',
          security,
          params: IdParams,
          body: UpdateLiveBody,
          response: { 200: LiveSession },
        },
      },
      async (request) => admin.updateLive(actor(request), request.params.id, request.body),
    );
    app.delete(
      '/v1/shop/admin/live/:id',
      { schema: { tags, summary: 'Delete a live session', security, params: IdParams } },
      async (request, reply) => {
        await admin.deleteLive(actor(request), request.params.id);
        return reply.code(204).send();
      },
    );

    app.get(
      '/v1/shop/admin/clubs/:club',
      {
        schema: {
          tags,
          summary: 'Club shop settings',
          security,
          params: ClubParams,
          response: { 200: ClubSettings },
        },
      },
      async (request) => admin.clubSettings(actor(request), request.params.club),
    );
    app.patch(
      '/v1/shop/admin/clubs/:club',
      {
        schema: {
          tags,
          summary: 'Set the cashback rate (default 0.05)',
          security,
          params: ClubParams,
          body: ClubSettingsBody,
          response: { 200: ClubSettings },
        },
      },
      async (request) =>
        admin.updateClubSettings(actor(request), request.params.club, request.body.cashbackRate),
    );
  };
}

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { NotFoundError, PagedResponse, PageQuery, requirePartnerKey, requireUser } from '@pcf/kernel';
import { Type } from '@sinclair/typebox';
import {
  ApiKey,
  CreatedApiKey,
  CreateKeyBody,
  CreatePartnerBody,
  Partner,
  PartnerKeyParams,
  PartnerParams,
  PublishableKeyInfo,
  User,
  WidgetSession,
  WidgetSessionBody,
} from './identity.schema.ts';
import type { PartnersService } from './partners.service.ts';

const tags = ['partners'];
const secured = [{ bearer: [] }];

export function partnersRoutes(service: PartnersService): FastifyPluginAsyncTypebox {
  return async (app) => {
    const actor = (request: Parameters<typeof requireUser>[0]) => {
      const user = requireUser(request);
      return { role: user.role, partnerId: user.partnerId };
    };

    app.post(
      '/v1/partners',
      {
        schema: {
          tags,
          summary: 'Create a partner (club) and its first partner-admin (platform admins only)',
          security: secured,
          body: CreatePartnerBody,
          response: { 201: Type.Object({ partner: Partner, admin: User }) },
        },
      },
      async (request, reply) => {
        requireUser(request, ['platform_admin']);
        return reply.code(201).send(await service.createPartner(request.body));
      },
    );

    app.get(
      '/v1/partners',
      {
        schema: {
          tags,
          summary: 'List partners (platform admins only)',
          security: secured,
          querystring: PageQuery,
          response: { 200: PagedResponse(Partner) },
        },
      },
      async (request) => {
        requireUser(request, ['platform_admin']);
        return service.listPartners(request.query.limit ?? 20, request.query.cursor);
      },
    );

    app.get(
      '/v1/partners/:partnerId',
      {
        schema: {
          tags,
          summary: 'A partner you administer',
          security: secured,
          params: PartnerParams,
          response: { 200: Partner },
        },
      },
      async (request) => service.getPartner(actor(request), request.params.partnerId),
    );

    app.post(
      '/v1/partners/:partnerId/keys',
      {
        schema: {
          tags,
          summary: 'Create an API key; a secret key is shown once in this response',
          security: secured,
          params: PartnerParams,
          body: CreateKeyBody,
          response: { 201: CreatedApiKey },
        },
      },
      async (request, reply) =>
        reply.code(201).send(await service.createKey(actor(request), request.params.partnerId, request.body)),
    );

    app.get(
      '/v1/partners/:partnerId/keys',
      {
        schema: {
          tags,
          summary: "List a partner's API keys (secrets are never shown again)",
          security: secured,
          params: PartnerParams,
          querystring: PageQuery,
          response: { 200: PagedResponse(ApiKey) },
        },
      },
      async (request) =>
        service.listKeys(
          actor(request),
          request.params.partnerId,
          request.query.limit ?? 20,
          request.query.cursor,
        ),
    );

    app.delete(
      '/v1/partners/:partnerId/keys/:keyId',
      {
        schema: {
          tags,
          summary: 'Revoke an API key',
          security: secured,
          params: PartnerKeyParams,
          response: { 200: ApiKey },
        },
      },
      async (request) => service.revokeKey(actor(request), request.params.partnerId, request.params.keyId),
    );

    app.get(
      '/v1/partners/publishable-keys/:publishableKey',
      {
        schema: {
          tags,
          summary: 'Public facts about a publishable key (used by widgets)',
          params: Type.Object({
            publishableKey: Type.String({ pattern: '^pk_(live|test)_[A-Za-z0-9]{8,64}$' }),
          }),
          response: { 200: PublishableKeyInfo },
        },
      },
      async (request) => {
        const info = await service.getPublishableKey(request.params.publishableKey);
        if (!info) throw new NotFoundError('Publishable key', 'publishable_key_not_found');
        return info;
      },
    );

    app.post(
      '/v1/auth/widget-sessions',
      {
        schema: {
          tags: ['auth'],
          summary:
            "Mint a short-lived widget session for the partner's signed-in user (call with your sk_ key)",
          description:
            "The token works only from your publishable keys' origins (403 origin_not_allowed), stops working " +
            'within seconds when this secret key is revoked or the fan ends the session (401 session_revoked), ' +
            "and cannot change the fan's profile or credentials. The email is unverified: it is never the " +
            "account's email.",
          security: secured,
          body: WidgetSessionBody,
          response: { 201: WidgetSession },
        },
      },
      async (request, reply) => {
        const key = requirePartnerKey(request);
        return reply
          .code(201)
          .send(await service.createWidgetSession(key.partnerId, key.keyId, request.body));
      },
    );
  };
}

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { PageQuery, requireAccountOwner } from '@pcf/kernel';
import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import { Consent, ConsentPage, ConsentParams, GrantConsentBody } from './consents.schema.ts';
import type { ConsentsService } from './consents.service.ts';

const tags = ['auth'];
const Problem = Type.Object({}, { additionalProperties: true, description: 'application/problem+json' });
const security = [{ bearer: [] }];
const errors = { 401: Problem, 403: Problem, 404: Problem };

/** The fan signed in with their own account; a partner's widget session → 403 `widget_session_forbidden`. */
const ownAccount = (request: FastifyRequest): string => requireAccountOwner(request).userId;

/**
 * The signed-in fan's consents to partners (what a partner's pages may read through the SDK): list, read one,
 * grant, revoke. Fan's own sign-in only (403 `widget_session_forbidden` for a partner's widget session).
 */
export function consentsRoutes(consents: ConsentsService): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/v1/auth/consents',
      {
        schema: {
          tags,
          summary:
            'Partners whose pages may read your balance, history and cart through the SDK, newest first',
          security,
          querystring: PageQuery,
          response: { 200: ConsentPage, ...errors },
        },
      },
      async (request) => consents.list(ownAccount(request), request.query.limit ?? 20, request.query.cursor),
    );

    app.get(
      '/v1/auth/consents/:partnerId',
      {
        schema: {
          tags,
          summary: 'Your consent to one partner (404 consent_not_found when there is none)',
          security,
          params: ConsentParams,
          response: { 200: Consent, ...errors },
        },
      },
      async (request) => consents.get(ownAccount(request), request.params.partnerId),
    );

    app.put(
      '/v1/auth/consents/:partnerId',
      {
        schema: {
          tags,
          summary: "Allow a partner's pages to read your balance, history and cart (idempotent)",
          description:
            'Body `{ origin? }` (`{}` is fine). 201 when granted now, 200 when it already was (kept as it was). ' +
            'The widgets call it when you press "Allow" on their consent screen. 404 partner_not_found for an ' +
            'unknown partner.',
          security,
          params: ConsentParams,
          body: GrantConsentBody,
          response: { 200: Consent, 201: Consent, ...errors, 400: Problem },
        },
      },
      async (request, reply) => {
        const { consent, created } = await consents.grant(
          ownAccount(request),
          request.params.partnerId,
          request.body.origin ?? null,
        );
        return reply.code(created ? 201 : 200).send(consent);
      },
    );

    app.delete(
      '/v1/auth/consents/:partnerId',
      {
        schema: {
          tags,
          summary: "Withdraw a partner's read access; its pages must ask you again",
          security,
          params: ConsentParams,
          response: { 204: Type.Null(), ...errors },
        },
      },
      async (request, reply) => {
        await consents.revoke(ownAccount(request), request.params.partnerId);
        return reply.code(204).send(null);
      },
    );
  };
}

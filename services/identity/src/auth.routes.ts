import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { requireAccountOwner, requireUser } from '@pcf/kernel';
import { Type } from '@sinclair/typebox';
import type { IdentityService } from './auth.service.ts';
import { LoginBody, RefreshBody, SignupBody, TokenPair, UpdateMeBody, User } from './identity.schema.ts';
import type { SigningKeys } from './signing-keys.ts';

const tags = ['auth'];
const Problem = Type.Object({}, { additionalProperties: true, description: 'application/problem+json' });
const errors = { 400: Problem, 401: Problem, 409: Problem, 429: Problem };
const secured = [{ bearer: [] }];

export function identityRoutes(service: IdentityService, keys: SigningKeys): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.post(
      '/v1/auth/signup',
      {
        schema: {
          tags,
          summary: 'Create a fan account',
          description: 'A guessable password is refused with 400 weak_password and the estimator’s feedback.',
          body: SignupBody,
          response: { 201: TokenPair, ...errors },
        },
      },
      async (request, reply) => reply.code(201).send(await service.signup(request.body)),
    );

    app.post(
      '/v1/auth/login',
      {
        schema: {
          tags,
          summary: 'Sign in with email and password',
          body: LoginBody,
          response: { 200: TokenPair, ...errors },
        },
      },
      async (request) => service.login(request.body, request.ip),
    );

    app.post(
      '/v1/auth/refresh',
      {
        schema: {
          tags,
          summary: 'Exchange a refresh token for new tokens (the old one stops working)',
          body: RefreshBody,
          response: { 200: TokenPair, ...errors },
        },
      },
      async (request) => service.refresh(request.body.refreshToken),
    );

    app.post(
      '/v1/auth/logout',
      {
        schema: {
          tags,
          summary: 'End the current session',
          security: secured,
          response: { 204: Type.Null() },
        },
      },
      async (request, reply) => {
        const user = requireUser(request);
        await service.logout(user.sessionId);
        return reply.code(204).send(null);
      },
    );

    app.get(
      '/v1/auth/me',
      {
        schema: {
          tags,
          summary: 'The signed-in user',
          security: secured,
          response: { 200: User, 401: Problem },
        },
      },
      async (request) => service.me(requireUser(request).userId),
    );

    app.patch(
      '/v1/auth/me',
      {
        schema: {
          tags,
          summary: 'Update display name, favourite club, locale or display currency',
          description: "Not through a partner's widget session (403 widget_session_forbidden).",
          security: secured,
          body: UpdateMeBody,
          response: { 200: User, ...errors, 403: Problem },
        },
      },
      async (request) => service.updateMe(requireAccountOwner(request).userId, request.body),
    );

    app.get(
      '/.well-known/jwks.json',
      { schema: { tags, summary: 'Public keys that verify access tokens (EdDSA)' } },
      async (_request, reply) => {
        reply.header('cache-control', 'public, max-age=300');
        return keys.jwks();
      },
    );
  };
}

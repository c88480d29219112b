import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ForbiddenError, UnauthenticatedError } from '../errors.ts';
import type { Principal, Role } from './principal.ts';
import type { TokenVerifier } from './token-verifier.ts';

/** Resolves a partner secret key (sk_...) to its partner; identity owns the keys. */
export interface SecretKeyResolver {
  resolveSecretKey(
    secret: string,
  ): Promise<{ partnerId: string; keyId: string; mode: 'live' | 'test' } | null>;
}

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
}

/** Reads the bearer credential once per request; routes then ask for what they need. */
export function registerAuthentication(
  app: FastifyInstance,
  verifier: TokenVerifier,
  secretKeys: SecretKeyResolver,
  onAuthenticated?: (request: FastifyRequest, principal: Principal) => Promise<void>,
): void {
  app.decorateRequest('principal', null);
  const authenticate = async (request: FastifyRequest, header: string): Promise<void> => {
    const match = /^Bearer ([A-Za-z0-9._~+/=-]{10,4096})$/.exec(header);
    if (!match?.[1])
      throw new UnauthenticatedError('The Authorization header must be "Bearer <token>"', 'invalid_token');
    const credential = match[1];
    if (credential.startsWith('sk_')) {
      const key = await secretKeys.resolveSecretKey(credential);
      if (!key) throw new UnauthenticatedError('The secret key is invalid or revoked', 'invalid_api_key');
      request.principal = { kind: 'partner_key', ...key };
    } else {
      request.principal = await verifier.verify(credential);
    }
    await onAuthenticated?.(request, request.principal);
  };
  app.addHook('onRequest', (request, _reply, done) => {
    const header = request.headers.authorization;
    if (header === undefined) return done();
    authenticate(request, header).then(() => done(), done);
  });
}

export type UserPrincipal = Extract<Principal, { kind: 'user' | 'widget' }>;

/** A signed-in person (fan, partner admin, platform admin, or a fan inside a widget). */
export function requireUser(request: FastifyRequest, roles?: readonly Role[]): UserPrincipal {
  const principal = request.principal;
  if (!principal) throw new UnauthenticatedError();
  if (principal.kind === 'partner_key') {
    throw new ForbiddenError('This endpoint needs a signed-in user, not a secret key', 'user_required');
  }
  if (roles && !roles.includes(principal.role)) throw new ForbiddenError();
  return principal;
}

export function requirePartnerKey(request: FastifyRequest): Extract<Principal, { kind: 'partner_key' }> {
  const principal = request.principal;
  if (!principal) throw new UnauthenticatedError('A partner secret key (sk_...) is required');
  if (principal.kind !== 'partner_key') {
    throw new ForbiddenError(
      'This endpoint must be called with a partner secret key (sk_...)',
      'secret_key_required',
    );
  }
  return principal;
}

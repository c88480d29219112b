import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ForbiddenError, UnauthenticatedError } from '../errors.ts';
import type { Principal, Role } from './principal.ts';
import type { SessionCheck } from './session-check.ts';
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
  interface FastifyContextConfig {
    /** The route checks its own Authorization header (e.g. /metrics and PCF_METRICS_TOKEN): no principal is read. */
    ownAuthorization?: boolean;
  }
}

/** What a token may do beyond its signature: its session must be live, a widget token must come from its origins. */
export interface TokenScope {
  /** Session liveness (logout, revocation, revoked minting key); without it, tokens live until they expire. */
  sessions?: SessionCheck;
  /** The platform's own origin (its widget pages): always allowed for widget tokens. */
  platformOrigin?: string;
}

/**
 * Reads the bearer credential once per request; routes then ask for what they need.
 * Errors (as problem+json): 401 `invalid_token` (header not "Bearer <token>", or a token that is not ours),
 * 401 `token_expired`, 401 `invalid_api_key`, 401 `session_revoked` (the token's session has ended),
 * 403 `origin_not_allowed` (a widget token sent with an Origin its partner does not list),
 * 403 `fan_confirmation_required` (a widget token moving money from a partner's page instead of the widget),
 * 503 `session_check_unavailable`.
 */
export function registerAuthentication(
  app: FastifyInstance,
  verifier: TokenVerifier,
  secretKeys: SecretKeyResolver,
  onAuthenticated?: (request: FastifyRequest, principal: Principal) => Promise<void>,
  scope: TokenScope = {},
): void {
  app.decorateRequest('principal', null);
  const authenticate = async (request: FastifyRequest, header: string): Promise<void> => {
    const credential = bearerCredential(header);
    if (credential.startsWith('sk_')) {
      const key = await secretKeys.resolveSecretKey(credential);
      if (!key) throw new UnauthenticatedError('The secret key is invalid or revoked', 'invalid_api_key');
      request.principal = { kind: 'partner_key', ...key };
    } else {
      const principal = await verifier.verify(credential);
      if (principal.kind === 'widget') {
        assertWidgetOrigin(request.headers.origin, principal, scope.platformOrigin);
        assertFanConfirms(request, scope.platformOrigin);
      }
      if (
        principal.kind !== 'partner_key' &&
        scope.sessions &&
        !(await scope.sessions.isActive(principal.sessionId))
      )
        throw new UnauthenticatedError(
          'This session has ended (signed out, revoked, or its partner key was revoked); sign in again',
          'session_revoked',
        );
      request.principal = principal;
    }
    await onAuthenticated?.(request, request.principal);
  };
  app.addHook('onRequest', (request, _reply, done) => {
    const header = request.headers.authorization;
    if (header === undefined || request.routeOptions.config.ownAuthorization) return done();
    authenticate(request, header).then(() => done(), done);
  });
}

/**
 * The token of a "Bearer <token>" header. A header of another shape → 401 "must be Bearer <token>"; a token
 * that cannot be one of ours (characters, length) → 401 "The access token is invalid". Both `invalid_token`.
 */
function bearerCredential(header: string): string {
  const match = /^Bearer (\S+)$/.exec(header);
  if (!match?.[1])
    throw new UnauthenticatedError('The Authorization header must be "Bearer <token>"', 'invalid_token');
  const credential = match[1];
  if (!/^[A-Za-z0-9._~+/=-]{10,4096}$/.test(credential))
    throw new UnauthenticatedError('The access token is invalid', 'invalid_token');
  return credential;
}

/**
 * A widget token is bound to its partner's origins (and the platform's own widget pages). A browser stamps its
 * real Origin on every cross-origin request, so a page of another site — even one whose own key passes CORS —
 * cannot use the token. Without an Origin header (a same-origin GET from our widget pages, or a non-browser
 * client, which could forge any Origin anyway) the request passes: the binding protects against browsers.
 */
function assertWidgetOrigin(
  origin: string | undefined,
  principal: Extract<Principal, { kind: 'widget' }>,
  platformOrigin: string | undefined,
): void {
  if (origin === undefined || origin === platformOrigin || principal.origins.includes(origin)) return;
  throw new ForbiddenError(
    `This widget session may only be used from its partner's sites, not from ${origin.slice(0, 100)}`,
    'origin_not_allowed',
  );
}

/**
 * A widget token moves money (routes that declare `config.idempotency`: sends, deposits, conversions, checkouts,
 * cancellations) only from our own widget pages, where the fan confirms it with a click. A partner's page holding
 * the token (its fetchSessionToken) may read, but a payment it asks for must go through the widget.
 */
function assertFanConfirms(request: FastifyRequest, platformOrigin: string | undefined): void {
  const origin = request.headers.origin;
  if (origin === undefined || origin === platformOrigin) return;
  if (request.routeOptions.config.idempotency === undefined) return;
  throw new ForbiddenError(
    'A widget session moves money only from the widget, where the fan confirms it; ask the widget (pcf.wallet.sendPayment, pcf.shop.checkout)',
    'fan_confirmation_required',
  );
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

/**
 * A person acting on their own account — not a partner's widget session. For routes that change the profile,
 * credentials or sessions; throws 401 without a user, 403 `widget_session_forbidden` for a widget token.
 */
export function requireAccountOwner(request: FastifyRequest): Extract<Principal, { kind: 'user' }> {
  const principal = requireUser(request);
  if (principal.kind === 'widget') {
    throw new ForbiddenError(
      "A partner's widget session cannot change the fan's profile, credentials or sessions",
      'widget_session_forbidden',
    );
  }
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

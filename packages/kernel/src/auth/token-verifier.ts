import { createLocalJWKSet, errors, type JSONWebKeySet, type JWTVerifyGetKey, jwtVerify } from 'jose';
import { UnauthenticatedError } from '../errors.ts';
import { TtlCache } from '../ttl-cache.ts';
import { type AccessClaims, type Principal, type Role, TOKEN_AUDIENCE, TOKEN_ISSUER } from './principal.ts';

/** Where public signing keys come from: identity in-process, or its /.well-known/jwks.json over HTTP. */
export interface JwksSource {
  getJwks(): Promise<JSONWebKeySet>;
}

const ROLES: readonly Role[] = ['fan', 'partner_admin', 'platform_admin'];

/**
 * Verifies access tokens locally against cached public keys (no call to identity per request);
 * an unknown kid triggers one refresh, at most every cooldownMs.
 */
export class TokenVerifier {
  /** Tokens already verified, until they expire: a repeated token costs a map lookup, not a signature check. */
  readonly #verified: TtlCache<string, Principal>;
  #keys: JWTVerifyGetKey | undefined;
  #loadedAt = 0;
  #loading: Promise<JWTVerifyGetKey> | undefined;

  constructor(
    private readonly source: JwksSource,
    private readonly cooldownMs = 30_000,
    cacheSize = 10_000,
  ) {
    this.#verified = new TtlCache(15 * 60_000, cacheSize);
  }

  async verify(token: string): Promise<Principal> {
    const cached = this.#verified.get(token);
    if (cached) return cached;
    let claims: AccessClaims & { exp: number };
    try {
      claims = await this.#verifyWithRefresh(token);
    } catch (error) {
      if (error instanceof UnauthenticatedError) throw error;
      if (error instanceof errors.JWTExpired)
        throw new UnauthenticatedError('The access token has expired', 'token_expired');
      throw new UnauthenticatedError('The access token is invalid', 'invalid_token');
    }
    const principal = toPrincipal(claims);
    this.#verified.set(token, principal, claims.exp * 1000);
    return principal;
  }

  async #verifyWithRefresh(token: string): Promise<AccessClaims & { exp: number }> {
    const keys = this.#keys ?? (await this.#load());
    try {
      return await verifyWith(token, keys);
    } catch (error) {
      const stale = Date.now() - this.#loadedAt >= this.cooldownMs;
      if (error instanceof errors.JWKSNoMatchingKey && stale) return verifyWith(token, await this.#load());
      throw error;
    }
  }

  #load(): Promise<JWTVerifyGetKey> {
    this.#loading ??= this.source
      .getJwks()
      .then((jwks) => {
        this.#keys = createLocalJWKSet(jwks);
        this.#loadedAt = Date.now();
        return this.#keys;
      })
      .finally(() => {
        this.#loading = undefined;
      });
    return this.#loading;
  }
}

async function verifyWith(token: string, keys: JWTVerifyGetKey): Promise<AccessClaims & { exp: number }> {
  const { payload } = await jwtVerify(token, keys, {
    issuer: TOKEN_ISSUER,
    audience: TOKEN_AUDIENCE,
    algorithms: ['EdDSA'],
    requiredClaims: ['sub', 'exp', 'iat', 'sid', 'role', 'typ'],
  });
  return payload as unknown as AccessClaims & { exp: number };
}

function toPrincipal(claims: AccessClaims): Principal {
  if (!ROLES.includes(claims.role) || typeof claims.sub !== 'string' || typeof claims.sid !== 'string') {
    throw new UnauthenticatedError('The access token is invalid', 'invalid_token');
  }
  if (claims.typ === 'widget') {
    if (claims.role !== 'fan' || typeof claims.pid !== 'string' || !Array.isArray(claims.origins)) {
      throw new UnauthenticatedError('The widget session token is invalid', 'invalid_token');
    }
    return {
      kind: 'widget',
      userId: claims.sub,
      role: 'fan',
      partnerId: claims.pid,
      origins: claims.origins.filter((o): o is string => typeof o === 'string'),
      sessionId: claims.sid,
    };
  }
  if (claims.typ !== 'access') throw new UnauthenticatedError('The access token is invalid', 'invalid_token');
  return {
    kind: 'user',
    userId: claims.sub,
    role: claims.role,
    partnerId: claims.pid,
    sessionId: claims.sid,
  };
}

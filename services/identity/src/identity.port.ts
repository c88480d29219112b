import type {
  InternalHttpClient,
  JwksSource,
  OriginPolicy,
  SecretKeyResolver,
  SessionStatusSource,
} from '@pcf/kernel';
import type { JSONWebKeySet } from 'jose';

export interface UserSummary {
  id: string;
  displayName: string;
  handle: string;
  email: string | null;
  role: 'fan' | 'partner_admin' | 'platform_admin';
  partnerId: string | null;
  locale: 'fr' | 'en';
  displayCurrency: 'EUR' | 'USD';
}

export interface PublishableKeyInfo {
  partnerId: string;
  partnerName: string;
  partnerSlug: string;
  mode: 'live' | 'test';
  allowedOrigins: string[];
}

/** What other services may ask identity (the platform asks isSessionActive for every token, cached a few seconds). */
export interface IdentityPort extends JwksSource, SecretKeyResolver, OriginPolicy, SessionStatusSource {
  /** Finds a user by id, account email or @handle (never by an email a partner supplied: it is unverified). */
  findUser(reference: string): Promise<UserSummary | null>;
  getPublishableKey(publishableKey: string): Promise<PublishableKeyInfo | null>;
}

export function identityHttpPort(client: InternalHttpClient): IdentityPort {
  return {
    getJwks: () => client.getPublic<JSONWebKeySet>('/.well-known/jwks.json'),
    resolveSecretKey: (secret) => client.call('POST', '/secret-keys/resolve', { secret }),
    isAllowedOrigin: async (origin) =>
      (await client.call<{ allowed: boolean }>('POST', '/origins/check', { origin })).allowed,
    findUser: (reference) => client.call('POST', '/users/find', { reference }),
    isSessionActive: async (sessionId) =>
      (await client.call<{ active: boolean }>('POST', '/sessions/check', { sessionId })).active,
    getPublishableKey: (publishableKey) => client.call('POST', '/publishable-keys/find', { publishableKey }),
  };
}

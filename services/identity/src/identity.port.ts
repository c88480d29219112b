import {
  declarePort,
  type JwksSource,
  Nullable,
  type OriginPolicy,
  type PortOf,
  type SecretKeyResolver,
  type SessionStatusSource,
  strict,
  Uuid,
} from '@pcf/kernel';
import { type Static, type TString, Type } from '@sinclair/typebox';
import type { JSONWebKeySet } from 'jose';

export const UserSummary = Type.Object({
  id: Uuid,
  displayName: Type.String(),
  handle: Type.String(),
  email: Nullable(Type.String()),
  role: Type.Union([Type.Literal('fan'), Type.Literal('partner_admin'), Type.Literal('platform_admin')]),
  partnerId: Nullable(Type.String()),
  locale: Type.Union([Type.Literal('fr'), Type.Literal('en')]),
  displayCurrency: Type.Union([Type.Literal('EUR'), Type.Literal('USD')]),
});
export type UserSummary = Static<typeof UserSummary>;

export const PublishableKeyInfo = Type.Object({
  partnerId: Type.String(),
  partnerName: Type.String(),
  partnerSlug: Type.String(),
  mode: Type.Union([Type.Literal('live'), Type.Literal('test')]),
  allowedOrigins: Type.Array(Type.String()),
});
export type PublishableKeyInfo = Static<typeof PublishableKeyInfo>;

const SecretKeyOwner = Type.Object({
  partnerId: Type.String(),
  keyId: Type.String(),
  mode: Type.Union([Type.Literal('live'), Type.Literal('test')]),
});

/** The public signing keys (RFC 7517 set); each key is passed through as identity publishes it. */
const Jwks = Type.Unsafe<JSONWebKeySet>(
  Type.Object({ keys: Type.Array(Type.Object({}, { additionalProperties: true })) }),
);

/** One text field, the only input of a lookup. Lengths follow what callers may pass (a Bearer credential ≤ 4096). */
const lookup = <K extends string>(field: K, maxLength: number) =>
  Type.Object({ [field]: Type.String({ maxLength }) } as Record<K, TString>, strict);

/** What other services may ask identity (the platform asks isSessionActive for every token, cached a few seconds). */
export const identityPort = declarePort('identity', {
  getJwks: {
    method: 'GET',
    path: '/jwks',
    input: Type.Object({}, strict),
    args: [],
    output: Jwks,
    summary: 'The public keys that verify access and widget tokens',
  },
  resolveSecretKey: {
    method: 'POST',
    path: '/secret-keys/resolve',
    input: lookup('secret', 4096),
    args: ['secret'],
    output: Nullable(SecretKeyOwner),
    summary: 'The partner behind an sk_… key; null when unknown or revoked',
  },
  isAllowedOrigin: {
    method: 'POST',
    path: '/origins/check',
    input: lookup('origin', 2048),
    args: ['origin'],
    output: Type.Boolean(),
    summary: 'Whether an active publishable key lists this browser origin',
  },
  isSessionActive: {
    method: 'POST',
    path: '/sessions/check',
    input: lookup('sessionId', 100),
    args: ['sessionId'],
    output: Type.Boolean(),
    summary: 'Whether a session is live (not logged out, revoked, expired, or minted by a revoked key)',
  },
  findUser: {
    method: 'POST',
    path: '/users/find',
    input: lookup('reference', 300),
    args: ['reference'],
    output: Nullable(UserSummary),
    summary:
      'A user by id, account email or @handle (never by an email a partner supplied: it is unverified)',
  },
  getPublishableKey: {
    method: 'POST',
    path: '/publishable-keys/find',
    input: lookup('publishableKey', 200),
    args: ['publishableKey'],
    output: Nullable(PublishableKeyInfo),
    summary: 'A publishable key’s partner and allowed origins; null when unknown or revoked',
  },
});

/** What other services (and the platform: tokens, secret keys, origins, sessions) may ask identity. */
export interface IdentityPort
  extends PortOf<typeof identityPort>,
    JwksSource,
    SecretKeyResolver,
    OriginPolicy,
    SessionStatusSource {}

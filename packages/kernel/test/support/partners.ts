import { randomUUID } from 'node:crypto';
import { type Account, adminLogin, FAN_PASSWORD, login } from './accounts.ts';
import type { PlatformClient } from './platform.ts';

/** A partner (club) with its admin signed in, and the keys asked for. */
export interface Club {
  partnerId: string;
  slug: string;
  name: string;
  /** The partner's own admin (role `partner_admin`), signed in. */
  admin: Account;
  /** `pk_…` allowing `origins`, or null when no origins were given. */
  publishableKey: string | null;
  /** `sk_…`, or null unless asked for. */
  secretKey: string | null;
}

export interface ClubOptions {
  slug?: string;
  name?: string;
  /** Creates a publishable key allowing these origins. */
  origins?: string[];
  /** Creates a secret key. */
  secretKey?: boolean;
}

/** A key as `POST /v1/partners/:id/keys` answers it; the secret is shown only here. */
export interface CreatedKey {
  id: string;
  publishableKey: string | null;
  secret: string | null;
  [field: string]: unknown;
}

/**
 * Creates a partner through `POST /v1/partners` as the platform admin, with its own admin account, then the keys
 * asked for; then publishes pending events when the platform can (`identity.partner_created` reaches the services
 * that keep a copy of partners — wait for your service to know the club if it matters).
 */
export async function createClub(p: PlatformClient, options: ClubOptions = {}): Promise<Club> {
  const slug = options.slug ?? `club-${randomUUID().slice(0, 6)}`;
  const name = options.name ?? `Club ${slug}`;
  const root = await adminLogin(p);
  const adminEmail = `admin-${slug}@example.com`;
  const created = await p.api.json<{ partner: { id: string } }>({
    method: 'POST',
    url: '/v1/partners',
    token: root.token,
    body: { name, slug, admin: { email: adminEmail, password: FAN_PASSWORD, displayName: 'Club Admin' } },
    expect: 201,
  });
  const partnerId = created.partner.id;
  const admin = await login(p, adminEmail, FAN_PASSWORD);
  const publishableKey = options.origins
    ? (await createKey(p, partnerId, admin.token, { kind: 'publishable', allowedOrigins: options.origins }))
        .publishableKey
    : null;
  const secretKey = options.secretKey
    ? (await createKey(p, partnerId, admin.token, { kind: 'secret' })).secret
    : null;
  await p.flushEvents?.();
  return { partnerId, slug, name, admin, publishableKey, secretKey };
}

/** `POST /v1/partners/:partnerId/keys` with `body` (`{ kind: 'publishable', allowedOrigins }` or `{ kind: 'secret' }`). */
export function createKey(
  p: PlatformClient,
  partnerId: string,
  token: string,
  body: Record<string, unknown>,
): Promise<CreatedKey> {
  return p.api.json<CreatedKey>({
    method: 'POST',
    url: `/v1/partners/${partnerId}/keys`,
    token,
    body,
    expect: 201,
  });
}

import type { Database, Queryable } from '@pcf/kernel';
import type { PublishableKeyInfo } from './identity.port.ts';
import type { ApiKey, Partner } from './identity.schema.ts';

interface KeyRow {
  id: string;
  partner_id: string;
  kind: ApiKey['kind'];
  mode: ApiKey['mode'];
  publishable_key: string | null;
  secret_last4: string | null;
  allowed_origins: string[];
  label: string | null;
  created_at: Date | string;
  revoked_at: Date | string | null;
  cursor_at: string;
}

export interface NewKey {
  id: string;
  partnerId: string;
  kind: ApiKey['kind'];
  mode: ApiKey['mode'];
  publishableKey: string | null;
  secretHash: string | null;
  secretLast4: string | null;
  allowedOrigins: string[];
  label: string | null;
}

interface PartnerRow {
  id: string;
  name: string;
  slug: string;
  created_at: Date | string;
  cursor_at: string;
}

const KEY_COLUMNS =
  'id, partner_id, kind, mode, publishable_key, secret_last4, allowed_origins, label, created_at, revoked_at, created_at::text AS cursor_at';

/** Partners, their API keys and their fans' external ids. */
export class PartnersRepository {
  constructor(private readonly db: Database) {}

  async insertPartner(
    partner: { id: string; name: string; slug: string },
    q: Queryable = this.db,
  ): Promise<Partner> {
    const result = await q.query<PartnerRow>(
      'INSERT INTO identity.partners (id, name, slug) VALUES ($1, $2, $3) RETURNING id, name, slug, created_at, created_at::text AS cursor_at',
      [partner.id, partner.name, partner.slug],
    );
    return toPartner(result.rows[0]!);
  }

  async slugExists(slug: string, q: Queryable = this.db): Promise<boolean> {
    return (await q.query('SELECT 1 FROM identity.partners WHERE slug = $1', [slug])).rowCount > 0;
  }

  async findPartner(id: string): Promise<Partner | undefined> {
    const result = await this.db.query<PartnerRow>(
      'SELECT id, name, slug, created_at, created_at::text AS cursor_at FROM identity.partners WHERE id = $1',
      [id],
    );
    return result.rows[0] ? toPartner(result.rows[0]) : undefined;
  }

  async listPartners(
    limit: number,
    after?: { createdAt: string; id: string },
  ): Promise<(Partner & { cursorAt: string })[]> {
    const result = await this.db.query<PartnerRow>(
      `SELECT id, name, slug, created_at, created_at::text AS cursor_at FROM identity.partners
       WHERE $2::timestamptz IS NULL OR (created_at, id) < ($2::timestamptz, $3::uuid)
       ORDER BY created_at DESC, id DESC LIMIT $1`,
      [limit + 1, after?.createdAt ?? null, after?.id ?? null],
    );
    return result.rows.map(toPartner);
  }

  async insertKey(key: NewKey, q: Queryable = this.db): Promise<ApiKey & { cursorAt: string }> {
    const result = await q.query<KeyRow>(
      `INSERT INTO identity.api_keys
         (id, partner_id, kind, mode, publishable_key, secret_hash, secret_last4, allowed_origins, label)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8::text[], $9) RETURNING ${KEY_COLUMNS}`,
      [
        key.id,
        key.partnerId,
        key.kind,
        key.mode,
        key.publishableKey,
        key.secretHash,
        key.secretLast4,
        key.allowedOrigins,
        key.label,
      ],
    );
    return toKey(result.rows[0]!);
  }

  async listKeys(
    partnerId: string,
    limit: number,
    after?: { createdAt: string; id: string },
  ): Promise<ApiKey[]> {
    const result = await this.db.query<KeyRow>(
      `SELECT ${KEY_COLUMNS} FROM identity.api_keys
       WHERE partner_id = $1 AND ($3::timestamptz IS NULL OR (created_at, id) < ($3::timestamptz, $4::uuid))
       ORDER BY created_at DESC, id DESC LIMIT $2`,
      [partnerId, limit + 1, after?.createdAt ?? null, after?.id ?? null],
    );
    return result.rows.map(toKey);
  }

  /**
   * Adds origins to the allowed origins of these publishable keys (unrevoked ones), keeping those already listed;
   * returns how many keys changed.
   */
  async addAllowedOrigins(
    publishableKeys: string[],
    origins: string[],
    q: Queryable = this.db,
  ): Promise<number> {
    const result = await q.query(
      `UPDATE identity.api_keys
       SET allowed_origins = allowed_origins || ARRAY(
         SELECT o FROM unnest($2::text[]) WITH ORDINALITY AS t(o, n) WHERE o <> ALL(allowed_origins) ORDER BY n)
       WHERE kind = 'publishable' AND revoked_at IS NULL AND publishable_key = ANY($1::text[])
         AND NOT ($2::text[] <@ allowed_origins)`,
      [publishableKeys, origins],
    );
    return result.rowCount ?? 0;
  }

  async revokeKey(partnerId: string, keyId: string): Promise<(ApiKey & { cursorAt: string }) | undefined> {
    const result = await this.db.query<KeyRow>(
      `UPDATE identity.api_keys SET revoked_at = coalesce(revoked_at, now())
       WHERE partner_id = $1 AND id = $2 RETURNING ${KEY_COLUMNS}`,
      [partnerId, keyId],
    );
    return result.rows[0] ? toKey(result.rows[0]) : undefined;
  }

  async findActiveSecretKey(secretHash: string) {
    const result = await this.db.query<{ id: string; partner_id: string; mode: ApiKey['mode'] }>(
      `SELECT id, partner_id, mode FROM identity.api_keys
       WHERE secret_hash = $1 AND kind = 'secret' AND revoked_at IS NULL`,
      [secretHash],
    );
    const row = result.rows[0];
    return row ? { keyId: row.id, partnerId: row.partner_id, mode: row.mode } : null;
  }

  async findActivePublishableKey(publishableKey: string): Promise<PublishableKeyInfo | null> {
    const result = await this.db.query<{
      partner_id: string;
      name: string;
      slug: string;
      mode: ApiKey['mode'];
      allowed_origins: string[];
    }>(
      `SELECT k.partner_id, p.name, p.slug, k.mode, k.allowed_origins
       FROM identity.api_keys k JOIN identity.partners p ON p.id = k.partner_id
       WHERE k.publishable_key = $1 AND k.revoked_at IS NULL`,
      [publishableKey],
    );
    const row = result.rows[0];
    return row
      ? {
          partnerId: row.partner_id,
          partnerName: row.name,
          partnerSlug: row.slug,
          mode: row.mode,
          allowedOrigins: row.allowed_origins,
        }
      : null;
  }

  async originAllowed(origin: string): Promise<boolean> {
    const result = await this.db.query(
      `SELECT 1 FROM identity.api_keys
       WHERE kind = 'publishable' AND revoked_at IS NULL AND $1 = ANY(allowed_origins) LIMIT 1`,
      [origin],
    );
    return result.rowCount > 0;
  }

  async findPartnerFan(
    partnerId: string,
    externalUserId: string,
    q: Queryable = this.db,
  ): Promise<string | undefined> {
    const result = await q.query<{ user_id: string }>(
      'SELECT user_id FROM identity.partner_fans WHERE partner_id = $1 AND external_user_id = $2',
      [partnerId, externalUserId],
    );
    return result.rows[0]?.user_id;
  }

  /** Returns false when another request linked the same external id first. */
  async insertPartnerFan(
    link: { partnerId: string; externalUserId: string; userId: string; email: string | null },
    q: Queryable,
  ): Promise<boolean> {
    const result = await q.query(
      `INSERT INTO identity.partner_fans (partner_id, external_user_id, user_id, email)
       VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`,
      [link.partnerId, link.externalUserId, link.userId, link.email],
    );
    return result.rowCount === 1;
  }
}

function toPartner(row: PartnerRow): Partner & { cursorAt: string } {
  return {
    id: row.id,
    name: row.name,
    slug: row.slug,
    createdAt: new Date(row.created_at).toISOString(),
    cursorAt: row.cursor_at,
  };
}

function toKey(row: KeyRow): ApiKey & { cursorAt: string } {
  return {
    id: row.id,
    partnerId: row.partner_id,
    kind: row.kind,
    mode: row.mode,
    publishableKey: row.publishable_key,
    secretLast4: row.secret_last4,
    allowedOrigins: row.allowed_origins,
    label: row.label,
    createdAt: new Date(row.created_at).toISOString(),
    revokedAt: row.revoked_at === null ? null : new Date(row.revoked_at).toISOString(),
    cursorAt: row.cursor_at,
  };
}

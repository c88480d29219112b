import type { Database } from '@pcf/kernel';
import type { Consent } from './consents.schema.ts';

interface ConsentRow {
  partner_id: string;
  partner_name: string;
  partner_slug: string;
  origin: string | null;
  granted_at: Date | string;
  cursor_at: string;
}

const COLUMNS = `c.partner_id, p.name AS partner_name, p.slug AS partner_slug, c.origin, c.granted_at,
  c.granted_at::text AS cursor_at`;

/** Fans' consents to partners (identity.partner_consents). The only place with SQL for them. */
export class ConsentsRepository {
  constructor(private readonly db: Database) {}

  /** A user's consents, newest first; limit + 1 rows (see toPage). */
  async list(
    userId: string,
    limit: number,
    after?: { createdAt: string; id: string },
  ): Promise<(Consent & { cursorAt: string })[]> {
    const result = await this.db.query<ConsentRow>(
      `SELECT ${COLUMNS} FROM identity.partner_consents c JOIN identity.partners p ON p.id = c.partner_id
       WHERE c.user_id = $1
         AND ($3::timestamptz IS NULL OR (c.granted_at, c.partner_id) < ($3::timestamptz, $4::uuid))
       ORDER BY c.granted_at DESC, c.partner_id DESC LIMIT $2`,
      [userId, limit + 1, after?.createdAt ?? null, after?.id ?? null],
    );
    return result.rows.map(toConsent);
  }

  async find(userId: string, partnerId: string): Promise<Consent | undefined> {
    const result = await this.db.query<ConsentRow>(
      `SELECT ${COLUMNS} FROM identity.partner_consents c JOIN identity.partners p ON p.id = c.partner_id
       WHERE c.user_id = $1 AND c.partner_id = $2`,
      [userId, partnerId],
    );
    const row = result.rows[0];
    return row ? withoutCursor(toConsent(row)) : undefined;
  }

  /** Records the consent; false when it was already there (kept as it was, first grant time included). */
  async insert(userId: string, partnerId: string, origin: string | null): Promise<boolean> {
    const result = await this.db.query(
      `INSERT INTO identity.partner_consents (user_id, partner_id, origin) VALUES ($1, $2, $3)
       ON CONFLICT (user_id, partner_id) DO NOTHING`,
      [userId, partnerId, origin],
    );
    return result.rowCount === 1;
  }

  /** Deletes the consent; false when there was none. */
  async delete(userId: string, partnerId: string): Promise<boolean> {
    const result = await this.db.query(
      'DELETE FROM identity.partner_consents WHERE user_id = $1 AND partner_id = $2',
      [userId, partnerId],
    );
    return result.rowCount > 0;
  }
}

function toConsent(row: ConsentRow): Consent & { cursorAt: string } {
  return {
    partnerId: row.partner_id,
    partnerName: row.partner_name,
    partnerSlug: row.partner_slug,
    origin: row.origin,
    grantedAt: new Date(row.granted_at).toISOString(),
    cursorAt: row.cursor_at,
  };
}

const withoutCursor = ({ cursorAt: _c, ...consent }: Consent & { cursorAt: string }): Consent => consent;

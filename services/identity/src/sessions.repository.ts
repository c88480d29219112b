import type { Database } from '@pcf/kernel';

/** A live session as its fan sees it in the sessions list. */
export interface SessionRecord {
  id: string;
  kind: 'password' | 'widget';
  partner: { id: string; name: string } | null;
  createdAt: string;
  expiresAt: string;
  /** created_at as the database's exact text (the page cursor). */
  cursorAt: string;
}

interface SessionRow {
  id: string;
  kind: SessionRecord['kind'];
  partner_id: string | null;
  partner_name: string | null;
  created_at: Date | string;
  expires_at: Date | string;
  cursor_at: string;
}

/** Live = neither revoked nor expired, and not minted by a secret key that has since been revoked. */
const LIVE = `s.revoked_at IS NULL AND s.expires_at > now()
  AND NOT EXISTS (SELECT 1 FROM identity.api_keys k WHERE k.id = s.minted_by_key_id AND k.revoked_at IS NOT NULL)`;

const SESSION = `SELECT s.id, s.kind, s.partner_id, p.name AS partner_name, s.created_at, s.expires_at,
         s.created_at::text AS cursor_at
  FROM identity.sessions s LEFT JOIN identity.partners p ON p.id = s.partner_id`;

/** Sessions as their fans and the platform's token check see them. The only place with SQL for that. */
export class SessionsRepository {
  constructor(private readonly db: Database) {}

  /** Whether tokens of this session may still be used. */
  async isLive(sessionId: string): Promise<boolean> {
    const result = await this.db.query(`SELECT 1 FROM identity.sessions s WHERE s.id = $1 AND ${LIVE}`, [
      sessionId,
    ]);
    return result.rowCount > 0;
  }

  /** A user's live sessions, newest first; limit + 1 rows (see toPage). */
  async listLive(
    userId: string,
    limit: number,
    after?: { createdAt: string; id: string },
  ): Promise<SessionRecord[]> {
    const result = await this.db.query<SessionRow>(
      `${SESSION}
       WHERE s.user_id = $1 AND ${LIVE}
         AND ($3::timestamptz IS NULL OR (s.created_at, s.id) < ($3::timestamptz, $4::uuid))
       ORDER BY s.created_at DESC, s.id DESC LIMIT $2`,
      [userId, limit + 1, after?.createdAt ?? null, after?.id ?? null],
    );
    return result.rows.map(toSession);
  }

  /** One live session of this user, or undefined (someone else's, ended, or unknown). */
  async findLive(userId: string, sessionId: string): Promise<SessionRecord | undefined> {
    const result = await this.db.query<SessionRow>(
      `${SESSION} WHERE s.user_id = $1 AND s.id = $2 AND ${LIVE}`,
      [userId, sessionId],
    );
    return result.rows[0] ? toSession(result.rows[0]) : undefined;
  }
}

function toSession(row: SessionRow): SessionRecord {
  return {
    id: row.id,
    kind: row.kind,
    partner:
      row.partner_id === null ? null : { id: row.partner_id, name: row.partner_name ?? row.partner_id },
    createdAt: new Date(row.created_at).toISOString(),
    expiresAt: new Date(row.expires_at).toISOString(),
    cursorAt: row.cursor_at,
  };
}

import type { Database, Queryable } from '@pcf/kernel';
import type { JWK } from 'jose';
import type { User } from './identity.schema.ts';

interface UserRow {
  id: string;
  email: string | null;
  password_hash: string | null;
  display_name: string;
  handle: string;
  role: User['role'];
  partner_id: string | null;
  favourite_club: string | null;
  locale: User['locale'];
  display_currency: User['displayCurrency'];
  created_at: Date | string;
}

export interface UserRecord extends User {
  passwordHash: string | null;
}

export interface NewUser {
  id: string;
  email: string | null;
  passwordHash: string | null;
  displayName: string;
  handle: string;
  role: User['role'];
  partnerId: string | null;
}

export interface RefreshTokenRecord {
  sessionId: string;
  userId: string;
  usedAt: Date | null;
  sessionRevoked: boolean;
  sessionExpired: boolean;
}

const USER_COLUMNS =
  'id, email, password_hash, display_name, handle, role, partner_id, favourite_club, locale, display_currency, created_at';

/** Users, sessions, refresh tokens and signing keys. The only place with SQL for them. */
export class IdentityRepository {
  constructor(private readonly db: Database) {}

  async insertUser(user: NewUser, q: Queryable = this.db): Promise<UserRecord> {
    const result = await q.query<UserRow>(
      `INSERT INTO identity.users (id, email, password_hash, display_name, handle, role, partner_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ${USER_COLUMNS}`,
      [user.id, user.email, user.passwordHash, user.displayName, user.handle, user.role, user.partnerId],
    );
    return toUser(result.rows[0]!);
  }

  async findUserByEmail(email: string, q: Queryable = this.db): Promise<UserRecord | undefined> {
    return this.#findUser('email = $1', email, q);
  }

  async findUserById(id: string, q: Queryable = this.db): Promise<UserRecord | undefined> {
    return this.#findUser('id = $1', id, q);
  }

  async findUserByHandle(handle: string, q: Queryable = this.db): Promise<UserRecord | undefined> {
    return this.#findUser('handle = $1', handle, q);
  }

  async emailExists(email: string, q: Queryable = this.db): Promise<boolean> {
    return (await q.query('SELECT 1 FROM identity.users WHERE email = $1', [email])).rowCount > 0;
  }

  async handleExists(handle: string, q: Queryable = this.db): Promise<boolean> {
    return (await q.query('SELECT 1 FROM identity.users WHERE handle = $1', [handle])).rowCount > 0;
  }

  async updateUser(
    id: string,
    changes: Partial<Pick<User, 'displayName' | 'favouriteClub' | 'locale' | 'displayCurrency'>>,
  ): Promise<UserRecord | undefined> {
    const result = await this.db.query<UserRow>(
      `UPDATE identity.users SET
         display_name = CASE WHEN $2 THEN $3 ELSE display_name END,
         favourite_club = CASE WHEN $4 THEN $5 ELSE favourite_club END,
         locale = CASE WHEN $6 THEN $7 ELSE locale END,
         display_currency = CASE WHEN $8 THEN $9 ELSE display_currency END,
         updated_at = now()
       WHERE id = $1 RETURNING ${USER_COLUMNS}`,
      [
        id,
        changes.displayName !== undefined,
        changes.displayName ?? null,
        changes.favouriteClub !== undefined,
        changes.favouriteClub ?? null,
        changes.locale !== undefined,
        changes.locale ?? null,
        changes.displayCurrency !== undefined,
        changes.displayCurrency ?? null,
      ],
    );
    return result.rows[0] ? toUser(result.rows[0]) : undefined;
  }

  async insertSession(
    session: {
      id: string;
      userId: string;
      kind: 'password' | 'widget';
      partnerId: string | null;
      ttlSeconds: number;
      /** The partner secret key that minted a widget session. */
      mintedByKeyId?: string | null;
    },
    q: Queryable = this.db,
  ): Promise<void> {
    await q.query(
      `INSERT INTO identity.sessions (id, user_id, kind, partner_id, expires_at, minted_by_key_id)
       VALUES ($1, $2, $3, $4, now() + $5 * interval '1 second', $6)`,
      [
        session.id,
        session.userId,
        session.kind,
        session.partnerId,
        session.ttlSeconds,
        session.mintedByKeyId ?? null,
      ],
    );
  }

  async insertRefreshToken(tokenHash: string, sessionId: string, q: Queryable = this.db): Promise<void> {
    await q.query('INSERT INTO identity.refresh_tokens (token_hash, session_id) VALUES ($1, $2)', [
      tokenHash,
      sessionId,
    ]);
  }

  /** Locks the token's row so two concurrent refreshes with one token cannot both succeed. */
  async lockRefreshToken(q: Queryable, tokenHash: string): Promise<RefreshTokenRecord | undefined> {
    const result = await q.query<{
      session_id: string;
      user_id: string;
      used_at: Date | string | null;
      revoked: boolean;
      expired: boolean;
    }>(
      `SELECT t.session_id, s.user_id, t.used_at, s.revoked_at IS NOT NULL AS revoked, s.expires_at < now() AS expired
       FROM identity.refresh_tokens t JOIN identity.sessions s ON s.id = t.session_id
       WHERE t.token_hash = $1 FOR UPDATE OF t, s`,
      [tokenHash],
    );
    const row = result.rows[0];
    if (!row) return undefined;
    return {
      sessionId: row.session_id,
      userId: row.user_id,
      usedAt: row.used_at === null ? null : new Date(row.used_at),
      sessionRevoked: row.revoked,
      sessionExpired: row.expired,
    };
  }

  async markRefreshTokenUsed(q: Queryable, tokenHash: string): Promise<void> {
    await q.query('UPDATE identity.refresh_tokens SET used_at = now() WHERE token_hash = $1', [tokenHash]);
  }

  async revokeSession(sessionId: string, reason: string, q: Queryable = this.db): Promise<void> {
    await q.query(
      `UPDATE identity.sessions SET revoked_at = now(), revoked_reason = $2 WHERE id = $1 AND revoked_at IS NULL`,
      [sessionId, reason],
    );
  }

  async activeSigningKeys(): Promise<{ kid: string; publicJwk: JWK; privateJwk: JWK }[]> {
    const result = await this.db.query<{ kid: string; public_jwk: JWK | string; private_jwk: JWK | string }>(
      `SELECT kid, public_jwk, private_jwk FROM identity.signing_keys WHERE retired_at IS NULL ORDER BY created_at DESC, kid`,
    );
    return result.rows.map((r) => ({
      kid: r.kid,
      publicJwk: json(r.public_jwk),
      privateJwk: json(r.private_jwk),
    }));
  }

  async insertSigningKey(kid: string, publicJwk: JWK, privateJwk: JWK): Promise<void> {
    await this.db.query(
      'INSERT INTO identity.signing_keys (kid, public_jwk, private_jwk) VALUES ($1, $2::jsonb, $3::jsonb)',
      [kid, JSON.stringify(publicJwk), JSON.stringify(privateJwk)],
    );
  }

  async #findUser(where: string, value: string, q: Queryable): Promise<UserRecord | undefined> {
    const result = await q.query<UserRow>(`SELECT ${USER_COLUMNS} FROM identity.users WHERE ${where}`, [
      value,
    ]);
    return result.rows[0] ? toUser(result.rows[0]) : undefined;
  }
}

function toUser(row: UserRow): UserRecord {
  return {
    id: row.id,
    email: row.email,
    passwordHash: row.password_hash,
    displayName: row.display_name,
    handle: row.handle,
    role: row.role,
    partnerId: row.partner_id,
    favouriteClub: row.favourite_club,
    locale: row.locale,
    displayCurrency: row.display_currency,
    createdAt: new Date(row.created_at).toISOString(),
  };
}

function json<T>(value: T | string): T {
  return typeof value === 'string' ? (JSON.parse(value) as T) : value;
}

export function publicUser(user: UserRecord): User {
  const { passwordHash: _hidden, ...rest } = user;
  return rest;
}

import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Database, Queryable } from './database.ts';
import { kernelMigrations } from './kernel-tables.ts';
import { quoteIdent } from './postgres.ts';

export interface Migration {
  name: string;
  sql: string;
}

export interface MigrateOptions {
  schema: string;
  migrationsDir: string;
  /** PostgreSQL role that owns the schema; the service's connections SET ROLE to it. */
  role?: string;
  /** Contrib extensions (pg_trgm, unaccent) created in the service's schema, as the migrating user. */
  extensions?: readonly string[];
}

export class MigrationChecksumError extends Error {}

export async function loadMigrations(dir: string): Promise<Migration[]> {
  const files = (await readdir(dir)).filter((f) => /^\d{3}_[a-z0-9_]+\.sql$/.test(f)).sort();
  return Promise.all(files.map(async (name) => ({ name, sql: await readFile(join(dir, name), 'utf8') })));
}

/**
 * Applies a service's pending migrations, in order, in one transaction, under an advisory lock:
 * two processes starting together apply each migration exactly once.
 */
export async function migrate(db: Database, options: MigrateOptions): Promise<string[]> {
  const schema = quoteIdent(options.schema);
  const migrations = [...kernelMigrations(options.schema), ...(await loadMigrations(options.migrationsDir))];
  // A restart usually finds everything applied: one read instead of the locked transaction below.
  if (await allApplied(db, schema, migrations)) return [];
  return db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [lockKey(options.schema)]);
    if (options.role) await ensureRole(tx, options.role, options.schema);
    await tx.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    // Before SET ROLE: the service's role may not create extensions (it needs CREATE on the database).
    for (const extension of options.extensions ?? []) {
      await tx.query(`CREATE EXTENSION IF NOT EXISTS ${quoteIdent(extension)} SCHEMA ${schema}`);
    }
    if (options.role) await tx.query(`SET LOCAL ROLE ${quoteIdent(options.role)}`);
    await tx.query(
      `CREATE TABLE IF NOT EXISTS ${schema}.schema_migrations (
         name text PRIMARY KEY, checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
    );
    const applied = new Map(
      (
        await tx.query<{ name: string; checksum: string }>(
          `SELECT name, checksum FROM ${schema}.schema_migrations`,
        )
      ).rows.map((r) => [r.name, r.checksum]),
    );
    const done: string[] = [];
    for (const migration of migrations) {
      const checksum = createHash('sha256').update(migration.sql).digest('hex');
      const previous = applied.get(migration.name);
      if (previous !== undefined) {
        if (previous !== checksum) {
          throw new MigrationChecksumError(
            `migration ${options.schema}/${migration.name} was changed after it was applied; add a new migration instead`,
          );
        }
        continue;
      }
      await tx.query(migration.sql);
      await tx.query(`INSERT INTO ${schema}.schema_migrations (name, checksum) VALUES ($1, $2)`, [
        migration.name,
        checksum,
      ]);
      done.push(migration.name);
    }
    return done;
  });
}

/** True when every migration is recorded with its checksum; false when any is not (or nothing is recorded yet). */
async function allApplied(db: Queryable, schema: string, migrations: Migration[]): Promise<boolean> {
  const recorded = await db
    .query<{ name: string; checksum: string }>(`SELECT name, checksum FROM ${schema}.schema_migrations`)
    .then(
      (result) => new Map(result.rows.map((r) => [r.name, r.checksum])),
      () => undefined,
    );
  return (
    recorded !== undefined &&
    migrations.every((m) => recorded.get(m.name) === createHash('sha256').update(m.sql).digest('hex'))
  );
}

async function ensureRole(tx: Queryable, role: string, schema: string): Promise<void> {
  // Roles are cluster-wide: another database on the same server may be creating the same one right now.
  await tx.query(
    `DO $$ BEGIN CREATE ROLE ${quoteIdent(role)} NOLOGIN;
     EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$`,
  );
  await tx.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)} AUTHORIZATION ${quoteIdent(role)}`);
}

/** True when the connected user may create roles, so each service can be confined to its schema. */
export async function canManageRoles(db: Queryable): Promise<boolean> {
  const result = await db.query<{ ok: boolean }>(
    'SELECT (rolsuper OR rolcreaterole) AS ok FROM pg_roles WHERE rolname = current_user',
  );
  return result.rows[0]?.ok === true;
}

function lockKey(schema: string): string {
  return createHash('sha256').update(`pcf:migrate:${schema}`).digest().readBigInt64BE(0).toString();
}

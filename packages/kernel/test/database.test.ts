import { cp, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/db/database.ts';
import { canManageRoles, MigrationChecksumError, migrate } from '../src/db/migrate.ts';
import { PgliteDatabase } from '../src/db/pglite.ts';
import { PostgresDatabase } from '../src/db/postgres.ts';
import { createPostgresDatabase, testBackends } from './support/index.ts';

const FIXTURES = fileURLToPath(new URL('./fixtures/migrations-a', import.meta.url));

async function open(url: string | undefined): Promise<Database> {
  return url ? new PostgresDatabase(url, { max: 4 }) : PgliteDatabase.open();
}

describe.each(testBackends())('database on $name', (backend) => {
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  async function fresh(): Promise<{ db: Database; url: string | undefined }> {
    const created = await backend.create();
    const db = await open(created.databaseUrl);
    cleanups.push(created.drop, () => db.close());
    return { db, url: created.databaseUrl };
  }

  it('applies migrations once and in order, recording them', async () => {
    const { db } = await fresh();
    expect(await migrate(db, { schema: 'probe', migrationsDir: FIXTURES })).toEqual([
      'k001_kernel_tables',
      'k002_idempotent_operations',
      '001_things.sql',
      '002_more.sql',
    ]);
    expect(await migrate(db, { schema: 'probe', migrationsDir: FIXTURES })).toEqual([]);
    const rows = await db.query<{ id: number; size: number }>(
      'SELECT id, size FROM probe.things ORDER BY id',
    );
    expect(rows.rows).toEqual([
      { id: 1, size: 0 },
      { id: 2, size: 5 },
    ]);
  });

  it('refuses to start when an applied migration was edited', async () => {
    const { db } = await fresh();
    const dir = await mkdtemp(join(tmpdir(), 'pcf-mig-'));
    await cp(FIXTURES, dir, { recursive: true });
    await migrate(db, { schema: 'probe', migrationsDir: dir });
    await writeFile(join(dir, '001_things.sql'), 'CREATE TABLE probe.things (id integer);');
    await expect(migrate(db, { schema: 'probe', migrationsDir: dir })).rejects.toThrow(
      MigrationChecksumError,
    );
  });

  it('rolls a failed migration back entirely', async () => {
    const { db } = await fresh();
    const dir = await mkdtemp(join(tmpdir(), 'pcf-mig-'));
    await cp(FIXTURES, dir, { recursive: true });
    await writeFile(join(dir, '003_broken.sql'), 'INSERT INTO probe.things VALUES (3, NULL);');
    await expect(migrate(db, { schema: 'probe', migrationsDir: dir })).rejects.toThrow();
    const exists = await db.query("SELECT 1 FROM information_schema.tables WHERE table_schema = 'probe'");
    expect(exists.rowCount).toBe(0);
  });

  it('commits a transaction that resolves and rolls back one that throws', async () => {
    const { db } = await fresh();
    await db.query('CREATE TABLE t (n integer)');
    await db.transaction(async (tx) => {
      await tx.query('INSERT INTO t VALUES (1)');
    });
    await expect(
      db.transaction(async (tx) => {
        await tx.query('INSERT INTO t VALUES (2)');
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect((await db.query('SELECT n FROM t')).rows).toEqual([{ n: 1 }]);
  });

  it('never loses an update under 200 concurrent read-modify-write transactions', async () => {
    const { db } = await fresh();
    await db.query('CREATE TABLE counter (n integer NOT NULL)');
    await db.query('INSERT INTO counter VALUES (0)');
    await Promise.all(
      Array.from({ length: 200 }, () =>
        db.transaction(async (tx) => {
          const { rows } = await tx.query<{ n: number }>('SELECT n FROM counter FOR UPDATE');
          await tx.query('UPDATE counter SET n = $1', [(rows[0]?.n ?? 0) + 1]);
        }),
      ),
    );
    expect((await db.query('SELECT n FROM counter')).rows).toEqual([{ n: 200 }]);
  });
});

describe.skipIf(!process.env.TEST_DATABASE_URL)('PostgreSQL server specifics', () => {
  it('applies each migration exactly once when several processes start together', async () => {
    const created = await createPostgresDatabase(process.env.TEST_DATABASE_URL!);
    const handles = Array.from({ length: 4 }, () => new PostgresDatabase(created.databaseUrl, { max: 1 }));
    try {
      const results = await Promise.all(
        handles.map((db) => migrate(db, { schema: 'probe', migrationsDir: FIXTURES })),
      );
      expect(results.flat().sort()).toEqual([
        '001_things.sql',
        '002_more.sql',
        'k001_kernel_tables',
        'k002_idempotent_operations',
      ]);
      const rows = await handles[0]!.query('SELECT id FROM probe.things');
      expect(rows.rowCount).toBe(2);
    } finally {
      for (const db of handles) await db.close();
      await created.drop();
    }
  });

  it("confines a service's connections to its own schema through its role", async () => {
    const created = await createPostgresDatabase(process.env.TEST_DATABASE_URL!);
    const admin = new PostgresDatabase(created.databaseUrl, { max: 1 });
    const empty = await mkdtemp(join(tmpdir(), 'pcf-mig-'));
    try {
      expect(await canManageRoles(admin)).toBe(true);
      await migrate(admin, { schema: 'probe', migrationsDir: FIXTURES, role: 'pcf_probe' });
      await migrate(admin, { schema: 'other', migrationsDir: empty, role: 'pcf_other' });
      const other = new PostgresDatabase(created.databaseUrl, { max: 1, role: 'pcf_other' });
      const probe = new PostgresDatabase(created.databaseUrl, { max: 1, role: 'pcf_probe' });
      try {
        await expect(other.query('SELECT * FROM probe.things')).rejects.toThrow(/permission denied/);
        expect((await probe.query('SELECT * FROM probe.things')).rowCount).toBe(2);
        expect((await other.query('SELECT count(*)::int AS n FROM other.outbox')).rows).toEqual([{ n: 0 }]);
      } finally {
        await other.close();
        await probe.close();
      }
    } finally {
      await admin.close();
      await created.drop();
    }
  });
});

import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isUniqueViolation } from '../src/db/database.ts';
import { PgliteDatabase } from '../src/db/pglite.ts';
import { ensurePgliteTemplate } from '../src/db/pglite-template.ts';

const scratch: string[] = [];
afterAll(async () => {
  for (const dir of scratch) await rm(dir, { recursive: true, force: true });
});

async function scratchDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'pcf-pglite-'));
  scratch.push(dir);
  return dir;
}

describe.each([
  { mode: 'on the calling thread', ownThread: false },
  { mode: 'on its own thread', ownThread: true },
])('embedded database $mode', ({ ownThread }) => {
  it('runs statements, commits and rolls back transactions, and keeps PostgreSQL error fields', async () => {
    const db = await PgliteDatabase.open(undefined, { ownThread });
    try {
      await db.query('CREATE TABLE t (id int PRIMARY KEY, at timestamptz, data bytea)');
      await db.transaction(async (tx) => {
        await tx.query('INSERT INTO t VALUES ($1, $2, $3)', [
          1,
          new Date('2026-01-02T03:04:05Z'),
          Buffer.from([7]),
        ]);
      });
      await expect(
        db.transaction(async (tx) => {
          await tx.query('INSERT INTO t VALUES ($1)', [2]);
          throw new Error('changed my mind');
        }),
      ).rejects.toThrow('changed my mind');
      const rows = await db.query<{ id: number; at: Date; data: Uint8Array }>('SELECT * FROM t ORDER BY id');
      expect(rows.rows).toHaveLength(1);
      expect(rows.rows[0]?.at.toISOString()).toBe('2026-01-02T03:04:05.000Z');
      expect([...(rows.rows[0]?.data ?? [])]).toEqual([7]);

      const duplicate = await db.query('INSERT INTO t VALUES (1)').catch((error: unknown) => error);
      expect(isUniqueViolation(duplicate, 't_pkey')).toBe(true);
      // Several statements without parameters at once, as migrations send them.
      const multi = await db.query(
        'INSERT INTO t VALUES (3); INSERT INTO t VALUES (4); SELECT count(*)::int AS n FROM t',
      );
      expect(multi.rows).toEqual([{ n: 3 }]);
      const updated = await db.query('UPDATE t SET data = NULL');
      expect(updated.rowCount).toBe(3);
      // PGLITE_SETTINGS reach PGlite on either thread.
      expect((await db.query('SHOW shared_buffers')).rows).toEqual([{ shared_buffers: '16MB' }]);
    } finally {
      await db.close();
    }
    await expect(db.query('SELECT 1')).rejects.toThrow();
  });

  it('refuses a statement on a transaction that has ended', async () => {
    const db = await PgliteDatabase.open(undefined, { ownThread });
    try {
      let kept: { query: (sql: string) => Promise<unknown> } | undefined;
      await db.transaction(async (tx) => {
        kept = tx;
      });
      await expect(kept?.query('SELECT 1')).rejects.toThrow('transaction that has ended');
    } finally {
      await db.close();
    }
  });
});

describe('embedded database files', () => {
  it('starts a new data directory as a copy of the template and keeps its data across a reopen', async () => {
    const template = await ensurePgliteTemplate();
    const dir = join(await scratchDir(), 'pglite');
    const db = await PgliteDatabase.open(dir);
    await db.query('CREATE TABLE kept (v text)');
    await db.query("INSERT INTO kept VALUES ('still here')");
    await db.close();
    expect((await readdir(dir)).sort()).toEqual(
      expect.arrayContaining((await readdir(template.dataDir)).sort()),
    );
    const again = await PgliteDatabase.open(dir, { ownThread: true });
    expect((await again.query('SELECT v FROM kept')).rows).toEqual([{ v: 'still here' }]);
    await again.close();
  });

  it('redoes a template copy that was cut short (no PG_VERSION yet)', async () => {
    await ensurePgliteTemplate();
    const dir = join(await scratchDir(), 'pglite');
    const first = await PgliteDatabase.open(dir);
    await first.close();
    // A copy interrupted before its last file: PG_VERSION is written last, so the directory is not a cluster yet.
    await unlink(join(dir, 'PG_VERSION'));
    await rm(join(dir, 'global'), { recursive: true });
    const db = await PgliteDatabase.open(dir);
    expect((await db.query<{ n: number }>('SELECT 1 AS n')).rows).toEqual([{ n: 1 }]);
    await db.close();
    expect(existsSync(join(dir, 'global'))).toBe(true);
  });

  it('gives open() the database that prestart began for the same directory', async () => {
    const dir = join(await scratchDir(), 'pglite');
    PgliteDatabase.prestart(dir);
    const db = await PgliteDatabase.open(dir);
    try {
      await db.query('CREATE TABLE probe (v int)');
      // The prestarted database holds the directory's lock: opening it again is refused while it runs.
      const second = await PgliteDatabase.open(dir).catch((error: unknown) => error);
      expect(second).toBeInstanceOf(Error);
    } finally {
      await db.close();
    }
  });
});

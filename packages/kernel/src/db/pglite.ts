import { mkdir } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { unaccent } from '@electric-sql/pglite/contrib/unaccent';
import { type DataDirectoryLock, lockDataDirectory } from './data-dir-lock.ts';
import type { Database, PoolStats, Queryable, QueryResult } from './database.ts';
import { Mutex } from './mutex.ts';

/**
 * Embedded PostgreSQL (WASM). PGlite is a single session, so every statement and
 * transaction goes through one queue: a statement never lands inside another caller's transaction.
 */
export class PgliteDatabase implements Database {
  readonly kind = 'pglite' as const;
  readonly #mutex = new Mutex();
  #closed = false;

  private constructor(
    private readonly db: PGlite,
    private readonly lock: DataDirectoryLock | undefined,
  ) {}

  /**
   * dataDir undefined = in memory. A directory is locked for this process (one PGlite per directory: a second
   * process would silently lose the first one's writes); throws DataDirectoryInUseError when a live process
   * holds it. The contrib extensions services may declare (ServiceModule.extensions) are made available here; a
   * service's migration still creates them (CREATE EXTENSION) in its own schema.
   */
  static async open(dataDir?: string): Promise<PgliteDatabase> {
    if (dataDir) await mkdir(dataDir, { recursive: true });
    const lock = dataDir ? await lockDataDirectory(dataDir) : undefined;
    try {
      const db = await PGlite.create(dataDir ?? 'memory://', { extensions: { pg_trgm, unaccent } });
      return new PgliteDatabase(db, lock);
    } catch (error) {
      await lock?.release();
      throw error;
    }
  }

  query<R>(sql: string, params: readonly unknown[] = []): Promise<QueryResult<R>> {
    return this.#mutex.run(() => run<R>(this.db, sql, params));
  }

  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    return this.#mutex.run(() =>
      this.db.transaction((tx) =>
        fn({ query: <R>(sql: string, params: readonly unknown[] = []) => run<R>(tx, sql, params) }),
      ),
    );
  }

  stats(): PoolStats {
    return { total: 1, idle: this.#mutex.waiting === 0 ? 1 : 0, waiting: this.#mutex.waiting };
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#mutex.run(() => this.db.close());
    await this.lock?.release();
  }
}

interface PgliteLike {
  query<R>(sql: string, params?: unknown[]): Promise<{ rows: R[]; affectedRows?: number }>;
  exec(sql: string): Promise<{ rows: unknown[]; affectedRows?: number }[]>;
}

/** Statements without parameters go through exec, which (like pg's simple protocol) allows several at once. */
async function run<R>(db: PgliteLike, sql: string, params: readonly unknown[]): Promise<QueryResult<R>> {
  const result = params.length === 0 ? (await db.exec(sql)).at(-1) : await db.query<R>(sql, [...params]);
  const rows = (result?.rows ?? []) as R[];
  // PGlite reports affectedRows = 0 for SELECT; pg's rowCount counts the rows returned.
  return { rows, rowCount: Math.max(rows.length, result?.affectedRows ?? 0) };
}

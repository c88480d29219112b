import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type DataDirectoryLock, lockDataDirectory } from './data-dir-lock.ts';
import type { Database, PoolStats, Queryable, QueryResult } from './database.ts';
import { Mutex } from './mutex.ts';
import { openPglite, type PgliteStart, runStatement } from './pglite-session.mjs';
import { copyPgliteTemplate, findPgliteTemplate } from './pglite-template.ts';
import { PgliteThread } from './pglite-thread.ts';

/**
 * Settings added to PGlite's own start parameters. shared_buffers: PostgreSQL's 128 MB default made each start
 * ~0.4 s slower (PGlite initialises the whole pool in WASM memory; 1.1 s → 0.7 s to open a data directory on a
 * 2-core runner); an embedded database's pages beyond 16 MB come from the OS's file cache.
 */
export const PGLITE_SETTINGS: readonly string[] = ['-c', 'shared_buffers=16MB'];

/** Runs one statement at a time on a PGlite instance, wherever it lives. */
interface PgliteRunner {
  run<R>(sql: string, params: readonly unknown[]): Promise<QueryResult<R>>;
  close(): Promise<void>;
}

export interface PgliteOpenOptions {
  /**
   * Run PGlite on a worker thread of its own (the server's entry point does, see prestart); default: on the
   * calling thread, which answers a single statement sooner (no message round trip) — what tests want.
   */
  ownThread?: boolean;
}

/**
 * Embedded PostgreSQL (PGlite, WASM). PGlite is a single session, so every statement and transaction goes through
 * one queue here: a statement never lands inside another caller's transaction.
 */
export class PgliteDatabase implements Database {
  /** Opens begun by prestart, taken by the open() of the same directory. */
  static readonly #early = new Map<string, Promise<PgliteDatabase>>();
  readonly kind = 'pglite' as const;
  readonly #mutex = new Mutex();
  #closed = false;

  private constructor(
    private readonly runner: PgliteRunner,
    private readonly lock: DataDirectoryLock | undefined,
  ) {}

  /**
   * dataDir undefined = in memory. A directory is locked for this process (one PGlite per directory: a second
   * process would silently lose the first one's writes); throws DataDirectoryInUseError when a live process
   * holds it. The contrib extensions services may declare (ServiceModule.extensions: pg_trgm, unaccent) are made
   * available; a service's migration still creates them (CREATE EXTENSION) in its own schema. A new database
   * starts as a copy of the installed PGlite's template cluster when there is one (pglite-template.ts) instead
   * of an initdb. A directory given to prestart before is returned as prestart opened it.
   */
  static async open(dataDir?: string, options: PgliteOpenOptions = {}): Promise<PgliteDatabase> {
    const early = dataDir === undefined ? undefined : PgliteDatabase.#early.get(dataDir);
    if (dataDir !== undefined && early) {
      PgliteDatabase.#early.delete(dataDir);
      return early;
    }
    if (dataDir) await mkdir(dataDir, { recursive: true });
    const lock = dataDir ? await lockDataDirectory(dataDir) : undefined;
    try {
      const template = await findPgliteTemplate();
      let tarball: Uint8Array<ArrayBuffer> | undefined;
      if (template && dataDir && !existsSync(join(dataDir, 'PG_VERSION'))) {
        await copyPgliteTemplate(template, dataDir);
      } else if (template && !dataDir) {
        tarball = new Uint8Array(await readFile(template.tarball));
      }
      const start = { dataDir, tarball, settings: PGLITE_SETTINGS };
      const runner = options.ownThread ? await PgliteThread.start(start) : await startInThisThread(start);
      return new PgliteDatabase(runner, lock);
    } catch (error) {
      await lock?.release();
      throw error;
    }
  }

  /**
   * Begins open(dataDir, { ownThread: true }) now, for the process's entry point to call before it loads the rest
   * of the server: the database starts on its own thread while the main thread loads and registers the services
   * (start-up in docs/benchmarks-hot-path.md). The next open(dataDir) returns this one; its errors surface there.
   */
  static prestart(dataDir: string): void {
    if (PgliteDatabase.#early.has(dataDir)) return;
    const opening = PgliteDatabase.open(dataDir, { ownThread: true });
    opening.catch(() => undefined);
    PgliteDatabase.#early.set(dataDir, opening);
  }

  query<R>(sql: string, params: readonly unknown[] = []): Promise<QueryResult<R>> {
    return this.#mutex.run(() => this.runner.run<R>(sql, params));
  }

  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    return this.#mutex.run(async () => {
      let open = true;
      const tx: Queryable = {
        query: <R>(sql: string, params: readonly unknown[] = []) =>
          open
            ? this.runner.run<R>(sql, params)
            : Promise.reject(new Error('query on a transaction that has ended')),
      };
      await this.runner.run('BEGIN', []);
      try {
        const result = await fn(tx);
        open = false;
        await this.runner.run('COMMIT', []);
        return result;
      } catch (error) {
        if (open) {
          open = false;
          await this.runner.run('ROLLBACK', []).catch(() => undefined);
        }
        throw error;
      }
    });
  }

  stats(): PoolStats {
    return { total: 1, idle: this.#mutex.waiting === 0 ? 1 : 0, waiting: this.#mutex.waiting };
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#mutex.run(() => this.runner.close());
    await this.lock?.release();
  }
}

async function startInThisThread(start: PgliteStart): Promise<PgliteRunner> {
  const db = await openPglite(start);
  return {
    run: <R>(sql: string, params: readonly unknown[]) => runStatement<R>(db, sql, params),
    close: () => db.close(),
  };
}

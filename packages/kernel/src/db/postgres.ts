import pg from 'pg';
import { UnavailableError } from '../errors.ts';
import type { Database, PoolStats, Queryable, QueryResult } from './database.ts';

// Return NUMERIC and INT8 as strings (PGlite does the same for NUMERIC); callers convert to bigint.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => v);

export interface PostgresOptions {
  max: number;
  /** Role every pooled connection switches to (SET ROLE), limiting it to its own schema. */
  role?: string;
  applicationName?: string;
  /** How long a query waits for a pooled connection before failing with 503 `database_busy` (ms; default 10,000). */
  connectTimeoutMs?: number;
}

/** pg-pool's error when no connection freed up within connectionTimeoutMillis. */
const POOL_TIMEOUT = 'timeout exceeded when trying to connect';

/** A pool exhausted for longer than its timeout is an overload, answered 503 (retry later), not a server fault. */
function poolError(error: unknown): unknown {
  return error instanceof Error && error.message === POOL_TIMEOUT
    ? new UnavailableError('The database is busy; try again shortly', 'database_busy')
    : error;
}

export class PostgresDatabase implements Database {
  readonly kind = 'postgres' as const;
  readonly #pool: pg.Pool;
  #closed = false;

  constructor(url: string, options: PostgresOptions) {
    this.#pool = new pg.Pool({
      connectionString: url,
      max: options.max,
      application_name: options.applicationName ?? 'paiecashfan',
      connectionTimeoutMillis: options.connectTimeoutMs ?? 10_000,
      // Every connection starts as the service's role (like SET ROLE), before any query runs.
      ...(options.role ? { options: `-c role=${quoteIdent(options.role).slice(1, -1)}` } : {}),
    });
    this.#pool.on('error', () => {
      // An idle client died (server restart); the pool replaces it on next use.
    });
  }

  async query<R>(sql: string, params: readonly unknown[] = []): Promise<QueryResult<R>> {
    const result = await this.#pool.query(sql, [...params]).catch((error: unknown) => {
      throw poolError(error);
    });
    return { rows: result.rows as R[], rowCount: result.rowCount ?? 0 };
  }

  async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    const client = await this.#pool.connect().catch((error: unknown) => {
      throw poolError(error);
    });
    try {
      await client.query('BEGIN');
      const tx: Queryable = {
        query: async <R>(sql: string, params: readonly unknown[] = []) => {
          const result = await client.query(sql, [...params]);
          return { rows: result.rows as R[], rowCount: result.rowCount ?? 0 };
        },
      };
      const value = await fn(tx);
      await client.query('COMMIT');
      return value;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  stats(): PoolStats {
    return { total: this.#pool.totalCount, idle: this.#pool.idleCount, waiting: this.#pool.waitingCount };
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#pool.end();
  }
}

export function quoteIdent(name: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new RangeError(`unsafe SQL identifier: ${name}`);
  return `"${name}"`;
}

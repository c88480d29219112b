import type { PGlite } from '@electric-sql/pglite';

/** Where PGlite's files are and what it starts with. */
export interface PgliteStart {
  /** A data directory; undefined: in memory. */
  dataDir: string | undefined;
  /** A tarball of a cluster (PGlite's dumpDataDir) to start an in-memory database from. */
  tarball: Uint8Array<ArrayBuffer> | undefined;
  /** Added to PGlite's start parameters (`-c name=value` pairs). */
  settings: readonly string[];
}

export function openPglite(start: PgliteStart): Promise<PGlite>;

export function runStatement<R>(
  db: PGlite,
  sql: string,
  params: readonly unknown[],
): Promise<{ rows: R[]; rowCount: number }>;

// Opening PGlite and running one statement on it, shared by the in-thread runner (pglite.ts) and the worker thread
// (pglite-worker.mjs). Plain JavaScript because the worker cannot load TypeScript; types in pglite-session.d.mts.

/** Opens PGlite with the contrib extensions services may declare, PGlite's start parameters plus `settings`. */
export async function openPglite({ dataDir, tarball, settings }) {
  const [{ PGlite }, { pg_trgm }, { unaccent }] = await Promise.all([
    import('@electric-sql/pglite'),
    import('@electric-sql/pglite/contrib/pg_trgm'),
    import('@electric-sql/pglite/contrib/unaccent'),
  ]);
  return PGlite.create(dataDir ?? 'memory://', {
    extensions: { pg_trgm, unaccent },
    startParams: [...PGlite.defaultStartParams, ...settings],
    ...(tarball ? { loadDataDir: new Blob([tarball]) } : {}),
  });
}

/** One statement, answered as pg answers it: rows and rowCount. */
export async function runStatement(db, sql, params) {
  // Statements without parameters go through exec, which (like pg's simple protocol) allows several at once.
  const result = params.length === 0 ? (await db.exec(sql)).at(-1) : await db.query(sql, [...params]);
  const rows = result?.rows ?? [];
  // PGlite reports affectedRows = 0 for SELECT; pg's rowCount counts the rows returned.
  return { rows, rowCount: Math.max(rows.length, result?.affectedRows ?? 0) };
}

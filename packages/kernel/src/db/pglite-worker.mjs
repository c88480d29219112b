// The embedded database's thread (see pglite.ts): PGlite runs here, off the HTTP thread, so that its start-up and
// its statements use the second core instead of taking turns with request handling. Plain JavaScript: a worker
// thread cannot load TypeScript. Protocol (structured-clone messages):
//   workerData { dataDir?, tarball?: Uint8Array, settings: string[] added to PGlite's start parameters }
//     → posts { ready: true } once open, or { error }
//   { id, sql, params } → { id, rows, rowCount } or { id, error }; { id, close: true } → { id } once closed.
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { unaccent } from '@electric-sql/pglite/contrib/unaccent';

/** Keeps what callers read from a PostgreSQL error (code, constraint, detail…); the rest is the message. */
function describe(error) {
  if (!(error instanceof Error)) return { message: String(error) };
  const fields = {};
  for (const [key, value] of Object.entries(error)) {
    if (typeof value === 'string' || typeof value === 'number') fields[key] = value;
  }
  return { ...fields, message: error.message, name: error.name };
}

const options = {
  extensions: { pg_trgm, unaccent },
  startParams: [...PGlite.defaultStartParams, ...workerData.settings],
};
if (workerData.tarball) options.loadDataDir = new Blob([workerData.tarball]);
const opening = PGlite.create(workerData.dataDir ?? 'memory://', options);

parentPort.on('message', async (message) => {
  const db = await opening;
  if (message.close) {
    await db.close();
    parentPort.postMessage({ id: message.id });
    parentPort.close();
    return;
  }
  try {
    // Statements without parameters go through exec, which (like pg's simple protocol) allows several at once.
    const result =
      message.params.length === 0
        ? (await db.exec(message.sql)).at(-1)
        : await db.query(message.sql, message.params);
    const rows = result?.rows ?? [];
    // PGlite reports affectedRows = 0 for SELECT; pg's rowCount counts the rows returned.
    parentPort.postMessage({
      id: message.id,
      rows,
      rowCount: Math.max(rows.length, result?.affectedRows ?? 0),
    });
  } catch (error) {
    parentPort.postMessage({ id: message.id, error: describe(error) });
  }
});

opening.then(
  () => parentPort.postMessage({ ready: true }),
  (error) => parentPort.postMessage({ error: describe(error) }),
);

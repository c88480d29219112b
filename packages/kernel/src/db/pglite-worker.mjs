// The embedded database's thread (see pglite.ts): PGlite runs here, off the HTTP thread, so that its start-up and
// its statements use the second core instead of taking turns with request handling. Plain JavaScript: a worker
// thread cannot load TypeScript. Protocol (structured-clone messages):
//   workerData: a PgliteStart (pglite-session.d.mts) → posts { ready: true } once open, or { error }
//   { id, sql, params } → { id, rows, rowCount } or { id, error }; { id, close: true } → { id } once closed.
import { parentPort, workerData } from 'node:worker_threads';
import { openPglite, runStatement } from './pglite-session.mjs';

/** Keeps what callers read from a PostgreSQL error (code, constraint, detail…); the rest is the message. */
function describe(error) {
  if (!(error instanceof Error)) return { message: String(error) };
  const fields = {};
  for (const [key, value] of Object.entries(error)) {
    if (typeof value === 'string' || typeof value === 'number') fields[key] = value;
  }
  return { ...fields, message: error.message, name: error.name };
}

const opening = openPglite(workerData);

parentPort.on('message', async (message) => {
  const db = await opening;
  if (message.close) {
    await db.close();
    parentPort.postMessage({ id: message.id });
    parentPort.close();
    return;
  }
  try {
    parentPort.postMessage({ id: message.id, ...(await runStatement(db, message.sql, message.params)) });
  } catch (error) {
    parentPort.postMessage({ id: message.id, error: describe(error) });
  }
});

opening.then(
  () => parentPort.postMessage({ ready: true }),
  (error) => parentPort.postMessage({ error: describe(error) }),
);

import { randomBytes } from 'node:crypto';
import pg from 'pg';

export interface TestBackend {
  name: 'pglite' | 'postgres';
  /** A fresh database URL for this backend, or undefined for embedded PGlite (in a fresh temp dir). */
  create(): Promise<{ databaseUrl: string | undefined; drop(): Promise<void> }>;
}

/**
 * PGlite, and real PostgreSQL too when TEST_DATABASE_URL is set. CI's second run sets TEST_SKIP_PGLITE=1 together
 * with TEST_DATABASE_URL: its first run (the README's `npm test`) has just run every PGlite case.
 */
export function testBackends(): TestBackend[] {
  const backends: TestBackend[] = [];
  const serverUrl = process.env.TEST_DATABASE_URL;
  if (!(serverUrl && process.env.TEST_SKIP_PGLITE === '1')) {
    backends.push({ name: 'pglite', create: async () => ({ databaseUrl: undefined, drop: async () => {} }) });
  }
  if (serverUrl) backends.push({ name: 'postgres', create: () => createPostgresDatabase(serverUrl) });
  return backends;
}

/**
 * The real PostgreSQL backend, or undefined without TEST_DATABASE_URL. Use it with
 * `describe.skipIf(!postgres)(…)`, never `describe.each([])`: an empty `each` leaves the file with no suite,
 * which Vitest reports as a failure ("No test suite found").
 */
export function postgresBackend(): TestBackend | undefined {
  return testBackends().find((b) => b.name === 'postgres');
}

/** Creates an empty database on the test server; drop() removes it (terminating leftover connections). */
export async function createPostgresDatabase(serverUrl: string) {
  const name = `pcf_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    databaseUrl: url.toString(),
    drop: async () => {
      const client = new pg.Client({ connectionString: serverUrl });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}

import { afterAll, describe, expect, it } from 'vitest';
import { PostgresDatabase } from '../src/db/postgres.ts';
import { UnavailableError } from '../src/errors.ts';
import { postgresBackend } from './support/index.ts';

const postgres = postgresBackend();

describe.skipIf(!postgres)('PostgreSQL pool exhausted', () => {
  const db = new PostgresDatabase(process.env.TEST_DATABASE_URL!, { max: 1, connectTimeoutMs: 200 });
  afterAll(() => db.close());

  it('answers 503 database_busy (never a bare error that becomes a 500) when no connection frees up in time', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const holder = db.transaction(() => held);
    const failures = await Promise.all([
      db.query('SELECT 1').catch((error: unknown) => error),
      db.transaction(async () => 1).catch((error: unknown) => error),
    ]);
    release();
    await holder;
    for (const failure of failures) {
      expect(failure).toBeInstanceOf(UnavailableError);
      expect(failure).toMatchObject({ category: 'unavailable', code: 'database_busy' });
    }
    expect((await db.query<{ one: number }>('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
  });
});

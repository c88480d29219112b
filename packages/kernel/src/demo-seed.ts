import type { Database, Queryable } from './db/database.ts';
import { quoteIdent } from './db/postgres.ts';

/** Runs seed once per database: the marker row is written in the same transaction as the data. */
export async function seedOnce(
  db: Database,
  schema: string,
  name: string,
  seed: (tx: Queryable) => Promise<void>,
): Promise<boolean> {
  return db.transaction(async (tx) => {
    const marked = await tx.query(
      `INSERT INTO ${quoteIdent(schema)}.demo_seeds (name) VALUES ($1) ON CONFLICT DO NOTHING`,
      [name],
    );
    if (marked.rowCount === 0) return false;
    await seed(tx);
    return true;
  });
}

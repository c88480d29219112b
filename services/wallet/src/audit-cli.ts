import { join } from 'node:path';
import { type Database, loadConfig, PgliteDatabase, PostgresDatabase } from '@pcf/kernel';
import { JournalRepository } from './journal.repository.ts';
import { JournalService } from './journal.service.ts';

/**
 * `npm run wallet:verify` — seals the journal, recomputes every balance from the entries and re-hashes the chain.
 * Uses DATABASE_URL, or the embedded database in PCF_DATA_DIR (stop the server first: PGlite is single-process;
 * while it runs, use GET /v1/wallet/admin/audit instead). Exit code 1 when anything is wrong.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  const db: Database = config.databaseUrl
    ? new PostgresDatabase(config.databaseUrl, { max: 2, applicationName: 'paiecashfan-wallet-verify' })
    : await PgliteDatabase.open(join(config.dataDir, 'pglite'));
  try {
    const journal = new JournalService(db, new JournalRepository(db));
    const sealed = await journal.seal();
    const report = await journal.audit();
    process.stdout.write(
      `wallet audit: ${report.checkedTransactions} transactions checked (${sealed} newly sealed), ` +
        `${report.problems.length} problem(s)\n`,
    );
    for (const problem of report.problems) process.stdout.write(`  - ${problem}\n`);
    process.exitCode = report.ok ? 0 : 1;
  } finally {
    await db.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`wallet audit failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(2);
});

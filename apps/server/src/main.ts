/**
 * The server's entry point. On the embedded default with every service here (no other process to check first), it
 * starts the database on its own thread, then loads the rest of the server (start.ts) while the database opens: the
 * two overlap instead of adding up. A split process checks its dependencies before it touches a database.
 */
import { embeddedDatabaseDir, loadConfig } from '@pcf/kernel/config';
import { PgliteDatabase } from '@pcf/kernel/embedded-database';

try {
  const config = loadConfig();
  if (!config.databaseUrl && !config.split) PgliteDatabase.prestart(embeddedDatabaseDir(config));
} catch {
  // A configuration error: start.ts loads the configuration again and reports it.
}
await import('./start.ts');

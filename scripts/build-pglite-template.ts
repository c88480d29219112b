/**
 * Initialises the embedded database's template cluster once (packages/kernel/src/db/pglite-template.ts), so that
 * a fresh `npm start` and every in-memory test database copy it instead of running initdb. Run by `npm run build`
 * and by the tests' global setup; does nothing when the template of the installed PGlite exists.
 */
import { fileURLToPath } from 'node:url';
import { ensurePgliteTemplate, findPgliteTemplate } from '../packages/kernel/src/db/pglite-template.ts';

export async function buildPgliteTemplate(): Promise<void> {
  if (await findPgliteTemplate()) return;
  process.stdout.write('initialising the embedded database template (once per PGlite version)…\n');
  await ensurePgliteTemplate();
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await buildPgliteTemplate();

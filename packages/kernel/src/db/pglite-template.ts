import { existsSync } from 'node:fs';
import { copyFile, cp, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * A freshly initialised, empty PGlite cluster kept once per installed PGlite version, so that a new embedded
 * database is a copy instead of an `initdb` (initdb is ~5 s of WASM on a 2-core runner, more than half of a fresh
 * start; docs/benchmarks-hot-path.md). Lives in `node_modules/.cache/paiecashfan/pglite-<version>/`:
 * - `pgdata/`: the cluster, copied into a new data directory;
 * - `pgdata.tar`: the same as PGlite's `dumpDataDir('none')` tarball, loaded into an in-memory database
 *   (PGlite's `loadDataDir` option).
 * Written by `npm run build` (scripts/build-pglite-template.ts) and by the tests' global setup; when it is
 * missing, a database is initialised the normal way. A cluster is only copied after a clean shutdown.
 */
export interface PgliteTemplate {
  /** Directory holding a cleanly shut-down cluster (PG_VERSION at its root). */
  dataDir: string;
  /** Tarball of the same cluster, as produced by PGlite's dumpDataDir('none'). */
  tarball: string;
}

const PGLITE_MANIFEST = join('node_modules', '@electric-sql', 'pglite', 'package.json');

/** The node_modules folder PGlite is installed in: the nearest one up from this file that holds it (as Node finds it). */
function nodeModulesDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, PGLITE_MANIFEST))) return join(dir, 'node_modules');
    const parent = dirname(dir);
    if (parent === dir)
      throw new Error('@electric-sql/pglite is not installed in a node_modules folder above the kernel');
    dir = parent;
  }
}

async function pgliteVersion(): Promise<string> {
  const manifest = join(dirname(nodeModulesDir()), PGLITE_MANIFEST);
  const parsed: unknown = JSON.parse(await readFile(manifest, 'utf8'));
  const version = (parsed as { version?: unknown }).version;
  if (typeof version !== 'string') throw new Error(`no version in ${manifest}`);
  return version;
}

let location: Promise<PgliteTemplate> | undefined;

/**
 * Where the template of the installed PGlite version lives (whether or not it exists yet); looked up once per
 * process (a test process opens many databases).
 */
export function pgliteTemplateLocation(): Promise<PgliteTemplate> {
  location ??= pgliteVersion().then((version) => {
    const root = join(nodeModulesDir(), '.cache', 'paiecashfan', `pglite-${version}`);
    return { dataDir: join(root, 'pgdata'), tarball: join(root, 'pgdata.tar') };
  });
  return location;
}

/** The template when it exists and is complete; undefined otherwise (then initialise the normal way). */
export async function findPgliteTemplate(): Promise<PgliteTemplate | undefined> {
  const template = await pgliteTemplateLocation().catch(() => undefined);
  if (!template) return undefined;
  return existsSync(join(template.dataDir, 'PG_VERSION')) && existsSync(template.tarball)
    ? template
    : undefined;
}

/**
 * Creates the template unless it exists; returns it. Safe when several processes call it at once: each builds in
 * its own scratch folder and the first to rename it into place wins (the others discard theirs).
 */
export async function ensurePgliteTemplate(): Promise<PgliteTemplate> {
  const existing = await findPgliteTemplate();
  if (existing) return existing;
  const template = await pgliteTemplateLocation();
  const root = dirname(template.dataDir);
  const scratch = `${root}.tmp-${process.pid}`;
  await rm(scratch, { recursive: true, force: true });
  await mkdir(scratch, { recursive: true });
  try {
    const { PGlite } = await import('@electric-sql/pglite');
    const db = await PGlite.create(join(scratch, 'pgdata'));
    const tarball = await db.dumpDataDir('none');
    await db.close();
    await writeFile(join(scratch, 'pgdata.tar'), Buffer.from(await tarball.arrayBuffer()));
    await mkdir(dirname(root), { recursive: true });
    await rename(scratch, root).catch(async (error: unknown) => {
      if (!(await findPgliteTemplate())) throw error;
    });
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
  return template;
}

/**
 * Copies the template's cluster into a data directory without one (files already there, e.g. a lock, are kept).
 * PG_VERSION, which marks a directory as initialised, is written last: a copy cut short is redone at next start.
 */
export async function copyPgliteTemplate(template: PgliteTemplate, dataDir: string): Promise<void> {
  const marker = join(template.dataDir, 'PG_VERSION');
  await cp(template.dataDir, dataDir, { recursive: true, filter: (source) => source !== marker });
  await copyFile(marker, join(dataDir, 'PG_VERSION'));
}

/**
 * Builds the front-end (SDK, widget pages) when its output is missing or older than its sources, and — before
 * `npm start` only — the server bundle (scripts/build-server.ts), so that start-up runs JavaScript, not tsx.
 * Run before `npm start` and before the tests; `npm run build` always rebuilds.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildPgliteTemplate } from './build-pglite-template.ts';
import { buildServer, SERVER_BUNDLE } from './build-server.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

const TARGETS = [
  {
    workspace: '@pcf/sdk',
    outputs: ['packages/sdk/dist/paiecashfan-sdk.js', 'packages/sdk/dist/paiecashfan-sdk.mjs'],
    sources: ['packages/sdk/src', 'packages/sdk/build.ts', 'packages/widget-kit/src/protocol.ts'],
  },
  {
    workspace: '@pcf/widgets',
    outputs: ['apps/widgets/dist/wallet-widget.html', 'apps/widgets/dist/shop-widget.html'],
    sources: [
      'apps/widgets/src',
      'apps/widgets/build.ts',
      'apps/widgets/vite.config.ts',
      'packages/widget-kit/src',
    ],
  },
];

function newestMtime(path: string): number {
  const info = statSync(path, { throwIfNoEntry: false });
  if (!info) return 0;
  if (!info.isDirectory()) return info.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((name) => newestMtime(join(path, name))));
}

function oldestOutput(paths: string[]): number {
  return Math.min(...paths.map((p) => statSync(join(ROOT, p), { throwIfNoEntry: false })?.mtimeMs ?? 0));
}

/** Sources of the server bundle: every TypeScript file it takes in (migrations are read at run time). */
const SERVER_SOURCES = [
  'apps/server/src',
  'packages/kernel/src',
  ...readdirSync(join(ROOT, 'services')).map((service) => `services/${service}/src`),
  'package-lock.json',
];

export function ensureBuilt(): void {
  for (const target of TARGETS) {
    const sources = Math.max(...target.sources.map((s) => newestMtime(join(ROOT, s))));
    if (oldestOutput(target.outputs) >= sources) continue;
    process.stdout.write(`building ${target.workspace} (output missing or stale)…\n`);
    execFileSync('npm', ['run', 'build', '--silent', '-w', target.workspace], {
      cwd: ROOT,
      stdio: 'inherit',
    });
  }
}

/** Rebuilds the server bundle when a source is newer than it. */
export async function ensureServerBuilt(): Promise<void> {
  const sources = Math.max(...SERVER_SOURCES.map((s) => newestMtime(join(ROOT, s))));
  if (oldestOutput([SERVER_BUNDLE]) >= sources) return;
  process.stdout.write('building the server bundle (output missing or stale)…\n');
  await buildServer();
}

/**
 * Vitest global setup: the embedded database template, then the front-end (PCF_SKIP_BUILD=1 skips the front-end,
 * e.g. while iterating on back-end tests only).
 */
export default async function setup(): Promise<void> {
  await buildPgliteTemplate();
  if (process.env.PCF_SKIP_BUILD !== '1') ensureBuilt();
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  ensureBuilt();
  await ensureServerBuilt();
  await buildPgliteTemplate();
}

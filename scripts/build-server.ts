/**
 * Bundles the server (apps/server/src/main.ts and the workspace packages it imports: kernel, services) into one
 * ES module, apps/server/dist/main.mjs (and its chunks), so that `npm start` runs plain JavaScript instead of
 * transpiling ~150 TypeScript files through tsx at every start. The third-party packages every start loads are bundled
 * in too (BUNDLED); the others are loaded from node_modules.
 * `import.meta.url` keeps meaning the source file's URL (migrations and asset folders are found next to the
 * sources), so the bundle runs only inside this checkout — it is a start-up cache, not a deployable artefact.
 * Run by `npm run build`; scripts/ensure-built.ts rebuilds it when a source is newer.
 */
import { readFile, rm } from 'node:fs/promises';
import { dirname, join, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build, type Plugin } from 'esbuild';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const SERVER_BUNDLE = 'apps/server/dist/main.mjs';

/**
 * Third-party packages bundled in (with what they import, except KEEP_EXTERNAL): those every start loads, pure
 * JavaScript that does not locate files next to itself. Loading them from one file instead of ~400 saved ~0.5 s of
 * a restart on a 2-core runner (docs/benchmarks-hot-path.md). Everything else is imported from node_modules at
 * run time: packages that read files beside their sources (__dirname: PGlite's WASM, swagger-ui's assets, jsdom),
 * native ones (argon2) and those loaded only in some deployments (Redis, PostgreSQL, the gateway's proxy).
 */
const BUNDLED = [
  'fastify',
  '@fastify/cors',
  '@fastify/fast-json-stringify-compiler',
  '@fastify/proxy-addr',
  '@fastify/rate-limit',
  '@fastify/type-provider-typebox',
  '@fastify/under-pressure',
  '@sinclair/typebox',
  'ajv',
  'ajv-formats',
  'canonicalize',
  'helmet',
  'jose',
  'prom-client',
];
/** Never bundled, even when a bundled package imports them: one instance shared with the external packages. */
const KEEP_EXTERNAL = ['pino', 'thread-stream', '@fastify/swagger', '@fastify/swagger-ui', 'ioredis', 'pg'];

function matches(packages: string[], specifier: string): boolean {
  return packages.some((name) => specifier === name || specifier.startsWith(`${name}/`));
}

const workspaceSources: Plugin = {
  name: 'pcf-workspace-sources',
  setup(builder) {
    builder.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.path.startsWith('@pcf/')) return undefined;
      const fromPackage = args.importer.includes(`${sep}node_modules${sep}`);
      return (fromPackage ? !matches(KEEP_EXTERNAL, args.path) : matches(BUNDLED, args.path))
        ? undefined
        : { path: args.path, external: true };
    });
    builder.onLoad({ filter: /\.ts$/ }, async (args) => ({
      contents: (await readFile(args.path, 'utf8')).replaceAll(
        'import.meta.url',
        JSON.stringify(pathToFileURL(args.path).href),
      ),
      loader: 'ts',
    }));
  },
};

/** Writes SERVER_BUNDLE (and its source map). */
export async function buildServer(): Promise<void> {
  await rm(join(ROOT, dirname(SERVER_BUNDLE)), { recursive: true, force: true });
  await build({
    absWorkingDir: ROOT,
    entryPoints: ['apps/server/src/main.ts'],
    // Split at main.ts's dynamic import: the entry chunk opens the embedded database before the rest loads.
    outdir: dirname(SERVER_BUNDLE),
    outExtension: { '.js': '.mjs' },
    entryNames: '[name]',
    chunkNames: 'chunks/[name]-[hash]',
    splitting: true,
    bundle: true,
    // Bundled CommonJS packages call require() for Node's built-ins.
    banner: {
      js: "import { createRequire as pcfCreateRequire } from 'node:module'; const require = pcfCreateRequire(import.meta.url);",
    },
    platform: 'node',
    format: 'esm',
    target: 'node20',
    sourcemap: 'linked',
    logLevel: 'warning',
    plugins: [workspaceSources],
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await buildServer();

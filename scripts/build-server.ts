/**
 * Bundles the server (apps/server/src/main.ts and the workspace packages it imports: kernel, services) into one
 * ES module, apps/server/dist/main.mjs, so that `npm start` runs plain JavaScript instead of transpiling ~150
 * TypeScript files through tsx at every start. Third-party packages stay external (loaded from node_modules).
 * `import.meta.url` keeps meaning the source file's URL (migrations and asset folders are found next to the
 * sources), so the bundle runs only inside this checkout — it is a start-up cache, not a deployable artefact.
 * Run by `npm run build`; scripts/ensure-built.ts rebuilds it when a source is newer.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build, type Plugin } from 'esbuild';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const SERVER_BUNDLE = 'apps/server/dist/main.mjs';

const workspaceSources: Plugin = {
  name: 'pcf-workspace-sources',
  setup(builder) {
    // Only the workspace's own packages are bundled; everything else is imported at run time.
    builder.onResolve({ filter: /^[^./]/ }, (args) =>
      args.path.startsWith('@pcf/') ? undefined : { path: args.path, external: true },
    );
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
  await build({
    absWorkingDir: ROOT,
    entryPoints: ['apps/server/src/main.ts'],
    outfile: SERVER_BUNDLE,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    sourcemap: 'linked',
    logLevel: 'warning',
    plugins: [workspaceSources],
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await buildServer();

/**
 * Builds dist/paiecashfan-sdk.js (IIFE), dist/paiecashfan-sdk.mjs (ESM) and dist/paiecashfan-sdk.d.ts.
 * The .d.ts: dts-bundle-generator needs the TypeScript 5 compiler API, which TypeScript 7 no longer has, so tsc
 * emits per-file declarations and declarationBundle() below joins the ones the entry reaches into one file.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { build } from 'esbuild';
import { ESM_OPTIONS, IIFE_OPTIONS } from './bundle-options.ts';
import { contractDeclarations } from './contract-declarations.ts';

const root = new URL('.', import.meta.url).pathname;
const dist = join(root, 'dist');
const protocolSource = join(root, '../widget-kit/src/protocol.ts');
const tsc = join(root, '../../node_modules/.bin/tsc');
const COMPILER_FLAGS = [
  '--ignoreConfig',
  '--strict',
  '--skipLibCheck',
  '--target',
  'es2022',
  '--lib',
  'es2023,dom',
];

await build({ ...IIFE_OPTIONS, outfile: join(dist, 'paiecashfan-sdk.js') });
await build({ ...ESM_OPTIONS, outfile: join(dist, 'paiecashfan-sdk.mjs') });

const out = mkdtempSync(join(tmpdir(), 'pcf-sdk-dts-'));
try {
  execFileSync(tsc, [
    ...COMPILER_FLAGS,
    ...['--declaration', '--emitDeclarationOnly', '--allowImportingTsExtensions', '--types', 'node'],
    ...[
      '--module',
      'esnext',
      '--moduleResolution',
      'bundler',
      '--rootDir',
      join(root, '..'),
      '--outDir',
      out,
    ],
    join(root, 'src/index.ts'),
    protocolSource,
  ]);
  const contracts = await writeContractDeclarations(out);
  const bundled = declarationBundle(
    join(out, 'sdk/src/index.d.ts'),
    (specifier, from) =>
      contracts.get(specifier) ??
      (specifier === '@pcf/widget-kit/protocol'
        ? join(out, 'widget-kit/src/protocol.d.ts')
        : resolve(dirname(from), specifier.replace(/\.ts$/, '.d.ts'))),
  );
  const dts = join(dist, 'paiecashfan-sdk.d.ts');
  writeFileSync(dts, bundled);
  // The bundle must stand alone: compile it with nothing else.
  execFileSync(tsc, [...COMPILER_FLAGS, '--noEmit', '--types', '', dts], { stdio: 'inherit' });
} finally {
  rmSync(out, { recursive: true, force: true });
}

/**
 * The services' contract types the SDK imports (`@pcf/<service>/contract`), printed standalone from their schemas into
 * one declaration file per contract; returns specifier → file.
 */
async function writeContractDeclarations(dir: string): Promise<Map<string, string>> {
  const wanted = new Map<string, Set<string>>();
  const visit = (folder: string) => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) visit(path);
      else
        for (const [, list, specifier] of readFileSync(path, 'utf8').matchAll(
          /^(?:import|export) type \{([^}]*)\} from '(@pcf\/[\w-]+\/contract)';$/gm,
        )) {
          const names = wanted.get(specifier as string) ?? new Set<string>();
          for (const name of (list as string).split(',')) if (name.trim()) names.add(name.trim());
          wanted.set(specifier as string, names);
        }
    }
  };
  visit(join(dir, 'sdk'));
  const files = new Map<string, string>();
  for (const [specifier, names] of wanted) {
    const file = join(dir, `${specifier.replace(/\W+/g, '-')}.d.ts`);
    writeFileSync(file, `${await contractDeclarations(specifier, [...names].sort())}\n`);
    files.set(specifier, file);
  }
  return files;
}

/** Joins the declaration files reachable from `entry` into one module that exports what the entry exports. */
function declarationBundle(entry: string, resolveFile: (specifier: string, from: string) => string): string {
  const IMPORT = /^(?:import|export)\s+(?:type\s+)?\{([^}]*)\}\s+from\s+'([^']+)';$/gm;
  const seen = new Set<string>();
  const names = new Set<string>();
  const parts: string[] = [];
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const text = readFileSync(file, 'utf8');
    for (const [, , specifier] of text.matchAll(IMPORT)) visit(resolveFile(specifier as string, file));
    const code = text.replace(IMPORT, '').replace(/\/\*[\s\S]*?\*\//g, '');
    if (/\bimport\(|\bas\s+\w+\s*[,}]/.test(code)) throw new Error(`${file}: unsupported import form`);
    const body = text
      .replace(IMPORT, '')
      .replace(/^export \{\};$/gm, '')
      .replace(/^export (declare |interface |type )/gm, (_, keyword: string) =>
        keyword === 'declare ' ? 'declare ' : `declare ${keyword}`.replace('declare interface', 'interface'),
      );
    for (const [, name] of body.matchAll(
      /^(?:declare )?(?:interface|type|class|const|function|let) (\w+)/gm,
    )) {
      if (names.has(name as string)) throw new Error(`${file}: ${name} is declared twice in the bundle`);
      names.add(name as string);
    }
    parts.push(body.trim());
  };
  visit(entry);
  const exported = [...readFileSync(entry, 'utf8').matchAll(IMPORT)].flatMap(([, list]) =>
    (list as string)
      .split(',')
      .map((name) => name.replace(/^\s*type\s+/, '').trim())
      .filter(Boolean),
  );
  const scriptTag = 'declare global {\n  interface Window {\n    PaieCashFan: typeof PaieCashFan;\n  }\n}';
  return `// PaieCashFan SDK public types (generated by packages/sdk/build.ts).\n\n${parts.join('\n\n')}\n\n${scriptTag}\n\nexport { ${exported.join(', ')} };\n`;
}

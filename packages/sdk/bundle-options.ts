import type { BuildOptions } from 'esbuild';

const here = new URL('.', import.meta.url).pathname;

/** The script-tag build: dist/paiecashfan-sdk.js defines window.PaieCashFan (≤ 6 KB gzipped). */
export const IIFE_OPTIONS: BuildOptions = {
  entryPoints: [`${here}src/global.ts`],
  bundle: true,
  minify: true,
  format: 'iife',
  platform: 'browser',
  target: 'es2020',
  legalComments: 'none',
};

/** The module build: dist/paiecashfan-sdk.mjs exports PaieCashFan, PcfError and ENVIRONMENTS. */
export const ESM_OPTIONS: BuildOptions = {
  ...IIFE_OPTIONS,
  entryPoints: [`${here}src/index.ts`],
  format: 'esm',
};

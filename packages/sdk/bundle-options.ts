import type { BuildOptions } from 'esbuild';

const here = new URL('.', import.meta.url).pathname;

/**
 * Property names that exist only between the SDK's own modules (connection hooks, request tracker, module internals,
 * routing specs): the minifier shortens them. Never list a name of the public API (mount, on, send…), of the
 * postMessage protocol (widget, params, result, locale…) or of a browser object (add, call, clear, origin…).
 */
export const INTERNAL_PROPERTIES = [
  // connection.ts hooks and Connection
  'prepare',
  'hello',
  'answer',
  'onEvent',
  'onConnected',
  'onHandshakeFailed',
  'post',
  'onLoad',
  'receive',
  'notify',
  // request-tracker.ts
  'track',
  'wait',
  'settle',
  'pending',
  'rejectAll',
  'timer',
  // widget-module.ts, mount-frame.ts, disposables.ts
  'assertAlive',
  'request',
  'module',
  'broadcast',
  'tokens',
  'sdk',
  'frame',
  'connection',
  'container',
  'config',
  'emit',
  'dispose',
  'disposed',
  // router.ts
  'valid',
  'rest',
  'guest',
  'api',
  'clubSlug',
];

/** The script-tag build: dist/paiecashfan-sdk.js defines window.PaieCashFan (≤ 6 KB gzipped). */
export const IIFE_OPTIONS: BuildOptions = {
  entryPoints: [`${here}src/global.ts`],
  bundle: true,
  minify: true,
  mangleProps: new RegExp(`^(${INTERNAL_PROPERTIES.join('|')})$`),
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

/**
 * Builds every widget into one self-contained HTML file in dist/ (all JS and CSS inline, as the widget CSP
 * requires). vite-plugin-singlefile needs one build per page; the widgets without their own page yet share the
 * coming-soon page, told apart by the __PCF_WIDGET__ constant.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WIDGET_FILES, WIDGET_NAMES, type WidgetName } from '@pcf/widget-kit/protocol';
import preact from '@preact/preset-vite';
import { build, type Rolldown } from 'vite';
import { viteSingleFile } from 'vite-plugin-singlefile';

// Always a production build, even when started from a test runner (which sets NODE_ENV=test).
process.env.NODE_ENV = 'production';
const root = dirname(fileURLToPath(import.meta.url));
const dist = join(root, 'dist');
/** The widgets with their own page; the others show the coming-soon card. */
const PAGES: Partial<Record<WidgetName, string>> = { wallet: 'wallet.html', shop: 'shop.html' };

async function buildWidget(name: WidgetName): Promise<void> {
  const page = PAGES[name] ?? 'coming-soon.html';
  const result = await build({
    root,
    mode: 'production',
    configFile: false,
    logLevel: 'warn',
    plugins: [
      preact({ devToolsEnabled: false, prefreshEnabled: false }),
      viteSingleFile({ removeViteModuleLoader: true }),
    ],
    define: { __PCF_WIDGET__: JSON.stringify(name) },
    build: {
      write: false,
      modulePreload: false,
      target: 'es2022',
      reportCompressedSize: false,
      rolldownOptions: { input: join(root, page) },
    },
  });
  const outputs = (Array.isArray(result) ? result : [result]) as Rolldown.RolldownOutput[];
  const html = outputs.flatMap((output) => output.output).find((chunk) => chunk.fileName.endsWith('.html'));
  if (html?.type !== 'asset') throw new Error(`no HTML produced for ${name}`);
  await writeFile(join(dist, WIDGET_FILES[name]), html.source);
}

await mkdir(dist, { recursive: true });
for (const name of WIDGET_NAMES) await buildWidget(name);
console.log(`built ${WIDGET_NAMES.length} widgets into ${dist}`);

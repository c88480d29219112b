import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { WIDGET_FILES } from '@pcf/widget-kit/protocol';
import { beforeAll, describe, expect, it } from 'vitest';

const app = fileURLToPath(new URL('..', import.meta.url));
const dist = join(app, 'dist');
const BUDGET_BYTES = 35 * 1024;
const files = Object.values(WIDGET_FILES);

describe('widget pages', () => {
  beforeAll(() => {
    if (files.some((file) => !existsSync(join(dist, file)))) {
      execFileSync(process.execPath, ['--import', 'tsx', 'build.ts'], { cwd: app, stdio: 'inherit' });
    }
  }, 120_000);

  it.each(files)('%s stays within 35 KB gzipped', (file) => {
    const size = gzipSync(readFileSync(join(dist, file))).length;
    expect(size).toBeLessThanOrEqual(BUDGET_BYTES);
  });

  it.each(files)('%s is self-contained: no external URL, no external script or stylesheet', (file) => {
    const html = readFileSync(join(dist, file), 'utf8');
    expect(html).not.toMatch(/(src|href)\s*=\s*["']?\s*(https?:)?\/\//i);
    expect(html).not.toMatch(/@import/i);
    expect(html).not.toMatch(/<script[^>]+src=/i);
    expect(html).not.toMatch(/<link[^>]+rel=["']?stylesheet/i);
  });

  it.each(files)('%s has no inline event-handler attributes (the CSP would block them)', (file) => {
    const html = readFileSync(join(dist, file), 'utf8');
    const markup = html.replace(/<script[\s\S]*?<\/script>|<style[\s\S]*?<\/style>/gi, '');
    expect(markup).not.toMatch(/\son[a-z]+\s*=/i);
  });
});

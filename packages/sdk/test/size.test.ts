import { runInNewContext } from 'node:vm';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { IIFE_OPTIONS } from '../bundle-options.ts';

const BUDGET = 6 * 1024;

async function iife(): Promise<string> {
  const result = await build({ ...IIFE_OPTIONS, write: false });
  return result.outputFiles?.[0]?.text ?? '';
}

describe('the script-tag build', () => {
  it(`stays within ${BUDGET} bytes gzipped`, async () => {
    const gzipped = gzipSync(await iife()).length;
    expect(gzipped).toBeGreaterThan(1000);
    expect(gzipped).toBeLessThanOrEqual(BUDGET);
  });

  it('loaded twice into one window keeps the first instance', async () => {
    const code = await iife();
    const fakeWindow: Record<string, unknown> = {
      document: { currentScript: { src: 'https://host.example/sdk/paiecashfan-sdk.js' } },
      URL,
    };
    fakeWindow.window = fakeWindow;
    runInNewContext(code, fakeWindow);
    const first = fakeWindow.PaieCashFan;
    expect(typeof first).toBe('function');
    runInNewContext(code, fakeWindow);
    expect(fakeWindow.PaieCashFan).toBe(first);
  });
});

import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runServer } from './process.ts';

describe('a split process checks at start that the services it calls are reachable', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it.each([
    [
      'shop',
      'identity=http://127.0.0.1:9',
      'the shop service calls wallet, which does not run in this process: add wallet=<url> to PCF_SERVICE_URLS',
    ],
    [
      'shop',
      '',
      'the shop service calls identity and wallet, which do not run in this process: add ' +
        'identity=<url>,wallet=<url> to PCF_SERVICE_URLS',
    ],
    [
      'wallet',
      'shop=http://127.0.0.1:9',
      'the wallet service calls identity, which does not run in this process: add identity=<url> to PCF_SERVICE_URLS',
    ],
  ])(
    'PCF_SERVICES=%s with PCF_SERVICE_URLS=%j stops with one line, before touching a database',
    async (services, urls, message) => {
      const dir = await mkdtemp(join(tmpdir(), 'pcf-deps-'));
      dirs.push(dir);
      const result = await runServer({
        PCF_SERVICES: services,
        PCF_SERVICE_URLS: urls,
        PCF_SERVICE_TOKEN: randomBytes(32).toString('hex'),
        PCF_DATA_DIR: dir,
        PORT: '0',
      });
      expect(result.code).toBe(1);
      const lines = result.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain(`Configuration error: ${message}`);
      expect(await readdir(dir)).toEqual([]);
    },
  );
});

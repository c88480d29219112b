import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LightMyRequestResponse } from 'fastify';
import { loadConfig } from '../../src/config.ts';
import { createPlatform, type Platform, type PlatformOptions } from '../../src/platform/platform.ts';
import type { ServiceModule } from '../../src/service.ts';
import type { TestBackend } from './databases.ts';

export interface TestPlatform {
  platform: Platform;
  request(options: {
    method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE' | 'OPTIONS';
    url: string;
    token?: string;
    body?: unknown;
    headers?: Record<string, string>;
  }): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

/** A whole platform on a fresh database of the given backend, driven through app.inject. */
export async function startTestPlatform(
  backend: TestBackend,
  modules: ServiceModule[],
  env: Record<string, string> = {},
  surfaces: PlatformOptions['surfaces'] = [],
): Promise<TestPlatform> {
  const database = await backend.create();
  const dataDir = await mkdtemp(join(tmpdir(), 'pcf-test-'));
  const config = loadConfig(
    {
      LOG_LEVEL: 'silent',
      PCF_DATA_DIR: dataDir,
      PCF_DEMO: '0',
      ...(database.databaseUrl ? { DATABASE_URL: database.databaseUrl } : {}),
      ...env,
    },
    [],
  );
  const platform = await createPlatform(config, { modules, surfaces });
  return {
    platform,
    request: ({ method, url, token, body, headers }) =>
      platform.app.inject({
        method,
        url,
        headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
        ...(body === undefined ? {} : { payload: body as object }),
      }),
    async close() {
      await platform.close();
      await database.drop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LightMyRequestResponse } from 'fastify';
import { loadConfig } from '../../src/config.ts';
import { createPlatform, type Platform, type PlatformOptions } from '../../src/platform/platform.ts';
import type { ServiceModule } from '../../src/service.ts';
import type { TestBackend } from './databases.ts';
import { type ApiClient, fetchApi, injectApi } from './http.ts';

/**
 * What the fixtures need from a platform: its API, and (in-process only) a way to publish committed outbox events
 * now. A {@link TestPlatform} is one; {@link connectPlatform} makes one for a platform running in another process.
 */
export interface PlatformClient {
  api: ApiClient;
  flushEvents?(): Promise<void>;
}

export interface TestPlatform extends PlatformClient {
  platform: Platform;
  /** One request through `app.inject`, answered as Fastify's light-my-request response. */
  request(options: {
    method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE' | 'OPTIONS';
    url: string;
    token?: string;
    body?: unknown;
    headers?: Record<string, string>;
  }): Promise<LightMyRequestResponse>;
  flushEvents(): Promise<void>;
  close(): Promise<void>;
}

/** A whole platform on a fresh database of the given backend, driven through app.inject. No settings added. */
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
    api: injectApi(platform.app),
    request: ({ method, url, token, body, headers }) =>
      platform.app.inject({
        method,
        url,
        headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
        ...(body === undefined ? {} : { payload: body as object }),
      }),
    flushEvents: () => platform.flushEvents(),
    async close() {
      await platform.close();
      await database.drop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** The platform admin every fixture platform is started with (`adminLogin`, `createClub` sign in as them). */
export const TEST_ADMIN = { email: 'root@platform.test', password: 'root-password-123' } as const;

/** The sandbox payment provider's webhook secret on a fixture platform (tests sign their own deliveries with it). */
export const FIXTURE_WEBHOOK_SECRET = 'test-webhook-secret-0123456789abcdef';

/**
 * The settings a fixture platform starts with, under the test's own: the known admin, rate limits out of the way
 * (tests of rate limiting set their own), sandbox deposits confirmed at once with a known webhook secret.
 */
export const FIXTURE_ENV: Readonly<Record<string, string>> = {
  PCF_ADMIN_EMAIL: TEST_ADMIN.email,
  PCF_ADMIN_PASSWORD: TEST_ADMIN.password,
  PCF_RATE_LIMIT_IP: '1000000',
  PCF_RATE_LIMIT_USER: '1000000',
  PCF_SANDBOX_WEBHOOK_SECRET: FIXTURE_WEBHOOK_SECRET,
  PCF_SANDBOX_CONFIRM_MS: '0',
};

export interface FixturePlatformOptions {
  /** Settings over {@link FIXTURE_ENV}. */
  env?: Record<string, string>;
  surfaces?: PlatformOptions['surfaces'];
  /** Also start the outbox relays, the bus and the services' background work (sweepers, sealers). */
  background?: boolean;
}

/**
 * The chosen services on a fresh database of the chosen backend, with {@link FIXTURE_ENV}: what the fixtures
 * (`newFan`, `createClub`, `fundWallet`…) expect. Identity must be among `modules`.
 */
export async function startFixturePlatform(
  backend: TestBackend,
  modules: ServiceModule[],
  options: FixturePlatformOptions = {},
): Promise<TestPlatform> {
  const t = await startTestPlatform(backend, modules, { ...FIXTURE_ENV, ...options.env }, options.surfaces);
  if (options.background) {
    try {
      await t.platform.startBackground();
    } catch (error) {
      await t.close();
      throw error;
    }
  }
  return t;
}

/** A platform running in another process (a started server, the gateway), reached over HTTP. */
export function connectPlatform(baseUrl: string): PlatformClient {
  return { api: fetchApi(baseUrl) };
}

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SERVER_BUNDLE } from '../../scripts/build-server.ts';
import { ensureServerBuilt } from '../../scripts/ensure-built.ts';
import { type ChildServer, freePort, startChild } from './child.ts';

/** The demo fan seeded by the embedded default (services/identity/src/identity.demo.ts). */
export const DEMO_FAN = { email: 'fan@demo.paiecashfan.dev', password: 'AllezLesFans-2026' } as const;

export interface PlatformOptions {
  root: string;
  rateLimit: number;
  /** Extra environment, e.g. LOG_LEVEL for an informational row. */
  env?: Record<string, string>;
  name?: string;
  /** Node flags for the child, after npm start's (e.g. --cpu-prof). */
  extraNodeFlags?: string[];
  /** An existing data directory (a restart); default: a fresh temporary one. */
  dataDir?: string;
  /** Run the TypeScript sources through tsx instead of npm start's bundle (the "before" of the start-up row). */
  viaTsx?: boolean;
}

export interface RunningPlatform {
  server: ChildServer;
  dataDir: string;
}

/**
 * Starts the platform as `npm start` does (its bundle, apps/server/dist/main.mjs, built first if stale) on a free
 * port, with a fresh data directory unless one is given, and waits for /readyz.
 */
export async function startPlatform(options: PlatformOptions): Promise<RunningPlatform> {
  if (!options.viaTsx) await ensureServerBuilt();
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'pcf-bench-')));
  const started = startChild({
    name: options.name ?? 'platform',
    script: options.viaTsx ? 'apps/server/src/main.ts' : SERVER_BUNDLE,
    cwd: options.root,
    port: await freePort(),
    readyPath: '/readyz',
    extraNodeFlags: options.extraNodeFlags ?? [],
    env: {
      PCF_DATA_DIR: dataDir,
      PCF_RATE_LIMIT_IP: String(options.rateLimit),
      PCF_RATE_LIMIT_USER: String(options.rateLimit),
      ...options.env,
    },
  });
  try {
    return { server: await started, dataDir };
  } catch (error) {
    if (!options.dataDir) await rm(dataDir, { recursive: true, force: true }).catch(() => undefined);
    throw error;
  }
}

/** Signs the demo fan in and checks the token works on /v1/auth/me; returns the access token. */
export async function loginDemoFan(baseUrl: string): Promise<string> {
  const response = await fetch(`${baseUrl}/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(DEMO_FAN),
  });
  const body: unknown = await response.json().catch(() => null);
  const token = isRecord(body) && typeof body.accessToken === 'string' ? body.accessToken : null;
  if (response.status !== 200 || token === null) {
    throw new Error(`login as ${DEMO_FAN.email} failed: ${response.status} ${JSON.stringify(body)}`);
  }
  const me = await fetch(`${baseUrl}/v1/auth/me`, { headers: { authorization: `Bearer ${token}` } });
  const user: unknown = await me.json().catch(() => null);
  if (me.status !== 200 || !isRecord(user) || user.email !== DEMO_FAN.email) {
    throw new Error(`GET /v1/auth/me with the fresh token failed: ${me.status} ${JSON.stringify(user)}`);
  }
  return token;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

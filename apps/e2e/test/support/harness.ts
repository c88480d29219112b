import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectPlatform, type Fan, fetchApi, type HttpMethod, type Json, newFan } from '@pcf/kernel/testing';
import type { Browser, Page } from 'playwright-core';
import { freePort, type ServerProcess, startServer } from '../../../server/test/process.ts';
import { launchChromium } from './chromium.ts';
import { type HostServer, startHostServer } from './host-server.ts';

export const ADMIN = { email: 'root@e2e.test', password: 'root-password-e2e' };
export const FAN_PASSWORD = 'fan-password-e2e';

export type { Fan };

export interface E2E {
  /** http://localhost:<port>: API, widgets, SDK. */
  platformUrl: string;
  /** The partner's site, http://127.0.0.1:<port>: another origin and another site. */
  host: HostServer;
  /** Another site whose origin no key allows. */
  strangerHost: HostServer;
  publishableKey: string;
  secretKey: string;
  browser: Browser;
  server: ServerProcess;
  newPage(viewport?: { width: number; height: number }): Promise<Page>;
  signUp(name: string): Promise<Fan>;
  close(): Promise<void>;
}

export interface E2EOptions {
  env?: Record<string, string>;
  /** Seed the demo data and issue the keys for this demo club (e.g. 'monaco', whose shop has products). */
  demoClub?: string;
}

/** The platform as `npm start` runs it (PGlite), a partner with keys for the host origin, and Chromium. */
export async function startE2E(options: E2EOptions = {}): Promise<E2E> {
  const port = await freePort();
  const platformUrl = `http://localhost:${port}`;
  const dataDir = await mkdtemp(join(tmpdir(), 'pcf-e2e-'));
  const server = await startServer({
    PORT: String(port),
    PCF_PUBLIC_URL: platformUrl,
    PCF_DATA_DIR: dataDir,
    PCF_DEMO: options.demoClub ? '1' : '0',
    PCF_ADMIN_EMAIL: ADMIN.email,
    PCF_ADMIN_PASSWORD: ADMIN.password,
    PCF_RATE_LIMIT_IP: '1000000',
    PCF_RATE_LIMIT_USER: '1000000',
    PCF_SANDBOX_CONFIRM_MS: '300',
    ...options.env,
  });
  const api = apiClient(server.url);
  const admin = await api('POST', '/v1/auth/login', ADMIN);
  const adminToken = admin.accessToken as string;
  const partner = options.demoClub
    ? await demoPartner(api, adminToken, options.demoClub)
    : await newPartner(api, adminToken);
  const secret = await api('POST', `/v1/partners/${partner.id}/keys`, { kind: 'secret' }, adminToken);
  const host = await startHostServer({ platformUrl: server.url, secretKey: secret.secret });
  const strangerHost = await startHostServer({ platformUrl: server.url, secretKey: secret.secret });
  const publishable = await api(
    'POST',
    `/v1/partners/${partner.id}/keys`,
    { kind: 'publishable', allowedOrigins: [host.origin] },
    adminToken,
  );
  const browser = await launchChromium();

  return {
    platformUrl,
    host,
    strangerHost,
    publishableKey: publishable.publishableKey,
    secretKey: secret.secret,
    browser,
    server,
    async newPage(viewport = { width: 1280, height: 900 }) {
      const context = await browser.newContext({ viewport });
      return context.newPage();
    },
    async signUp(name) {
      const email = `${name.toLowerCase()}-${randomUUID().slice(0, 8)}@e2e.test`;
      return newFan(connectPlatform(server.url), name, { email, password: FAN_PASSWORD });
    },
    async close() {
      await browser.close();
      await host.close();
      await strangerHost.close();
      await server.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export type { Json };

/** A test's calls to the platform's API as a fan or admin would make them: status and JSON body ({} when empty). */
export function apiCaller(baseUrl: string) {
  const api = fetchApi(baseUrl);
  return async (
    method: string,
    path: string,
    token?: string,
    body?: unknown,
    idempotencyKey?: string,
  ): Promise<{ status: number; body: Json }> => {
    const { status, body: answer } = await api.request({
      method: method as HttpMethod,
      url: path,
      ...(token ? { token } : {}),
      ...(body === undefined ? {} : { body }),
      ...(idempotencyKey ? { idempotencyKey } : {}),
    });
    return { status, body: answer };
  };
}

/** The harness's own set-up calls: the JSON answer, or an ApiError naming the call when it is not 2xx. */
function apiClient(baseUrl: string) {
  const api = fetchApi(baseUrl);
  return (method: string, path: string, body?: unknown, token?: string): Promise<Json> =>
    api.json<Json>({
      method: method as HttpMethod,
      url: path,
      ...(token ? { token } : {}),
      ...(body === undefined ? {} : { body }),
    });
}

type Api = ReturnType<typeof apiClient>;

async function newPartner(api: Api, adminToken: string): Promise<Json> {
  const slug = `club-${randomUUID().slice(0, 8)}`;
  const admin = { email: `${slug}@e2e.test`, password: FAN_PASSWORD, displayName: 'Club admin' };
  return (await api('POST', '/v1/partners', { name: 'E2E Club', slug, admin }, adminToken)).partner;
}

async function demoPartner(api: Api, adminToken: string, slug: string): Promise<Json> {
  const partners = await api('GET', '/v1/partners?limit=100', undefined, adminToken);
  const partner = (partners.data as Json[]).find((p) => p.slug === slug);
  if (!partner) throw new Error(`no demo partner ${slug}`);
  return partner;
}

/** The SDK script tag as a partner writes it. */
export function sdkScript(e2e: Pick<E2E, 'platformUrl'>): string {
  return `<script src="${e2e.platformUrl}/sdk/paiecashfan-sdk.js"></script>`;
}

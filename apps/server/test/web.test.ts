import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { identityModule } from '@pcf/identity';
import type { ServiceModule } from '@pcf/kernel';
import { loadConfig } from '@pcf/kernel';
import { startTestPlatform as startPlatform, type TestPlatform, testBackends } from '@pcf/kernel/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { platformWebSurface } from '../src/web/web.surface.ts';

const ADMIN = { email: 'root@web.test', password: 'root-password-123' };
const PUBLIC_URL = 'http://platform.test:8080';
const HOST = 'https://club.example';
const SCRIPT = 'console.log("widget")';
const backend = testBackends()[0]!;

describe('web surface: widget pages, SDK and demo', () => {
  let t: TestPlatform;
  let dir: string;
  let pk: string;
  let adminToken: string;
  let partnerId: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pcf-web-'));
    const dirs = { widgets: `${dir}/widgets/`, sdk: `${dir}/sdk/`, demo: `${dir}/demo/` };
    for (const d of Object.values(dirs)) await mkdir(d);
    await writeFile(
      `${dirs.widgets}wallet-widget.html`,
      `<!doctype html><script type="module">${SCRIPT}</script>`,
    );
    await writeFile(`${dirs.sdk}paiecashfan-sdk.js`, 'window.PaieCashFan = function () {};');
    await writeFile(`${dirs.demo}index.html`, '<!doctype html><title>demo</title>');
    const env = {
      PCF_ADMIN_EMAIL: ADMIN.email,
      PCF_ADMIN_PASSWORD: ADMIN.password,
      PCF_PUBLIC_URL: PUBLIC_URL,
    };
    const config = loadConfig(env, []);
    t = await startTestPlatform(env, [platformWebSurface(config, dirs)]);
    adminToken = (await t.request({ method: 'POST', url: '/v1/auth/login', body: ADMIN })).json().accessToken;
    const partner = await t.request({
      method: 'POST',
      url: '/v1/partners',
      token: adminToken,
      body: {
        name: 'Web Club',
        slug: 'web-club',
        admin: { email: 'admin@web-club.test', password: 'club-password-123', displayName: 'Admin' },
      },
    });
    partnerId = partner.json().partner.id;
    const key = await t.request({
      method: 'POST',
      url: `/v1/partners/${partnerId}/keys`,
      token: adminToken,
      body: { kind: 'publishable', allowedOrigins: [HOST] },
    });
    pk = key.json().publishableKey;
  });
  afterAll(async () => {
    await t.close();
    await rm(dir, { recursive: true, force: true });
  });

  function startTestPlatform(env: Record<string, string>, surfaces: Parameters<typeof startPlatform>[3]) {
    return startPlatform(backend, [identityModule as ServiceModule], env, surfaces);
  }

  it("frames a widget only from the key's allowed origins and the platform, running only its own inline scripts", async () => {
    const response = await t.request({ method: 'GET', url: `/widgets/wallet-widget.html?pk=${pk}` });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('text/html');
    const csp = String(response.headers['content-security-policy']);
    expect(csp).toContain(`frame-ancestors http://platform.test:8080 ${HOST}`);
    const hash = createHash('sha256').update(SCRIPT).digest('base64');
    expect(csp).toContain(`script-src 'sha256-${hash}'`);
    expect(csp).toContain("connect-src 'self'");
    expect(response.headers['x-frame-options']).toBeUndefined();
    expect(response.headers['x-content-type-options']).toBe('nosniff');
  });

  it('serves a frame whose parent the key does not allow a data-free page that tells that parent PCF_ORIGIN_DENIED once', async () => {
    const url = `/widgets/wallet-widget.html?pk=${pk}`;
    const framed = (referer: string) => ({ referer, 'sec-fetch-dest': 'iframe' });
    const denied = await t.request({ method: 'GET', url, headers: framed('https://evil.example/shop') });
    expect(denied.statusCode).toBe(200);
    expect(denied.headers.vary).toBe('Referer, Sec-Fetch-Dest, Sec-Fetch-Site');
    const csp = String(denied.headers['content-security-policy']);
    expect(csp).toContain('frame-ancestors *');
    expect(denied.body).not.toContain(SCRIPT);
    const script = /<script>([\s\S]*?)<\/script>/.exec(denied.body)?.[1] ?? '';
    expect(script).toContain('{"ns":"pcf","v":1,"widget":"wallet","type":"PCF_ORIGIN_DENIED","data":{}}');
    expect(script).not.toContain("'*'");
    expect(csp).toContain(`script-src 'sha256-${createHash('sha256').update(script).digest('base64')}'`);
    // The key's own origins, the platform, a top-level visit and an unknown key get the widget as before.
    for (const headers of [
      framed(`${HOST}/page`),
      framed(`${PUBLIC_URL}/demo`),
      { referer: 'https://evil.example/shop', 'sec-fetch-dest': 'document' },
    ]) {
      const response = await t.request({ method: 'GET', url, headers });
      expect(String(response.headers['content-security-policy'])).toContain(
        `frame-ancestors ${PUBLIC_URL} ${HOST}`,
      );
      expect(response.body).toContain(SCRIPT);
    }
    const unknown = await t.request({
      method: 'GET',
      url: '/widgets/wallet-widget.html?pk=pk_test_unknownKey123',
      headers: framed('https://evil.example/shop'),
    });
    expect(unknown.body).toContain(SCRIPT);
  });

  it('serves an unknown or malformed key the page (which shows the error), embeddable anywhere but with no data', async () => {
    for (const query of ['?pk=pk_test_unknownKey123', '?pk=garbage', '']) {
      const response = await t.request({ method: 'GET', url: `/widgets/wallet-widget.html${query}` });
      expect(response.statusCode).toBe(200);
      expect(String(response.headers['content-security-policy'])).toContain('frame-ancestors *');
    }
  });

  it('answers 404 problem+json for anything but the known widget files', async () => {
    for (const url of [
      '/widgets/evil.html',
      '/widgets/..%2F..%2Fpackage.json',
      '/widgets/shop-widget.html',
    ]) {
      const response = await t.request({ method: 'GET', url });
      expect(response.statusCode).toBe(404);
      expect(response.headers['content-type']).toContain('application/problem+json');
    }
  });

  it('serves the SDK to any site, cacheable, with ETag revalidation', async () => {
    const response = await t.request({ method: 'GET', url: '/sdk/paiecashfan-sdk.js' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('text/javascript');
    expect(response.headers['cross-origin-resource-policy']).toBe('cross-origin');
    expect(response.headers['access-control-allow-origin']).toBe('*');
    const again = await t.request({
      method: 'GET',
      url: '/sdk/paiecashfan-sdk.js',
      headers: { 'if-none-match': String(response.headers.etag) },
    });
    expect(again.statusCode).toBe(304);
    expect((await t.request({ method: 'GET', url: '/sdk/other.js' })).statusCode).toBe(404);
  });

  it('redirects / to the demo page, which may not be framed', async () => {
    const root = await t.request({ method: 'GET', url: '/' });
    expect(root.statusCode).toBe(302);
    expect(root.headers.location).toBe('/demo');
    const demo = await t.request({ method: 'GET', url: '/demo' });
    expect(demo.statusCode).toBe(200);
    expect(String(demo.headers['content-security-policy'])).toContain("frame-ancestors 'none'");
  });

  it('stops allowing the origins of a revoked key', async () => {
    const key = await t.request({
      method: 'POST',
      url: `/v1/partners/${partnerId}/keys`,
      token: adminToken,
      body: { kind: 'publishable', allowedOrigins: ['https://other.example'] },
    });
    const { id, publishableKey } = key.json();
    await t.request({ method: 'DELETE', url: `/v1/partners/${partnerId}/keys/${id}`, token: adminToken });
    const response = await t.request({
      method: 'GET',
      url: `/widgets/wallet-widget.html?pk=${publishableKey}`,
    });
    expect(String(response.headers['content-security-policy'])).not.toContain('https://other.example');
  });
});

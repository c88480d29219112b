import { Writable } from 'node:stream';
import { startTestPlatform, type TestPlatform, testBackends } from '@pcf/kernel/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MODULES } from '../src/modules.ts';

describe.each(testBackends())('platform surface on $name', (backend) => {
  let t: TestPlatform;
  let pk: string;
  beforeAll(async () => {
    t = await startTestPlatform(backend, MODULES, {
      PCF_DEMO: '1',
      PCF_PUBLIC_URL: 'https://api.paiecashfan.test',
    });
    pk = 'pk_test_monacoDemo2026';
  });
  afterAll(() => t.close());

  it('answers health and readiness', async () => {
    expect((await t.request({ method: 'GET', url: '/healthz' })).json()).toEqual({ status: 'ok' });
    const ready = await t.request({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({ status: 'ready', checks: { identity: 'ok', wallet: 'ok', shop: 'ok' } });
  });

  it('sets security headers and a request id on every response', async () => {
    const response = await t.request({ method: 'GET', url: '/healthz' });
    expect(response.headers).toMatchObject({
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'strict-origin-when-cross-origin',
      'x-frame-options': 'DENY',
    });
    expect(response.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(response.headers['strict-transport-security']).toBeUndefined();
    const echoed = await t.request({
      method: 'GET',
      url: '/healthz',
      headers: { 'x-request-id': 'partner-trace-0001' },
    });
    expect(echoed.headers['x-request-id']).toBe('partner-trace-0001');
    const unsafe = await t.request({
      method: 'GET',
      url: '/healthz',
      headers: { 'x-request-id': 'bad id\n' },
    });
    expect(unsafe.headers['x-request-id']).not.toContain('bad');
  });

  it('answers unknown routes with a problem', async () => {
    const response = await t.request({ method: 'GET', url: '/v1/nope?x=1' });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({
      type: 'https://docs.paiecashfan.dev/problems/route-not-found',
      title: 'Not Found',
      status: 404,
      code: 'route_not_found',
      detail: 'GET /v1/nope was not found',
    });
    expect(response.json().requestId).toBe(response.headers['x-request-id']);
  });

  it('serves an OpenAPI 3.1 document and the interactive reference', async () => {
    const spec = (await t.request({ method: 'GET', url: '/openapi.json' })).json();
    expect(spec.openapi).toBe('3.1.0');
    expect(Object.keys(spec.paths)).toEqual(
      expect.arrayContaining([
        '/v1/auth/signup',
        '/v1/auth/login',
        '/v1/auth/me',
        '/v1/partners/{partnerId}/keys',
      ]),
    );
    expect(
      spec.paths['/v1/auth/signup'].post.requestBody.content['application/json'].schema.required,
    ).toEqual(expect.arrayContaining(['email', 'password', 'displayName']));
    const docs = await t.request({ method: 'GET', url: '/docs/' });
    expect(docs.statusCode).toBe(200);
    expect(docs.headers['content-type']).toMatch(/text\/html/);
  });

  it('exposes Prometheus metrics: requests per route, latency, pool, outbox', async () => {
    await t.request({ method: 'GET', url: '/v1/auth/me' });
    const text = (await t.request({ method: 'GET', url: '/metrics' })).body;
    expect(text).toMatch(/pcf_http_requests_total\{method="GET",route="\/v1\/auth\/me",status="401"\} \d+/);
    expect(text).toMatch(
      /pcf_http_request_duration_seconds_bucket\{le="0.005",method="GET",route="\/v1\/auth\/me"\}/,
    );
    expect(text).toMatch(/pcf_db_pool_connections\{database="identity"\} \d+/);
    expect(text).toMatch(/pcf_outbox_pending_events\{service="identity"\} \d+/);
    expect(text).toContain('pcf_event_delivery_lag_seconds');
  });

  describe('CORS', () => {
    const preflight = (origin: string) =>
      t.request({
        method: 'OPTIONS',
        url: '/v1/auth/me',
        headers: {
          origin,
          'access-control-request-method': 'GET',
          'access-control-request-headers': 'authorization',
        },
      });

    it("allows the origins of active publishable keys and the platform's own", async () => {
      for (const origin of [
        'http://localhost:8080',
        'http://127.0.0.1:8080',
        'https://api.paiecashfan.test',
      ]) {
        const response = await t.request({ method: 'GET', url: '/healthz', headers: { origin } });
        expect(response.headers['access-control-allow-origin'], origin).toBe(origin);
        const pre = await preflight(origin);
        expect(pre.statusCode).toBe(204);
        expect(pre.headers['access-control-allow-headers']).toContain('authorization');
        expect(pre.headers['access-control-allow-methods']).toContain('POST');
      }
      expect(
        (await t.request({ method: 'GET', url: `/v1/partners/publishable-keys/${pk}` })).statusCode,
      ).toBe(200);
    });

    it('gives any other origin no CORS headers at all', async () => {
      for (const origin of ['https://evil.example', 'http://localhost:8081', 'null']) {
        const response = await t.request({ method: 'GET', url: '/healthz', headers: { origin } });
        expect(Object.keys(response.headers).filter((h) => h.startsWith('access-control-'))).toEqual([]);
        const pre = await preflight(origin);
        expect(Object.keys(pre.headers).filter((h) => h.startsWith('access-control-'))).toEqual([]);
      }
    });
  });

  it('seeds the demo data once: two partners, a demo fan who can sign in', async () => {
    expect(t.platform.banner.join('\n')).toContain('Demo fan: fan@demo.paiecashfan.dev / AllezLesFans-2026');
    const login = await t.request({
      method: 'POST',
      url: '/v1/auth/login',
      body: { email: 'fan@demo.paiecashfan.dev', password: 'AllezLesFans-2026' },
    });
    expect(login.statusCode).toBe(200);
    const partners = await t.platform
      .database('identity')
      .query<{ name: string }>('SELECT name FROM identity.partners ORDER BY name');
    expect(partners.rows.map((r) => r.name)).toEqual(['AS Monaco', 'Paris Saint-Germain']);
  });
});

describe('rate limiting', () => {
  let t: TestPlatform;
  beforeAll(async () => {
    t = await startTestPlatform(testBackends()[0]!, MODULES, {
      PCF_RATE_LIMIT_IP: '5',
      PCF_RATE_LIMIT_USER: '1000',
    });
  });
  afterAll(() => t.close());

  it('answers 429 with Retry-After once an IP exceeds its budget; health checks stay exempt', async () => {
    const statuses = [];
    for (let i = 0; i < 7; i++)
      statuses.push((await t.request({ method: 'GET', url: '/v1/auth/me' })).statusCode);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429]);
    const limited = await t.request({ method: 'GET', url: '/v1/auth/me' });
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(limited.json()).toMatchObject({ status: 429, code: 'rate_limited' });
    expect((await t.request({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
  });
});

describe('per-user rate limiting', () => {
  let t: TestPlatform;
  beforeAll(async () => {
    t = await startTestPlatform(testBackends()[0]!, MODULES, {
      PCF_RATE_LIMIT_IP: '1000',
      PCF_RATE_LIMIT_USER: '3',
    });
  });
  afterAll(() => t.close());

  it("limits one user's requests without affecting another", async () => {
    const tokens = [];
    for (const name of ['a', 'b']) {
      const r = await t.request({
        method: 'POST',
        url: '/v1/auth/signup',
        body: { email: `${name}@example.com`, password: 'long-enough-pw', displayName: name },
      });
      tokens.push(r.json().accessToken as string);
    }
    const a = [];
    for (let i = 0; i < 4; i++)
      a.push((await t.request({ method: 'GET', url: '/v1/auth/me', token: tokens[0] })).statusCode);
    expect(a).toEqual([200, 200, 200, 429]);
    expect((await t.request({ method: 'GET', url: '/v1/auth/me', token: tokens[1] })).statusCode).toBe(200);
  });
});

describe('behind a TLS proxy', () => {
  let t: TestPlatform;
  const lines: string[] = [];
  beforeAll(async () => {
    t = await startTestPlatform(testBackends()[0]!, MODULES, {
      PCF_TRUST_PROXY: '127.0.0.1',
      LOG_LEVEL: 'info',
    });
  });
  afterAll(() => t.close());

  it('sends HSTS when the original request was https', async () => {
    const response = await t.request({
      method: 'GET',
      url: '/healthz',
      headers: { 'x-forwarded-proto': 'https' },
    });
    expect(response.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
  });

  it('redacts secrets in logs', async () => {
    const { createHttpApp } = await import('@pcf/kernel');
    const stream = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const app = createHttpApp({ logLevel: 'info', bodyLimit: 1024, trustProxy: false, logStream: stream });
    app.log.info({
      req: { headers: { authorization: 'Bearer secret-token', cookie: 'sid=1', 'idempotency-key': 'k' } },
      body: { password: 'hunter2-hunter2', refreshToken: 'rt-123', email: 'fan@example.com' },
    });
    await app.close();
    const output = lines.join('');
    for (const secret of ['secret-token', 'sid=1', 'hunter2', 'rt-123']) expect(output).not.toContain(secret);
    expect(output).toContain('fan@example.com');
    expect(output).toContain('[redacted]');
  });
});

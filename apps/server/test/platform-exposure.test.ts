import { randomBytes, randomUUID } from 'node:crypto';
import { identityModule } from '@pcf/identity';
import type { ServiceModule } from '@pcf/kernel';
import { startTestPlatform, type TestPlatform, testBackends } from '@pcf/kernel/testing';
import { walletModule } from '@pcf/wallet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const MODULES = [identityModule, walletModule] as ServiceModule[];
const PASSWORD = 'Tribune-Nord-Virage-2026';

const internalPaths = (spec: { paths: Record<string, unknown> }) =>
  Object.keys(spec.paths).filter((path) => path.startsWith('/internal'));

describe.each(testBackends())('what a one-process platform exposes, on $name', (backend) => {
  let t: TestPlatform;
  beforeAll(async () => {
    t = await startTestPlatform(backend, MODULES);
  });
  afterAll(() => t.close());

  it('serves no /internal route, even to a caller holding the service token', async () => {
    const token = { 'x-pcf-service-token': t.platform.config.serviceToken };
    const found = await t.request({
      method: 'POST',
      url: '/internal/identity/users/find',
      headers: token,
      body: { reference: 'fan@example.com' },
    });
    expect(found.statusCode).toBe(404);
    expect(found.json()).toMatchObject({ status: 404, code: 'route_not_found' });
    for (const url of ['/internal/identity/origins/check', '/internal/wallet/credits']) {
      const response = await t.request({ method: 'POST', url, headers: token, body: {} });
      expect(response.statusCode).toBe(404);
    }
    const spec = (await t.request({ method: 'GET', url: '/openapi.json' })).json();
    expect(internalPaths(spec)).toEqual([]);
    expect(Object.keys(spec.paths)).toContain('/v1/auth/login');
  });

  it('answers auth, session and wallet requests with Cache-Control: no-store, errors included', async () => {
    const email = `nostore-${randomUUID().slice(0, 8)}@example.com`;
    const signup = await t.request({
      method: 'POST',
      url: '/v1/auth/signup',
      body: { email, password: PASSWORD, displayName: 'No Store' },
    });
    expect(signup.statusCode).toBe(201);
    const { accessToken, refreshToken } = signup.json();
    const answers = {
      signup,
      login: await t.request({ method: 'POST', url: '/v1/auth/login', body: { email, password: PASSWORD } }),
      badLogin: await t.request({
        method: 'POST',
        url: '/v1/auth/login',
        body: { email, password: 'not-the-password-123' },
      }),
      invalidBody: await t.request({ method: 'POST', url: '/v1/auth/login', body: { email } }),
      me: await t.request({ method: 'GET', url: '/v1/auth/me', token: accessToken }),
      meAnonymous: await t.request({ method: 'GET', url: '/v1/auth/me' }),
      refresh: await t.request({ method: 'POST', url: '/v1/auth/refresh', body: { refreshToken } }),
      widgetSessionAnonymous: await t.request({
        method: 'POST',
        url: '/v1/auth/widget-sessions',
        body: { externalUserId: 'u-1', displayName: 'U' },
      }),
      balance: await t.request({ method: 'GET', url: '/v1/wallet/balance', token: accessToken }),
      balanceAnonymous: await t.request({ method: 'GET', url: '/v1/wallet/balance' }),
      transactions: await t.request({ method: 'GET', url: '/v1/wallet/transactions', token: accessToken }),
    };
    expect(Object.fromEntries(Object.entries(answers).map(([name, r]) => [name, r.statusCode]))).toEqual({
      signup: 201,
      login: 200,
      badLogin: 401,
      invalidBody: 400,
      me: 200,
      meAnonymous: 401,
      refresh: 200,
      widgetSessionAnonymous: 401,
      balance: 200,
      balanceAnonymous: 401,
      transactions: 200,
    });
    for (const [name, response] of Object.entries(answers)) {
      expect({ name, cacheControl: response.headers['cache-control'] }).toEqual({
        name,
        cacheControl: 'no-store',
      });
    }
    // A route that chooses its own caching keeps it: the public signing keys.
    const jwks = await t.request({ method: 'GET', url: '/.well-known/jwks.json' });
    expect(jwks.headers['cache-control']).toBe('public, max-age=300');
  });

  it('leaves /metrics open when no PCF_METRICS_TOKEN is set (the documented default)', async () => {
    const metrics = await t.request({ method: 'GET', url: '/metrics' });
    expect(metrics.statusCode).toBe(200);
    expect(metrics.body).toContain('pcf_http_requests_total');
  });
});

describe('a split process (identity alone, PCF_METRICS_TOKEN set)', () => {
  const serviceToken = randomBytes(32).toString('hex');
  const metricsToken = randomBytes(32).toString('hex');
  let t: TestPlatform;
  beforeAll(async () => {
    t = await startTestPlatform(testBackends()[0]!, MODULES, {
      PCF_SERVICES: 'identity',
      PCF_SERVICE_TOKEN: serviceToken,
      PCF_METRICS_TOKEN: metricsToken,
    });
  });
  afterAll(() => t.close());

  it('serves its internal routes behind the service token but leaves them out of /openapi.json', async () => {
    const call = (headers: Record<string, string>) =>
      t.request({
        method: 'POST',
        url: '/internal/identity/origins/check',
        headers,
        body: { origin: 'https://evil.example' },
      });
    const allowed = await call({ 'x-pcf-service-token': serviceToken });
    expect(allowed.statusCode).toBe(200);
    expect(allowed.json()).toBe(false); // the port's declared output: a bare boolean
    expect((await call({})).statusCode).toBe(401);
    const spec = (await t.request({ method: 'GET', url: '/openapi.json' })).json();
    expect(internalPaths(spec)).toEqual([]);
  });

  it('answers /metrics only to the bearer of PCF_METRICS_TOKEN', async () => {
    const signup = await t.request({
      method: 'POST',
      url: '/v1/auth/signup',
      body: { email: `m-${randomUUID().slice(0, 8)}@example.com`, password: PASSWORD, displayName: 'M' },
    });
    const denied: Record<string, string | undefined> = {
      none: undefined,
      wrong: `Bearer ${randomBytes(32).toString('hex')}`,
      notBearer: `Basic ${metricsToken}`,
      // A valid user token is not the metrics token.
      fan: `Bearer ${signup.json().accessToken}`,
    };
    for (const [name, authorization] of Object.entries(denied)) {
      const response = await t.request({
        method: 'GET',
        url: '/metrics',
        headers: authorization ? { authorization } : {},
      });
      expect({ name, status: response.statusCode }).toEqual({ name, status: 401 });
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(response.headers['www-authenticate']).toBe('Bearer realm="metrics"');
      expect(response.json()).toMatchObject({ status: 401, code: 'invalid_metrics_token' });
      expect(response.body).not.toContain('pcf_http_requests_total');
    }
    const allowed = await t.request({
      method: 'GET',
      url: '/metrics',
      headers: { authorization: `Bearer ${metricsToken}` },
    });
    expect(allowed.statusCode).toBe(200);
    expect(allowed.headers['content-type']).toMatch(/^text\/plain/);
    expect(allowed.body).toContain('pcf_http_requests_total');
  });
});

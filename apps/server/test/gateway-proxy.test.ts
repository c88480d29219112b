import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@pcf/kernel';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGateway, type Gateway } from '../src/gateway.ts';
import { freePort, type ServerProcess, startServer } from './process.ts';

const TOKEN = randomBytes(32).toString('hex');

/** A stand-in for identity that answers with the headers the gateway sent it. */
async function echoUpstream(): Promise<{ app: FastifyInstance; url: string }> {
  const app = Fastify();
  app.all('/v1/auth/*', async (request) => ({ headers: request.headers }));
  app.get('/openapi.json', async () => ({
    openapi: '3.1.0',
    info: { title: 'echo', version: '1' },
    paths: { '/v1/auth/me': {}, '/internal/identity/users/find': {} },
  }));
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return { app, url };
}

describe('the gateway sets X-Forwarded-* itself', () => {
  let upstream: { app: FastifyInstance; url: string };
  const gateways: Gateway[] = [];
  beforeAll(async () => {
    upstream = await echoUpstream();
  });
  afterAll(async () => {
    for (const gateway of gateways) await gateway.close();
    await upstream.app.close();
  });

  const gateway = async (env: Record<string, string> = {}) => {
    const created = await createGateway(
      loadConfig(
        {
          LOG_LEVEL: 'silent',
          PCF_SERVICES: 'gateway',
          PCF_SERVICE_TOKEN: TOKEN,
          PCF_SERVICE_URLS: `identity=${upstream.url}`,
          ...env,
        },
        [],
      ),
    );
    gateways.push(created);
    return created;
  };

  const spoofed = {
    'x-forwarded-for': '1.2.3.4',
    'x-forwarded-proto': 'https',
    'x-forwarded-host': 'evil.example',
    forwarded: 'for=1.2.3.4;proto=https;host=evil.example',
    'x-real-ip': '1.2.3.4',
  };

  it('overwrites what a client sent with the address, scheme and host it saw', async () => {
    const { app } = await gateway();
    const response = await app.inject({
      method: 'GET',
      url: '/v1/auth/me',
      remoteAddress: '198.51.100.7',
      headers: { host: 'api.paiecashfan.test', ...spoofed },
    });
    expect(response.statusCode).toBe(200);
    const { headers } = response.json() as { headers: Record<string, string> };
    expect(headers['x-forwarded-for']).toBe('198.51.100.7');
    expect(headers['x-forwarded-proto']).toBe('http');
    expect(headers['x-forwarded-host']).toBe('api.paiecashfan.test');
    expect(headers.forwarded).toBeUndefined();
    expect(headers['x-real-ip']).toBeUndefined();
  });

  it('behind a trusted load balancer, forwards the client address derived from the trusted hops', async () => {
    const { app } = await gateway({ PCF_TRUST_PROXY: '10.0.0.0/8' });
    const viaBalancer = await app.inject({
      method: 'GET',
      url: '/v1/auth/me',
      remoteAddress: '10.0.0.2',
      headers: {
        host: 'gateway.internal:8080',
        // The client prepended a value; the balancer appended the address it saw.
        'x-forwarded-for': '1.2.3.4, 203.0.113.9',
        'x-forwarded-proto': 'https',
        'x-forwarded-host': 'api.paiecashfan.test',
      },
    });
    expect((viaBalancer.json() as { headers: Record<string, string> }).headers).toMatchObject({
      'x-forwarded-for': '203.0.113.9',
      'x-forwarded-proto': 'https',
      'x-forwarded-host': 'api.paiecashfan.test',
    });
    // The same headers from a client that is not the balancer are not believed.
    const direct = await app.inject({
      method: 'GET',
      url: '/v1/auth/me',
      remoteAddress: '203.0.113.10',
      headers: { host: 'api.paiecashfan.test', ...spoofed },
    });
    expect((direct.json() as { headers: Record<string, string> }).headers).toMatchObject({
      'x-forwarded-for': '203.0.113.10',
      'x-forwarded-proto': 'http',
      'x-forwarded-host': 'api.paiecashfan.test',
    });
  });

  it('leaves internal routes out of the merged API document', async () => {
    const { app } = await gateway();
    const spec = (await app.inject({ method: 'GET', url: '/openapi.json' })).json() as {
      paths: Record<string, unknown>;
    };
    expect(Object.keys(spec.paths)).toEqual(['/v1/auth/me']);
  });

  it('restricts its /metrics to the bearer of PCF_METRICS_TOKEN when one is set', async () => {
    const metricsToken = randomBytes(32).toString('hex');
    const { app } = await gateway({ PCF_METRICS_TOKEN: metricsToken });
    for (const authorization of [undefined, 'Bearer wrong-token', `Basic ${metricsToken}`]) {
      const denied = await app.inject({
        method: 'GET',
        url: '/metrics',
        headers: authorization ? { authorization } : {},
      });
      expect(denied.statusCode).toBe(401);
      expect(denied.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(denied.json()).toMatchObject({ status: 401, code: 'invalid_metrics_token' });
    }
    const allowed = await app.inject({
      method: 'GET',
      url: '/metrics',
      headers: { authorization: `Bearer ${metricsToken}` },
    });
    expect(allowed.statusCode).toBe(200);
    expect(allowed.body).toContain('pcf_http_requests_total');
  });
});

describe('the per-IP limit holds through the gateway with spoofed X-Forwarded-For (real processes)', () => {
  let dataDir: string;
  let identity: ServerProcess;
  let gateway: ServerProcess;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'pcf-xff-'));
    const identityPort = await freePort();
    identity = await startServer(
      {
        PORT: String(identityPort),
        PCF_DATA_DIR: dataDir,
        PCF_DEMO: '0',
        PCF_SERVICE_TOKEN: TOKEN,
        // The gateway reaches the service from loopback; only that address may speak for clients.
        PCF_TRUST_PROXY: '127.0.0.1',
        PCF_RATE_LIMIT_IP: '15',
      },
      ['--services=identity'],
    );
    gateway = await startServer({
      PORT: '0',
      PCF_SERVICES: 'gateway',
      PCF_SERVICE_TOKEN: TOKEN,
      PCF_SERVICE_URLS: `identity=http://127.0.0.1:${identityPort}`,
    });
  });
  afterAll(async () => {
    await gateway?.stop();
    await identity?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('gives the 16th request of one client a 429, whatever X-Forwarded-For it makes up', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 18; i++) {
      const response = await fetch(`${gateway.url}/v1/auth/me`, {
        headers: { 'x-forwarded-for': `198.51.100.${i}`, forwarded: `for=198.51.100.${i}` },
      });
      statuses.push(response.status);
    }
    expect(statuses).toEqual([...Array(15).fill(401), 429, 429, 429]);
  });
});

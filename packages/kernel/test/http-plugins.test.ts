import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.ts';
import { createHttpApp } from '../src/http/app.ts';
import { registerCors } from '../src/http/cors.ts';
import { registerLoadShedding } from '../src/http/load-shedding.ts';
import { registerRequestRateLimits } from '../src/http/request-rate-limits.ts';

/** The maintained plugins the kernel wires (@fastify/helmet, cors, rate-limit, under-pressure), as the API sees them. */
describe('HTTP plugins', () => {
  let app: FastifyInstance;
  afterEach(() => app?.close());

  function bare(): FastifyInstance {
    app = createHttpApp(loadConfig({ LOG_LEVEL: 'silent' }, []));
    return app;
  }

  it('puts the security headers and the request id on answers from routes, 404s and malformed URLs', async () => {
    bare().get('/v1/ping', async () => ({ ok: true }));
    app.get('/page', async (_request, reply) =>
      reply.header('content-security-policy', "default-src 'self'; frame-ancestors *").send('<p>hi</p>'),
    );
    for (const url of ['/v1/ping', '/v1/nowhere', '/v1/%E0%A4%A']) {
      const response = await app.inject({ method: 'GET', url });
      expect(response.headers, url).toMatchObject({
        'x-content-type-options': 'nosniff',
        'referrer-policy': 'strict-origin-when-cross-origin',
        'cross-origin-resource-policy': 'same-site',
        'x-frame-options': 'DENY',
      });
      expect(String(response.headers['content-security-policy'])).toMatch(
        /default-src 'none'; ?frame-ancestors 'none'/,
      );
      expect(response.headers['x-request-id'], url).toMatch(/^[0-9a-f-]{36}$/);
      expect(response.headers['strict-transport-security'], url).toBeUndefined();
    }
    // A page with its own CSP keeps it, and its frame-ancestors decide framing (no X-Frame-Options).
    const page = await app.inject({ method: 'GET', url: '/page' });
    expect(page.headers['content-security-policy']).toBe("default-src 'self'; frame-ancestors *");
    expect(page.headers['x-frame-options']).toBeUndefined();
  });

  it('reflects allowed origins only, and answers their preflight before any other hook', async () => {
    bare();
    await registerCors(app, 'https://platform.example', {
      isAllowedOrigin: async (origin) => origin === 'https://club.example',
    });
    app.addHook('onRequest', async (request) => {
      if (request.method !== 'OPTIONS' && !request.headers.authorization) throw new Error('no auth');
    });
    app.get('/v1/ping', async () => ({ ok: true }));
    for (const origin of ['https://platform.example', 'https://club.example']) {
      const pre = await app.inject({
        method: 'OPTIONS',
        url: '/v1/ping',
        headers: { origin, 'access-control-request-method': 'POST' },
      });
      expect(pre.statusCode).toBe(204);
      expect(pre.headers['access-control-allow-origin']).toBe(origin);
      expect(pre.headers['access-control-allow-headers']).toContain('idempotency-key');
      expect(pre.headers['access-control-max-age']).toBe('600');
    }
    const denied = await app.inject({
      method: 'OPTIONS',
      url: '/v1/ping',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    expect(Object.keys(denied.headers).filter((h) => h.startsWith('access-control-'))).toEqual([]);
    expect(denied.headers['content-type']).toMatch(/^application\/problem\+json/);
  });

  it('answers 429 problem+json with Retry-After and no X-RateLimit-* headers; per caller after the IP', async () => {
    bare();
    const perCaller = await registerRequestRateLimits(app, { perIpPerMinute: 3, perUserPerMinute: 2 });
    app.get('/v1/ping', async () => ({ ok: true }));
    app.get('/v1/me', async (request) => {
      request.principal = { kind: 'partner_key', partnerId: 'p1', keyId: 'k1', mode: 'test' };
      await perCaller(request, request.principal);
      return { ok: true };
    });
    const ip = (remoteAddress: string, url = '/v1/ping') => app.inject({ method: 'GET', url, remoteAddress });
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await ip('192.0.2.1')).statusCode);
    expect(statuses).toEqual([200, 200, 200, 429]);
    const limited = await ip('192.0.2.1');
    expect(limited.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(limited.json()).toMatchObject({ status: 429, code: 'rate_limited' });
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(Object.keys(limited.headers).filter((h) => h.startsWith('x-ratelimit'))).toEqual([]);
    // Another address has its own budget; the partner's is shared across addresses.
    expect((await ip('192.0.2.2', '/v1/me')).statusCode).toBe(200);
    expect((await ip('192.0.2.3', '/v1/me')).statusCode).toBe(200);
    const caller = await ip('192.0.2.4', '/v1/me');
    expect(caller.statusCode).toBe(429);
    expect(caller.json().code).toBe('rate_limited');
  });

  it('sheds load with 503 problem+json `overloaded` and Retry-After while over a limit; /healthz still answers', async () => {
    bare();
    // A heap limit of one byte: under pressure from the first sample (taken each second) on.
    await registerLoadShedding(app, { maxEventLoopDelayMs: 0, maxHeapUsedBytes: 1 });
    app.get('/v1/ping', async () => ({ ok: true }));
    app.get('/healthz', async () => ({ status: 'ok' }));
    await app.ready();
    let response = await app.inject({ method: 'GET', url: '/v1/ping' });
    for (let i = 0; i < 40 && response.statusCode === 200; i++) {
      await delay(100);
      response = await app.inject({ method: 'GET', url: '/v1/ping' });
    }
    expect(response.statusCode).toBe(503);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.json()).toMatchObject({ status: 503, code: 'overloaded' });
    expect(response.headers['retry-after']).toBe('10');
    expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
  });
});

const redisUrl = process.env.TEST_REDIS_URL ?? '';

describe.skipIf(!redisUrl)('per-IP limit on Redis (@fastify/rate-limit RedisStore)', () => {
  it('shares one budget between two processes on the same Redis, under the configured prefix', async () => {
    const redis = new Redis(redisUrl);
    const prefix = `pcf:test:${randomUUID()}:rl:`;
    const apps: FastifyInstance[] = [];
    try {
      for (let i = 0; i < 2; i++) {
        const app = createHttpApp(loadConfig({ LOG_LEVEL: 'silent' }, []));
        await registerRequestRateLimits(app, {
          perIpPerMinute: 3,
          perUserPerMinute: 3,
          redis,
          keyPrefix: prefix,
        });
        app.get('/v1/ping', async () => ({ ok: true }));
        apps.push(app);
      }
      const statuses = [];
      for (let i = 0; i < 4; i++) {
        const app = apps[i % 2]!;
        statuses.push(
          (await app.inject({ method: 'GET', url: '/v1/ping', remoteAddress: '192.0.2.9' })).statusCode,
        );
      }
      expect(statuses).toEqual([200, 200, 200, 429]);
      expect(await redis.keys(`${prefix}*`)).toEqual([`${prefix}ip:192.0.2.9`]);
    } finally {
      await Promise.all(apps.map((app) => app.close()));
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length > 0) await redis.del(...keys);
      await redis.quit();
    }
  });
});

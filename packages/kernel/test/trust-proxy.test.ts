import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.ts';
import { createHttpApp } from '../src/http/app.ts';
import { registerRequestRateLimits } from '../src/http/request-rate-limits.ts';

describe('PCF_TRUST_PROXY', () => {
  it('is off by default and with 0/false/off', () => {
    expect(loadConfig({}, []).trustProxy).toBe(false);
    for (const off of ['0', 'false', 'off', 'no']) {
      expect(loadConfig({ PCF_TRUST_PROXY: off }, []).trustProxy).toBe(false);
    }
  });

  it('takes proxy addresses, CIDRs and the named ranges of proxy-addr', () => {
    expect(loadConfig({ PCF_TRUST_PROXY: '127.0.0.1, 10.0.0.0/8,::1,fd00::/8' }, []).trustProxy).toEqual([
      '127.0.0.1',
      '10.0.0.0/8',
      '::1',
      'fd00::/8',
    ]);
    expect(loadConfig({ PCF_TRUST_PROXY: 'loopback,uniquelocal' }, []).trustProxy).toEqual([
      'loopback',
      'uniquelocal',
    ]);
  });

  it.each([
    // "Trust every client's X-Forwarded-For": what 1/true used to mean.
    ['1', 'trusts any client'],
    ['true', 'trusts any client'],
    ['yes', 'trusts any client'],
    // Hop counts cannot tell the proxy from a client talking to the service directly.
    ['2', 'hop count'],
    ['proxy.internal', 'not an IP address'],
    ['10.0.0.0/33', 'not an IP address'],
    ['127.0.0.1,,10.0.0.1', 'not an IP address'],
  ])('refuses %j with one clear line', (value, message) => {
    expect(() => loadConfig({ PCF_TRUST_PROXY: value }, [])).toThrow(ConfigError);
    expect(() => loadConfig({ PCF_TRUST_PROXY: value }, [])).toThrow(/^PCF_TRUST_PROXY\b/);
    expect(() => loadConfig({ PCF_TRUST_PROXY: value }, [])).toThrow(message);
  });
});

describe('per-IP limit on a service port with forwarded headers', () => {
  let app: FastifyInstance;
  afterEach(() => app?.close());

  async function service(trust: string): Promise<FastifyInstance> {
    const config = loadConfig({ PCF_TRUST_PROXY: trust, LOG_LEVEL: 'silent' }, []);
    app = createHttpApp(config);
    await registerRequestRateLimits(app, { perIpPerMinute: 15, perUserPerMinute: 15 });
    app.get('/v1/ping', async (request) => ({ ip: request.ip, protocol: request.protocol }));
    await app.ready();
    return app;
  }

  const hit = (remoteAddress: string, xff: string) =>
    app.inject({
      method: 'GET',
      url: '/v1/ping',
      remoteAddress,
      headers: { 'x-forwarded-for': xff, 'x-forwarded-proto': 'https' },
    });

  it('ignores X-Forwarded-* from a client that is not a configured proxy', async () => {
    await service('10.0.0.1');
    const statuses: number[] = [];
    for (let i = 0; i < 18; i++) statuses.push((await hit('203.0.113.50', `198.51.100.${i}`)).statusCode);
    expect(statuses).toEqual([...Array(15).fill(200), 429, 429, 429]);
    const seen = await hit('203.0.113.51', '198.51.100.99');
    expect(seen.json()).toEqual({ ip: '203.0.113.51', protocol: 'http' });
  });

  it('behind a trusted proxy, counts the address the proxy saw, not what the client prepended', async () => {
    await service('127.0.0.1,10.0.0.0/8');
    const statuses: number[] = [];
    for (let i = 0; i < 18; i++) {
      statuses.push((await hit('10.0.0.1', `198.51.100.${i}, 203.0.113.7`)).statusCode);
    }
    expect(statuses).toEqual([...Array(15).fill(200), 429, 429, 429]);
    // Another client behind the same proxy has its own bucket, and the proxy's scheme is believed.
    const other = await hit('10.0.0.1', '203.0.113.8');
    expect(other.json()).toEqual({ ip: '203.0.113.8', protocol: 'https' });
  });
});

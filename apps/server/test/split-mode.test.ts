import { randomBytes } from 'node:crypto';
import { identityPort } from '@pcf/identity/port';
import { InternalHttpClient, portClient, TokenVerifier } from '@pcf/kernel';
import { createPostgresDatabase } from '@pcf/kernel/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ServerProcess, startServer } from './process.ts';

const databaseServer = process.env.TEST_DATABASE_URL;
const redisUrl = process.env.TEST_REDIS_URL;

describe.skipIf(!databaseServer || !redisUrl)(
  'split mode: identity and gateway as separate processes',
  () => {
    const token = randomBytes(32).toString('hex');
    let identity: ServerProcess;
    let gateway: ServerProcess;
    let drop: () => Promise<void>;

    beforeAll(async () => {
      const database = await createPostgresDatabase(databaseServer!);
      drop = database.drop;
      identity = await startServer(
        {
          PORT: '0',
          DATABASE_URL: database.databaseUrl,
          REDIS_URL: redisUrl!,
          // Its own Redis namespace: other tests' processes share the server (rate-limit counters, streams).
          PCF_REDIS_PREFIX: `test:${randomBytes(4).toString('hex')}:`,
          PCF_SERVICE_TOKEN: token,
          PCF_TRUST_PROXY: '127.0.0.1',
          PCF_ADMIN_EMAIL: 'root@split.test',
          PCF_ADMIN_PASSWORD: 'root-password-123',
        },
        ['--services=identity'],
      );
      gateway = await startServer({
        PORT: '0',
        PCF_SERVICES: 'gateway',
        PCF_SERVICE_TOKEN: token,
        PCF_SERVICE_URLS: `identity=${identity.url}`,
      });
    });

    afterAll(async () => {
      await gateway?.stop();
      await identity?.stop();
      await drop?.();
    });

    const viaGateway = (path: string, init: RequestInit = {}) => fetch(`${gateway.url}${path}`, init);
    const json = { 'content-type': 'application/json' };

    it('serves the API through the gateway, on PostgreSQL with the Redis bus', async () => {
      expect(identity.output()).toContain('"database":"postgresql"');
      expect(identity.output()).toContain('"bus":"redis"');
      expect(identity.output()).not.toContain('Demo fan');
      const signup = await viaGateway('/v1/auth/signup', {
        method: 'POST',
        headers: json,
        body: JSON.stringify({
          email: 'split@example.com',
          password: 'split-password-1',
          displayName: 'Split',
        }),
      });
      expect(signup.status).toBe(201);
      const { accessToken } = (await signup.json()) as { accessToken: string };
      const me = await viaGateway('/v1/auth/me', { headers: { authorization: `Bearer ${accessToken}` } });
      expect(me.status).toBe(200);
      expect(((await me.json()) as { email: string }).email).toBe('split@example.com');
      const bad = await viaGateway('/v1/auth/signup', { method: 'POST', headers: json, body: '{"email":' });
      expect(bad.status).toBe(400);
      expect(bad.headers.get('content-type')).toMatch(/problem\+json/);
    });

    it('reports readiness of its upstreams and merges their API documents', async () => {
      const ready = await viaGateway('/readyz');
      expect(await ready.json()).toEqual({ status: 'ready', checks: { identity: 'ok' } });
      const spec = (await (await viaGateway('/openapi.json')).json()) as { paths: Record<string, unknown> };
      expect(Object.keys(spec.paths)).toContain('/v1/auth/login');
    });

    it('does not expose internal routes publicly', async () => {
      const response = await viaGateway('/internal/identity/users/find', {
        method: 'POST',
        headers: { ...json, 'x-pcf-service-token': token },
        body: JSON.stringify({ reference: 'split@example.com' }),
      });
      expect(response.status).toBe(404);
    });

    it("offers identity's port over HTTP, behind the service token", async () => {
      const port = portClient(identityPort, new InternalHttpClient('identity', identity.url, token));
      const found = await port.findUser('split@example.com');
      expect(found).toMatchObject({ email: 'split@example.com', role: 'fan' });
      expect(await port.findUser(`@${found?.handle}`)).toMatchObject({ id: found?.id });
      expect(await port.findUser('nobody@example.com')).toBeNull();
      expect(await port.isAllowedOrigin('https://evil.example')).toBe(false);
      expect(await port.resolveSecretKey('sk_live_unknown')).toBeNull();

      const login = await viaGateway('/v1/auth/login', {
        method: 'POST',
        headers: json,
        body: JSON.stringify({ email: 'split@example.com', password: 'split-password-1' }),
      });
      const { accessToken } = (await login.json()) as { accessToken: string };
      const principal = await new TokenVerifier(port).verify(accessToken);
      expect(principal).toMatchObject({ kind: 'user', userId: found?.id, role: 'fan' });

      const intruder = portClient(
        identityPort,
        new InternalHttpClient('identity', identity.url, 'x'.repeat(64)),
      );
      await expect(intruder.findUser('split@example.com')).rejects.toMatchObject({
        code: 'invalid_service_token',
      });
    });

    it("answers session liveness over identity's HTTP port: a logged-out session is no longer active", async () => {
      const port = portClient(identityPort, new InternalHttpClient('identity', identity.url, token));
      const login = await viaGateway('/v1/auth/login', {
        method: 'POST',
        headers: json,
        body: JSON.stringify({ email: 'split@example.com', password: 'split-password-1' }),
      });
      const { accessToken } = (await login.json()) as { accessToken: string };
      const { sid } = JSON.parse(Buffer.from(accessToken.split('.')[1]!, 'base64url').toString()) as {
        sid: string;
      };
      expect(await port.isSessionActive(sid)).toBe(true);
      const out = await viaGateway('/v1/auth/logout', {
        method: 'POST',
        headers: { authorization: `Bearer ${accessToken}` },
      });
      expect(out.status).toBe(204);
      expect(await port.isSessionActive(sid)).toBe(false);
      expect(await port.isSessionActive('not-a-session')).toBe(false);
    });

    it('lets a partner created through the gateway allow its origin for CORS on the service', async () => {
      const admin = (await (
        await viaGateway('/v1/auth/login', {
          method: 'POST',
          headers: json,
          body: JSON.stringify({ email: 'root@split.test', password: 'root-password-123' }),
        })
      ).json()) as { accessToken: string };
      const auth = { ...json, authorization: `Bearer ${admin.accessToken}` };
      const created = await viaGateway('/v1/partners', {
        method: 'POST',
        headers: auth,
        body: JSON.stringify({
          name: 'Split FC',
          slug: 'split-fc',
          admin: { email: 'admin@split-fc.example', password: 'split-password-1', displayName: 'Admin' },
        }),
      });
      expect(created.status).toBe(201);
      const { partner } = (await created.json()) as { partner: { id: string } };
      const key = await viaGateway(`/v1/partners/${partner.id}/keys`, {
        method: 'POST',
        headers: auth,
        body: JSON.stringify({ kind: 'publishable', allowedOrigins: ['https://split-fc.example'] }),
      });
      expect(key.status).toBe(201);
      const cors = await viaGateway('/healthz', { headers: { origin: 'https://split-fc.example' } });
      expect(cors.headers.get('access-control-allow-origin')).toBeNull(); // the gateway's own health check
      const api = await viaGateway('/v1/auth/me', { headers: { origin: 'https://split-fc.example' } });
      expect(api.headers.get('access-control-allow-origin')).toBe('https://split-fc.example');
    });
  },
);

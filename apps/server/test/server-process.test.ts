import { mkdtemp, rm } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runServer, startServer } from './process.ts';

describe('the server process', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });
  const dataDir = async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pcf-proc-'));
    dirs.push(dir);
    return dir;
  };

  it.each([
    [{ PORT: 'eighty' }, 'PORT must be an integer from 0 to 65535 (got "eighty")'],
    [
      { DATABASE_URL: 'mysql://localhost/db' },
      'DATABASE_URL must be a URL starting with postgres: or postgresql:',
    ],
    [{ PCF_SERVICES: 'identity,bank' }, 'PCF_SERVICES / --services must list services'],
  ])('stops with one clear line and a non-zero exit code on %j', async (env, message) => {
    const result = await runServer(env);
    expect(result.code).not.toBe(0);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`Configuration error: ${message}`);
  });

  it('starts on PGlite, seeds demo data exactly once across restarts, and drains on SIGTERM', async () => {
    const dir = await dataDir();
    const env = { PORT: '0', PCF_DATA_DIR: dir };
    const first = await startServer(env);
    expect(first.output()).toContain('Demo fan: fan@demo.paiecashfan.dev / AllezLesFans-2026');
    expect(first.output()).toContain('Demo secret key for AS Monaco (shown only now)');
    const login = await fetch(`${first.url}/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'fan@demo.paiecashfan.dev', password: 'AllezLesFans-2026' }),
    });
    expect(login.status).toBe(200);
    expect(await first.stop()).toBe(0);
    expect(first.output()).toContain('stopped cleanly');

    const second = await startServer(env);
    expect(second.output()).toContain('Demo fan: fan@demo.paiecashfan.dev');
    expect(second.output()).not.toContain('Demo secret key');
    const { accessToken } = (await (
      await fetch(`${second.url}/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'admin@demo.paiecashfan.dev', password: 'AllezLesFans-2026' }),
      })
    ).json()) as { accessToken: string };
    const partners = (await (
      await fetch(`${second.url}/v1/partners`, { headers: { authorization: `Bearer ${accessToken}` } })
    ).json()) as { data: unknown[] };
    expect(partners.data).toHaveLength(2);

    // A request already in flight when SIGTERM arrives (its body still arriving) completes; then the process exits 0.
    const body = JSON.stringify({ email: 'fan@demo.paiecashfan.dev', password: 'AllezLesFans-2026' });
    const request = httpRequest(`${second.url}/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
    });
    const response = new Promise<number>((resolve, reject) => {
      request.on('response', (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      request.on('error', reject);
    });
    request.write(body.slice(0, 10));
    await new Promise((r) => setTimeout(r, 300));
    const exit = second.stop();
    await new Promise((r) => setTimeout(r, 300));
    request.end(body.slice(10));
    expect(await response).toBe(200);
    expect(await exit).toBe(0);
  });
});

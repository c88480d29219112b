import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { apiClient, runServer, type ServerProcess, startServer } from './process.ts';

const PASSWORD = 'Quatre-Vents-sur-la-Canebière-88';
const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

describe('one embedded data directory, one process', () => {
  const dirs: string[] = [];
  const servers: ServerProcess[] = [];
  afterAll(async () => {
    for (const server of servers) await server.stop('SIGKILL');
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });
  const start = async (env: Record<string, string>) => {
    const server = await startServer(env);
    servers.push(server);
    return server;
  };

  it('a second process refuses the directory in one line naming it and the holder; kill -9 does not block the next start', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pcf-lock-'));
    dirs.push(dir);
    const env = { PORT: '0', PCF_DATA_DIR: dir, PCF_DEMO: '0' };
    const first = await start(env);
    const api = apiClient(first.url);
    const signup = await api('/v1/auth/signup', {
      method: 'POST',
      body: { email: 'lock@example.test', password: PASSWORD, displayName: 'Lock' },
    });
    expect(signup.status).toBe(201);

    const second = await runServer({ ...env, HOST: '127.0.0.1' });
    expect(second.code).not.toBe(0);
    const lines = second.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(join(dir, 'pglite'));
    expect(lines[0]).toContain(`PID ${first.child.pid}`);
    // The refused process wrote nothing: the first one still serves its data.
    const stillThere = await api('/v1/auth/login', {
      method: 'POST',
      body: { email: 'lock@example.test', password: PASSWORD },
    });
    expect(stillThere.status).toBe(200);

    expect(await first.stop('SIGKILL')).toBe(null);
    const third = await start(env);
    const login = await apiClient(third.url)('/v1/auth/login', {
      method: 'POST',
      body: { email: 'lock@example.test', password: PASSWORD },
    });
    expect(login.status).toBe(200);
    expect(await third.stop()).toBe(0);
  });

  it('SIGTERM to the `npm start` process stops the server and frees the directory', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pcf-lock-npm-'));
    dirs.push(dir);
    const npm = spawn('npm', ['start', '--silent'], {
      cwd: ROOT,
      env: {
        ...process.env,
        PORT: '0',
        HOST: '127.0.0.1',
        PCF_DATA_DIR: dir,
        PCF_DEMO: '0',
        LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    npm.stdout?.on('data', (chunk) => {
      out += chunk;
    });
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`npm start did not start:\n${out}`)), 45_000);
      npm.stdout?.on('data', () => {
        const match = /"address":"(http:\/\/[^"]+)"/.exec(out);
        if (match?.[1]) {
          clearTimeout(timer);
          resolve(match[1]);
        }
      });
    });
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    npm.kill('SIGTERM');
    await once(npm, 'exit');
    // The server itself got the signal (npm's shell would otherwise keep it running, holding the directory).
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
    expect(out).toContain('stopped cleanly');
    expect(existsSync(join(dir, 'pglite', 'pcf.lock'))).toBe(false);
  });
});

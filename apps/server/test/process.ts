import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { fetchApi, type HttpMethod } from '@pcf/kernel/testing';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));

export interface ServerProcess {
  child: ChildProcess;
  url: string;
  output(): string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Runs `npm start`'s entry point as a real process; resolves once it logs that it is ready. */
export async function startServer(env: Record<string, string>, args: string[] = []): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], {
    cwd: ROOT,
    env: { ...process.env, HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (chunk) => {
    out += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    out += chunk;
  });
  const url = await new Promise<string>((resolve, reject) => {
    // A loaded machine (two cores shared by parallel suites) may need longer: PCF_TEST_START_TIMEOUT_MS.
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`server did not start:\n${out}`));
    }, Number(process.env.PCF_TEST_START_TIMEOUT_MS) || 30_000);
    const check = () => {
      const match = /"address":"(http:\/\/[^"]+)"/.exec(out);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout?.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${out}`));
    });
  });
  return {
    child,
    url,
    output: () => out,
    async stop(signal = 'SIGTERM') {
      // A process already gone (exited, or killed by a signal) has nothing left to stop.
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill(signal);
      const [code] = (await once(child, 'exit')) as [number | null];
      return code;
    },
  };
}

/** Runs the entry point to completion (for configuration errors). */
export async function runServer(
  env: Record<string, string>,
): Promise<{ code: number | null; stderr: string; stdout: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (c) => {
    stdout += c;
  });
  child.stderr?.on('data', (c) => {
    stderr += c;
  });
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, stderr, stdout };
}

/** A TCP port that was free a moment ago on 127.0.0.1 (for a process that must come back on the same port). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (typeof address !== 'object' || address === null) throw new Error('no free port');
  return address.port;
}

export interface CallOptions {
  method?: string;
  token?: string;
  body?: unknown;
  /** Idempotency-Key */
  key?: string;
}

export type ApiCall = (
  path: string,
  init?: CallOptions,
) => Promise<{ status: number; body: Record<string, unknown> }>;

/** JSON calls to a running server, as a client would make them (over `@pcf/kernel/testing`'s `fetchApi`). */
export function apiClient(baseUrl: string): ApiCall {
  const api = fetchApi(baseUrl);
  return async (path, init = {}) => {
    const { status, body } = await api.request({
      method: (init.method ?? 'GET') as HttpMethod,
      url: path,
      ...(init.token ? { token: init.token } : {}),
      ...(init.body === undefined ? {} : { body: init.body }),
      ...(init.key ? { idempotencyKey: init.key } : {}),
    });
    return { status, body };
  };
}

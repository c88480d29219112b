import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';

/** A server under test, running in its own process (so it does not share the load generator's event loop). */
export interface ChildServer {
  name: string;
  baseUrl: string;
  process: ChildProcess;
  /** Last few kilobytes the child wrote to stderr (for error messages). */
  stderrTail(): string;
  /** Milliseconds from spawning the process to its first 200 on the ready path (polled every 50 ms). */
  readyMs: number;
}

export interface StartOptions {
  name: string;
  /** Script run with `node <NODE_FLAGS> --import tsx <script>` (a .mjs bundle: without tsx), relative to cwd. */
  script: string;
  cwd: string;
  env: Record<string, string>;
  port: number;
  /** Path polled until it answers 200. */
  readyPath: string;
  readyTimeoutMs?: number;
  /** Node flags added after NODE_FLAGS (e.g. --cpu-prof, which NODE_OPTIONS does not accept). */
  extraNodeFlags?: string[];
}

const STDERR_TAIL_BYTES = 4096;
/** `npm start`'s Node flags (a larger young generation: fewer scavenges under load), given to every server alike. */
export const NODE_FLAGS = ['--max-semi-space-size=64'];
const running = new Set<ChildServer>();

/** A TCP port that was free a moment ago on 127.0.0.1. */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  await once(server, 'close');
  if (address === null || typeof address === 'string') throw new Error('could not find a free port');
  return address.port;
}

/**
 * Starts `node <NODE_FLAGS> --import tsx <script>` with PORT/HOST set and waits until `readyPath` answers 200.
 * stdout goes to /dev/null (the platform logs one line per request there); stderr is kept only as a short
 * tail for error messages.
 */
export async function startChild(options: StartOptions): Promise<ChildServer> {
  const baseUrl = `http://127.0.0.1:${options.port}`;
  const spawnedAt = performance.now();
  const child = spawn(
    process.execPath,
    [
      ...NODE_FLAGS,
      ...(options.extraNodeFlags ?? []),
      ...(options.script.endsWith('.mjs') ? [] : ['--import', 'tsx']),
      options.script,
    ],
    {
      cwd: options.cwd,
      env: { ...process.env, ...options.env, PORT: String(options.port), HOST: '127.0.0.1' },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let tail = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    tail = (tail + chunk).slice(-STDERR_TAIL_BYTES);
  });
  const server: ChildServer = {
    name: options.name,
    baseUrl,
    process: child,
    stderrTail: () => tail.trim(),
    readyMs: 0,
  };
  running.add(server);
  child.once('exit', () => running.delete(server));
  await waitUntilReady(server, options.readyPath, options.readyTimeoutMs ?? 120_000);
  server.readyMs = performance.now() - spawnedAt;
  return server;
}

async function waitUntilReady(server: ChildServer, path: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastProblem = 'no answer yet';
  while (Date.now() < deadline) {
    const { exitCode, signalCode } = server.process;
    if (exitCode !== null || signalCode !== null) {
      throw new Error(
        `${server.name} exited before it was ready (code ${exitCode}, signal ${signalCode})${describeTail(server)}`,
      );
    }
    try {
      const response = await fetch(server.baseUrl + path, { signal: AbortSignal.timeout(2_000) });
      await response.arrayBuffer();
      if (response.status === 200) return;
      lastProblem = `GET ${path} answered ${response.status}`;
    } catch (error) {
      lastProblem = error instanceof Error ? error.message : String(error);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(
    `${server.name} was not ready after ${timeoutMs} ms (${lastProblem})${describeTail(server)}`,
  );
}

function describeTail(server: ChildServer): string {
  const tail = server.stderrTail();
  return tail ? `\n--- ${server.name} stderr ---\n${tail}` : '';
}

/** SIGTERM, then SIGKILL if the child is still there after `graceMs`. */
export async function stopChild(server: ChildServer, graceMs = 5_000): Promise<void> {
  const child = server.process;
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const killed = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), graceMs);
  });
  const outcome = await Promise.race([exited.then(() => 'exited' as const), killed]);
  clearTimeout(timer);
  if (outcome === 'timeout') {
    process.stderr.write(`${server.name} ignored SIGTERM for ${graceMs} ms; sending SIGKILL\n`);
    child.kill('SIGKILL');
    await exited;
  }
}

/** Stops every child still running (used on the way out, also after a failure). */
export async function stopAllChildren(): Promise<void> {
  await Promise.all([...running].map((server) => stopChild(server)));
}

import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type BenchDatabase, createDatabase, dropDatabase } from './postgres.ts';

const run = promisify(execFile);

export interface PgbenchOptions {
  server: string;
  scale: number;
  clients: number;
  threads: number;
  warmupSeconds: number;
  durationSeconds: number;
}

export interface PgbenchResult {
  label: string;
  /** pgbench's "tps = … (without initial connection time)". */
  tps: number;
  transactions: number;
  failed: number;
  latencyMean: number;
  /** From the per-transaction log (-l), in milliseconds, like autocannon's (rounded to whole ms). */
  latencyP50: number;
  latencyP975: number;
  latencyP99: number;
  command: string;
}

/** libpq connection arguments for pgbench (host, port, user, database) taken from a URL. */
function connectionArgs(database: BenchDatabase): string[] {
  const url = new URL(database.url);
  const args = ['-h', url.hostname || '127.0.0.1', '-p', url.port || '5432'];
  if (url.username) args.push('-U', decodeURIComponent(url.username));
  return args;
}

/**
 * `pgbench -i -s <scale>` into a fresh database, a discarded warm-up run, then the measured
 * `pgbench -b tpcb-like -c <clients> -j <threads> -T <seconds>`; the database is dropped afterwards.
 */
export async function runPgbench(options: PgbenchOptions, label: string): Promise<PgbenchResult> {
  const database = await createDatabase(options.server, 'bench_pgbench');
  const logDir = await mkdtemp(join(tmpdir(), 'pcf-pgbench-'));
  try {
    const conn = connectionArgs(database);
    const env = { ...process.env, PGPASSWORD: decodeURIComponent(new URL(database.url).password) };
    await run('pgbench', [...conn, '-i', '-q', '-s', String(options.scale), database.name], { env });
    const load = (seconds: number) => [
      ...conn,
      '-b',
      'tpcb-like',
      '-c',
      String(options.clients),
      '-j',
      String(options.threads),
      '-T',
      String(seconds),
    ];
    if (options.warmupSeconds > 0)
      await run('pgbench', [...load(options.warmupSeconds), database.name], { env });
    const measured = [...load(options.durationSeconds), '-l', `--log-prefix=${join(logDir, 'tx')}`];
    const { stdout } = await run('pgbench', [...measured, database.name], { env, maxBuffer: 16 << 20 });
    const latencies = await readLatencies(logDir);
    return {
      label,
      tps: matchNumber(stdout, /tps = ([\d.]+) \(without initial connection time\)/),
      transactions: matchNumber(stdout, /number of transactions actually processed: (\d+)/),
      failed: matchNumber(stdout, /number of failed transactions: (\d+)/, 0),
      latencyMean: matchNumber(stdout, /latency average = ([\d.]+) ms/),
      latencyP50: percentile(latencies, 0.5),
      latencyP975: percentile(latencies, 0.975),
      latencyP99: percentile(latencies, 0.99),
      command: `pgbench ${load(options.durationSeconds).join(' ')} <db>`.replace(
        /-h \S+ -p \S+ (-U \S+ )?/,
        '',
      ),
    };
  } finally {
    await rm(logDir, { recursive: true, force: true }).catch(() => undefined);
    await dropDatabase(options.server, database);
  }
}

function matchNumber(text: string, pattern: RegExp, fallback?: number): number {
  const match = pattern.exec(text);
  if (match?.[1] !== undefined) return Number(match[1]);
  if (fallback !== undefined) return fallback;
  throw new Error(`pgbench output did not match ${pattern}:\n${text}`);
}

/** Per-transaction latencies (µs, third column of pgbench's -l log) as sorted milliseconds. */
async function readLatencies(dir: string): Promise<number[]> {
  const values: number[] = [];
  for (const file of await readdir(dir)) {
    for (const line of (await readFile(join(dir, file), 'utf8')).split('\n')) {
      const micros = Number(line.split(' ')[2]);
      if (line && Number.isFinite(micros)) values.push(micros / 1000);
    }
  }
  return values.sort((a, b) => a - b);
}

/** Nearest-rank percentile, rounded to whole milliseconds (autocannon's resolution). */
function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1));
  return Math.round(sorted[index] ?? 0);
}

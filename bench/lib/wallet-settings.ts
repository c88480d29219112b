import { serverUrl } from './postgres.ts';
import { type BenchSettings, readSettings } from './settings.ts';

export const WALLET_SCENARIOS = ['pgbench', 'send', 'hot', 'pglite'] as const;
export type WalletScenario = (typeof WALLET_SCENARIOS)[number];

/** Settings of the wallet benchmark (bench/wallet.ts): the common ones plus its own. */
export interface WalletSettings extends BenchSettings {
  /** Fans signed up (and funded) on PostgreSQL. */
  fans: number;
  /** Fans signed up and funded (sandbox deposits) on PGlite. */
  pgliteFans: number;
  /** Concurrent sign-ups (each one hashes a password with argon2id on the server). */
  signupConcurrency: number;
  /** Opening balance per fan, in EUR (generous: no send may fail for lack of funds). */
  openingBalance: string;
  pgbenchScale: number;
  pgbenchThreads: number;
  /** Server-level URL of the PostgreSQL server (BENCH_PG_URL). */
  pgServer: string;
  scenarios: WalletScenario[];
  /** When set, every platform child runs with --cpu-prof and writes its profile here. */
  cpuProfileDir: string | null;
  /** DATABASE_POOL_MAX as the platform will see it (inherited from this process' environment). */
  poolMax: string;
}

export const DEFAULT_WALLET_OUTPUT = 'docs/benchmarks-wallet.md';

type Env = Record<string, string | undefined>;

export function readWalletSettings(
  env: Env = process.env,
  argv: string[] = process.argv.slice(2),
): WalletSettings {
  const base = readSettings({ ...env, BENCH_OUTPUT: undefined }, argv);
  const quick = base.quick;
  const scenarios = parseScenarios(env.BENCH_WALLET_SCENARIOS);
  return {
    ...base,
    extraRows: false,
    outputPath:
      env.BENCH_WALLET_OUTPUT ??
      (quick || scenarios.length < WALLET_SCENARIOS.length ? null : DEFAULT_WALLET_OUTPUT),
    fans: positive(env, 'BENCH_WALLET_FANS', quick ? 100 : 1000),
    pgliteFans: positive(env, 'BENCH_WALLET_PGLITE_FANS', quick ? 20 : 200),
    signupConcurrency: positive(env, 'BENCH_WALLET_SIGNUP_CONCURRENCY', 8),
    openingBalance: '100000.00',
    pgbenchScale: positive(env, 'BENCH_PGBENCH_SCALE', 10),
    pgbenchThreads: positive(env, 'BENCH_PGBENCH_THREADS', 2),
    pgServer: serverUrl(env),
    scenarios,
    cpuProfileDir: env.BENCH_WALLET_CPU_PROF || null,
    poolMax: env.DATABASE_POOL_MAX ? env.DATABASE_POOL_MAX : '10 (default)',
  };
}

function parseScenarios(raw: string | undefined): WalletScenario[] {
  if (raw === undefined || raw.trim() === '') return [...WALLET_SCENARIOS];
  const names = raw.split(',').map((name) => name.trim());
  for (const name of names) {
    if (!(WALLET_SCENARIOS as readonly string[]).includes(name)) {
      throw new Error(`BENCH_WALLET_SCENARIOS lists ${WALLET_SCENARIOS.join(', ')} (got "${name}")`);
    }
  }
  return WALLET_SCENARIOS.filter((name) => names.includes(name));
}

function positive(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1)
    throw new Error(`${name} must be a positive integer (got "${raw}")`);
  return value;
}

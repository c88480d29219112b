/** Benchmark settings, from the environment (and `--quick` on the command line). */
export interface BenchSettings {
  quick: boolean;
  /** Measured seconds per scenario. */
  durationSeconds: number;
  /** Warm-up seconds per scenario (results discarded). */
  warmupSeconds: number;
  connections: number;
  pipelining: number;
  /** PCF_RATE_LIMIT_IP and PCF_RATE_LIMIT_USER given to the platform (requests per minute). */
  rateLimit: number;
  /** Also measure the platform with LOG_LEVEL=warn (informational rows). */
  extraRows: boolean;
  /** Where the markdown report goes; null: print only. */
  outputPath: string | null;
}

/** The largest value the platform's config accepts for PCF_RATE_LIMIT_IP / PCF_RATE_LIMIT_USER. */
export const MAX_RATE_LIMIT = 1_000_000;

export const DEFAULT_OUTPUT = 'docs/benchmarks.md';

type Env = Record<string, string | undefined>;

export function readSettings(env: Env = process.env, argv: string[] = process.argv.slice(2)): BenchSettings {
  const quick = argv.includes('--quick') || flag(env, 'BENCH_QUICK', false);
  const rateLimit = positive(env, 'BENCH_RATE_LIMIT', MAX_RATE_LIMIT);
  if (rateLimit > MAX_RATE_LIMIT) {
    throw new Error(
      `BENCH_RATE_LIMIT must be at most ${MAX_RATE_LIMIT}, the most the platform's config accepts`,
    );
  }
  return {
    quick,
    durationSeconds: positive(env, 'BENCH_DURATION', quick ? 2 : 10),
    warmupSeconds: positive(env, 'BENCH_WARMUP', quick ? 1 : 2),
    connections: positive(env, 'BENCH_CONNECTIONS', 50),
    pipelining: 1,
    rateLimit,
    extraRows: flag(env, 'BENCH_EXTRA', true),
    // A smoke run must not overwrite the published figures unless asked to.
    outputPath: env.BENCH_OUTPUT ?? (quick ? null : DEFAULT_OUTPUT),
  };
}

function positive(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1)
    throw new Error(`${name} must be a positive integer (got "${raw}")`);
  return value;
}

function flag(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name]?.toLowerCase();
  if (raw === undefined || raw === '') return fallback;
  if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
  if (['0', 'false', 'no', 'off'].includes(raw)) return false;
  throw new Error(`${name} must be 1/0, true/false, yes/no or on/off (got "${raw}")`);
}

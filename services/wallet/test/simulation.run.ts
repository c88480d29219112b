import { createHash } from 'node:crypto';
import type { TestBackend } from '@pcf/kernel/testing';
import { CommandGenerator } from './simulation.generator.ts';
import {
  type AuditResult,
  auditLedger,
  bootSimulationPlatform,
  type SimPlatform,
  signupFan,
} from './simulation.harness.ts';
import { describeCommand, Simulation, SimulationFailure } from './simulation.model.ts';
import { Prng, parseSeed } from './simulation.prng.ts';

export const DEFAULT_SEED = '20260101';

export interface SimulationSettings {
  seed: number;
  ops: number;
  fans: number;
  /** Full (whole-ledger) checks every n steps, besides the cheap per-step checks. */
  fullCheckEvery: number;
  strict: boolean;
  /** Print each command from this step on (replays). */
  traceFrom?: number;
  log?: (line: string) => void;
}

export interface SimulationReport {
  seed: number;
  ops: number;
  backend: string;
  elapsedMs: number;
  /** Digest of the command sequence: equal for equal seeds (on PGlite). */
  trace: string;
  stats: Record<string, number>;
  timings: Record<string, number>;
  findings: string[];
  audit: AuditResult;
}

/** Settings from the environment: WALLET_SIM_SEED, WALLET_SIM_OPS, WALLET_SIM_FANS, WALLET_SIM_FULL_EVERY, WALLET_SIM_STRICT. */
export function settingsFromEnv(defaultOps: number): SimulationSettings {
  const env = process.env;
  return {
    seed: parseSeed(env.WALLET_SIM_SEED ?? DEFAULT_SEED),
    ops: env.WALLET_SIM_OPS ? Number(env.WALLET_SIM_OPS) : defaultOps,
    fans: env.WALLET_SIM_FANS ? Number(env.WALLET_SIM_FANS) : 6,
    fullCheckEvery: env.WALLET_SIM_FULL_EVERY ? Number(env.WALLET_SIM_FULL_EVERY) : 500,
    strict: env.WALLET_SIM_STRICT === '1',
  };
}

export function replayCommand(settings: Pick<SimulationSettings, 'seed' | 'ops'>, backend: string): string {
  const db = backend === 'postgres' ? 'TEST_DATABASE_URL=… ' : '';
  return `${db}WALLET_SIM_SEED=${settings.seed} WALLET_SIM_OPS=${settings.ops} npx vitest run services/wallet/test/simulation.test.ts`;
}

/** Boots a platform, signs fans up and runs the seeded simulation; throws with the seed and step on failure. */
export async function runSimulation(
  backend: TestBackend,
  settings: SimulationSettings,
): Promise<SimulationReport> {
  const started = Date.now();
  const sp = await bootSimulationPlatform(backend);
  try {
    return await simulate(sp, settings, started);
  } finally {
    await sp.close();
  }
}

export async function simulate(sp: SimPlatform, settings: SimulationSettings, started = Date.now()) {
  const fans = [];
  for (let i = 0; i < settings.fans; i++) fans.push(await signupFan(sp.t, `Fan ${i}`));
  const sim = await Simulation.start(sp, fans, {
    runId: `s${settings.seed}`,
    fullCheckEvery: settings.fullCheckEvery,
    strict: settings.strict,
    ...(settings.log ? { log: settings.log } : {}),
  });
  const generator = new CommandGenerator(new Prng(settings.seed), sim);
  const trace = createHash('sha256');
  for (let i = 0; i < settings.ops; i++) {
    const command = generator.next();
    const text = describeCommand(command);
    trace.update(text).update('\n');
    if (settings.traceFrom !== undefined && sim.step + 1 >= settings.traceFrom)
      settings.log?.(`${sim.step + 1} ${text}`);
    try {
      await sim.run(command);
    } catch (error) {
      const why =
        error instanceof SimulationFailure
          ? error.message
          : `step ${sim.step}: ${text}\n  ${String((error as Error)?.stack ?? error)}`;
      throw new SimulationFailure(
        `wallet simulation failed on ${sp.backend} (seed ${settings.seed}, step ${sim.step} of ${settings.ops})\n${why}\n` +
          `replay: ${replayCommand(settings, sp.backend)}\n` +
          `trace:  npx tsx services/wallet/test/simulation/replay.ts --backend ${sp.backend} --seed ${settings.seed} --ops ${sim.step} --from ${Math.max(1, sim.step - 20)}`,
      );
    }
  }
  await sim.checkStep();
  await sim.checkFull();
  const audit = await auditLedger(sp.t);
  return {
    seed: settings.seed,
    ops: settings.ops,
    backend: sp.backend,
    elapsedMs: Date.now() - started,
    trace: trace.digest('hex'),
    stats: Object.fromEntries([...sim.stats].sort(([a], [b]) => (a < b ? -1 : 1))),
    timings: Object.fromEntries(
      [...sim.timings].sort(([, a], [, b]) => b - a).map(([k, v]) => [k, Math.round(v)]),
    ),
    findings: sim.findings,
    audit,
  };
}

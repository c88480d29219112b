/**
 * Replays the wallet simulation for one seed, printing the commands, e.g. the last steps before a failure:
 *
 *   npx tsx services/wallet/test/simulation/replay.ts --seed 123 --ops 4711 --from 4690
 *   TEST_DATABASE_URL=postgres://… npx tsx services/wallet/test/simulation/replay.ts --backend postgres --seed 123
 *
 * Options: --seed (or WALLET_SIM_SEED), --ops (or WALLET_SIM_OPS, default 10000), --fans, --backend pglite|postgres,
 * --from N (print commands from step N; --verbose = from 1), --full-every N, --strict.
 */
import { parseArgs } from 'node:util';
import { testBackends } from '@pcf/kernel/testing';
import { parseSeed } from '../simulation.prng.ts';
import { runSimulation, settingsFromEnv } from '../simulation.run.ts';

const { values } = parseArgs({
  options: {
    seed: { type: 'string' },
    ops: { type: 'string' },
    fans: { type: 'string' },
    backend: { type: 'string', default: 'pglite' },
    from: { type: 'string' },
    verbose: { type: 'boolean', default: false },
    'full-every': { type: 'string' },
    strict: { type: 'boolean', default: false },
  },
});

const settings = settingsFromEnv(10_000);
if (values.seed) settings.seed = parseSeed(values.seed);
if (values.ops) settings.ops = Number(values.ops);
if (values.fans) settings.fans = Number(values.fans);
if (values['full-every']) settings.fullCheckEvery = Number(values['full-every']);
if (values.strict) settings.strict = true;
if (values.verbose) settings.traceFrom = 1;
if (values.from) settings.traceFrom = Number(values.from);
settings.log = (line) => console.log(line);

const backend = testBackends().find((b) => b.name === values.backend);
if (!backend) {
  console.error(`unknown or unavailable backend "${values.backend}" (postgres needs TEST_DATABASE_URL)`);
  process.exit(2);
}

try {
  const report = await runSimulation(backend, settings);
  console.log(
    JSON.stringify(
      { ...report, audit: { ok: report.audit.ok, problems: report.audit.problems.slice(0, 20) } },
      null,
      2,
    ),
  );
  process.exit(report.audit.ok ? 0 : 1);
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}

import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, startChild, stopAllChildren, stopChild } from './lib/child.ts';
import { type Measurement, measure } from './lib/load.ts';
import { loginDemoFan, startPlatform } from './lib/platform.ts';
import {
  type BenchReport,
  consoleTable,
  driftWarning,
  machineFacts,
  markdownReport,
  type StartupMeasurement,
  startupTable,
  targetMet,
  verdictLine,
} from './lib/report.ts';
import { type BenchSettings, readSettings } from './lib/settings.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dataDirs: string[] = [];

function say(message: string): void {
  process.stdout.write(`${message}\n`);
}

async function packageVersion(name: string): Promise<string> {
  const raw = await readFile(join(root, 'node_modules', name, 'package.json'), 'utf8');
  const parsed: unknown = JSON.parse(raw);
  return typeof parsed === 'object' &&
    parsed !== null &&
    'version' in parsed &&
    typeof parsed.version === 'string'
    ? parsed.version
    : 'unknown';
}

async function measureBaseline(settings: BenchSettings, when: 'before' | 'after'): Promise<Measurement> {
  say(`starting the baseline (bench/baseline-server.ts), ${when} the platform…`);
  const server = await startChild({
    name: 'baseline',
    script: 'bench/baseline-server.ts',
    cwd: root,
    env: {},
    port: await freePort(),
    readyPath: '/',
  });
  try {
    const body: unknown = await (await fetch(`${server.baseUrl}/`)).json();
    if (JSON.stringify(body) !== '{"hello":"world"}')
      throw new Error(`baseline answered ${JSON.stringify(body)}`);
    return await run(settings, {
      label: `baseline: bare Fastify GET / (${when})`,
      url: `${server.baseUrl}/`,
    });
  } finally {
    await stopChild(server);
  }
}

/** healthz and me against one platform process; `suffix` labels informational variants. */
async function measurePlatform(
  settings: BenchSettings,
  env: Record<string, string>,
  suffix: string,
): Promise<[Measurement, Measurement]> {
  say(`starting the platform (apps/server/src/main.ts${suffix})…`);
  const platform = await startPlatform({
    root,
    rateLimit: settings.rateLimit,
    env,
    name: `platform${suffix}`,
  });
  dataDirs.push(platform.dataDir);
  try {
    const base = platform.server.baseUrl;
    const token = await loginDemoFan(base);
    const healthz = await run(settings, { label: `platform GET /healthz${suffix}`, url: `${base}/healthz` });
    const me = await run(settings, {
      label: `platform GET /v1/auth/me${suffix}`,
      url: `${base}/v1/auth/me`,
      headers: { authorization: `Bearer ${token}` },
    });
    return [healthz, me];
  } finally {
    await stopChild(platform.server);
  }
}

/**
 * Time to ready of the embedded default, fresh then restarted on the same data directory: `npm start`'s bundle
 * (the target rows), then the sources through tsx (informational, the way it started before).
 */
async function measureStartup(settings: BenchSettings): Promise<StartupMeasurement[]> {
  const results: StartupMeasurement[] = [];
  for (const viaTsx of [false, true]) {
    const how = viaTsx ? 'tsx apps/server/src/main.ts' : 'npm start (bundle)';
    let dataDir: string | undefined;
    for (const kind of ['fresh', 'restart'] as const) {
      const platform = await startPlatform({
        root,
        rateLimit: settings.rateLimit,
        name: `startup-${kind}`,
        viaTsx,
        ...(dataDir ? { dataDir } : {}),
      });
      dataDir = platform.dataDir;
      if (kind === 'fresh') dataDirs.push(dataDir);
      await stopChild(platform.server);
      const readyMs = platform.server.readyMs;
      say(`  start-up, ${kind} data directory, ${how}: ready after ${(readyMs / 1000).toFixed(2)} s`);
      results.push({ label: `${how}, ${kind} data directory`, kind, target: !viaTsx, readyMs });
    }
  }
  return results;
}

async function run(settings: BenchSettings, scenario: Parameters<typeof measure>[0]): Promise<Measurement> {
  say(`  ${scenario.label}: ${settings.warmupSeconds} s warm-up + ${settings.durationSeconds} s…`);
  const result = await measure(scenario, settings);
  say(
    `    ${Math.round(result.requestsPerSecond).toLocaleString('en-US')} req/s, p99 ${result.latencyP99} ms`,
  );
  return result;
}

async function main(): Promise<void> {
  const settings = readSettings();
  const date = new Date();
  const machine = machineFacts();
  say(
    `bench: ${settings.connections} connections, pipelining ${settings.pipelining}, ` +
      `${settings.warmupSeconds} s warm-up + ${settings.durationSeconds} s per scenario` +
      `${settings.quick ? ' (quick mode)' : ''}; PCF_RATE_LIMIT_IP/USER=${settings.rateLimit}/min`,
  );
  const baselineBefore = await measureBaseline(settings, 'before');
  const [healthz, me] = await measurePlatform(settings, {}, '');
  const extras = settings.extraRows
    ? await measurePlatform(settings, { LOG_LEVEL: 'warn' }, ' (LOG_LEVEL=warn)')
    : [];
  const baselineAfter = await measureBaseline(settings, 'after');
  say('measuring start-up…');
  const startup = await measureStartup(settings);

  const report: BenchReport = {
    date,
    machine,
    settings,
    versions: { fastify: await packageVersion('fastify'), autocannon: await packageVersion('autocannon') },
    baselineBefore,
    baselineAfter,
    healthz,
    me,
    extras,
    startup,
  };
  say('');
  say(consoleTable(report));
  say('');
  say(startupTable(report));
  say('');
  const warning = driftWarning(report);
  if (warning) say(warning);
  say(verdictLine(report));
  if (settings.outputPath !== null) {
    const path = resolve(root, settings.outputPath);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, markdownReport(report));
    say(`report written to ${settings.outputPath}`);
  } else {
    say('quick mode: report not written (set BENCH_OUTPUT=<file> to write one)');
  }
  if (!targetMet(report)) say('(the target is informational: exiting 0)');
}

async function cleanUp(): Promise<void> {
  await stopAllChildren();
  await Promise.all(dataDirs.map((dir) => rm(dir, { recursive: true, force: true }).catch(() => undefined)));
}

if (process.argv.includes('--wallet')) {
  // `npm run bench -- --wallet`: the wallet benchmark (bench/wallet.ts runs itself on import).
  await import('./wallet.ts');
} else if (process.argv.includes('--shop')) {
  // `npm run bench -- --shop`: search and checkout (bench/shop.ts runs itself on import).
  await import('./shop.ts');
} else if (process.argv.includes('--widgets')) {
  // `npm run bench -- --widgets`: first paint of the widget pages (bench/widgets.ts runs itself on import).
  await import('./widgets.ts');
} else {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      process.stderr.write(`\n${signal}: stopping the servers…\n`);
      void cleanUp().finally(() => process.exit(130));
    });
  }

  try {
    await main();
  } catch (error) {
    process.stderr.write(`\nBENCH FAILED: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  } finally {
    await cleanUp();
  }
}

import { cpus, loadavg, platform, release, totalmem } from 'node:os';
import type { Measurement } from './load.ts';
import type { BenchSettings } from './settings.ts';

/** `/v1/auth/me` must reach at least this fraction of bare Fastify's requests/s (from the issue). */
export const TARGET_RATIO = 0.5;

/** Above this relative change between the two baseline runs, the machine was busy: the ratios are suspect. */
export const DRIFT_WARNING = 0.1;

export interface MachineFacts {
  cpuCount: number;
  cpuModel: string;
  totalMemoryGiB: number;
  node: string;
  os: string;
  /** os.loadavg() when the run started: other work on the machine skews the figures. */
  loadAverage: number[];
}

export interface BenchReport {
  date: Date;
  machine: MachineFacts;
  settings: BenchSettings;
  versions: { fastify: string; autocannon: string };
  /** The baseline is measured first and again last; ratios use the mean of both. */
  baselineBefore: Measurement;
  baselineAfter: Measurement;
  healthz: Measurement;
  me: Measurement;
  /** Informational rows (e.g. the platform with LOG_LEVEL=warn); not part of the target. */
  extras: Measurement[];
  /** Time to ready of the embedded default (spawn → first 200 on /readyz), fresh and restarted. */
  startup: StartupMeasurement[];
}

/** One start of the platform: how it was run and how long it took to answer /readyz. */
export interface StartupMeasurement {
  label: string;
  /** 'fresh': an empty data directory (migrations, demo seeding); 'restart': the directory of the previous start. */
  kind: 'fresh' | 'restart';
  /** true for `npm start`'s way (the bundle): the rows the targets apply to. */
  target: boolean;
  readyMs: number;
}

/** Start-up targets of the embedded default (issue 9), in milliseconds. */
export const STARTUP_TARGET_MS = { fresh: 5_000, restart: 2_000 } as const;

function startupRows(report: BenchReport): string[][] {
  return report.startup.map((s) => [
    s.label,
    formatNumber(s.readyMs / 1000, 2),
    s.target
      ? `< ${STARTUP_TARGET_MS[s.kind] / 1000} s: ${s.readyMs < STARTUP_TARGET_MS[s.kind] ? 'met' : 'MISSED'}`
      : '(info)',
  ]);
}

const STARTUP_HEADER = ['Start-up (embedded default, demo on)', 'Ready after (s)', 'Target'];

/** The start-up table for the terminal and the report. */
export function startupTable(report: BenchReport): string {
  return markdownTable(STARTUP_HEADER, startupRows(report));
}

export function machineFacts(): MachineFacts {
  const list = cpus();
  return {
    cpuCount: list.length,
    cpuModel: list[0]?.model.trim() ?? 'unknown',
    totalMemoryGiB: totalmem() / 1024 ** 3,
    node: process.version,
    os: `${platform()} ${release()}`,
    loadAverage: loadavg(),
  };
}

/** The reference requests/s: the mean of the baseline runs before and after the platform. */
export function baselineRps(report: BenchReport): number {
  return (report.baselineBefore.requestsPerSecond + report.baselineAfter.requestsPerSecond) / 2;
}

export function ratio(measurement: Measurement, report: BenchReport): number {
  const reference = baselineRps(report);
  return reference === 0 ? 0 : measurement.requestsPerSecond / reference;
}

/** How much the baseline moved between the start and the end of the run, relative to its mean. */
export function baselineDrift(report: BenchReport): number {
  const reference = baselineRps(report);
  const delta = Math.abs(report.baselineBefore.requestsPerSecond - report.baselineAfter.requestsPerSecond);
  return reference === 0 ? 0 : delta / reference;
}

export function targetMet(report: BenchReport): boolean {
  return ratio(report.me, report) >= TARGET_RATIO;
}

const HEADER = [
  'Scenario',
  'Requests/s (mean)',
  'Latency mean (ms)',
  'p50 (ms)',
  'p97.5 (ms)',
  'p99 (ms)',
  '× baseline',
];

function row(measurement: Measurement, report: BenchReport): string[] {
  return [
    measurement.label,
    formatNumber(measurement.requestsPerSecond, 0),
    formatNumber(measurement.latencyMean, 2),
    formatNumber(measurement.latencyP50, 0),
    formatNumber(measurement.latencyP975, 0),
    formatNumber(measurement.latencyP99, 0),
    formatNumber(ratio(measurement, report), 2),
  ];
}

function rows(report: BenchReport): string[][] {
  return [report.baselineBefore, report.healthz, report.me, report.baselineAfter].map((m) => row(m, report));
}

export function formatNumber(value: number, digits: number): string {
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

export function driftWarning(report: BenchReport): string | null {
  const drift = baselineDrift(report);
  if (drift <= DRIFT_WARNING) return null;
  return (
    `WARNING: the baseline moved by ${formatNumber(drift * 100, 1)}% between the start and the end of the run ` +
    '(other work on the machine?); the ratios are unreliable, run again on a quiet machine.'
  );
}

export function verdictLine(report: BenchReport): string {
  const value = formatNumber(ratio(report.me, report), 2);
  return targetMet(report)
    ? `TARGET MET: /v1/auth/me reached ${value}× bare Fastify requests/s (target ≥ ${TARGET_RATIO}×)`
    : `TARGET MISSED: /v1/auth/me reached ${value}× bare Fastify requests/s (target ≥ ${TARGET_RATIO}×)`;
}

/** A fixed-width table for the terminal. */
export function consoleTable(report: BenchReport): string {
  const body = rows(report);
  const extra = report.extras.map((m) =>
    row(m, report).map((cell, i) => (i === 0 ? `(info) ${cell}` : cell)),
  );
  const all = [HEADER, ...body, ...extra];
  const widths = HEADER.map((_, column) => Math.max(...all.map((cells) => (cells[column] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0)))
      .join('  ');
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return [line(HEADER), rule, ...body.map(line), ...(extra.length ? [rule, ...extra.map(line)] : [])].join(
    '\n',
  );
}

/** A markdown table padded the way Biome's formatter lays it out (first column left, the others right). */
export function markdownTable(header: string[], body: string[][]): string {
  const all = [header, ...body];
  const widths = header.map((_, column) => Math.max(3, ...all.map((cells) => (cells[column] ?? '').length)));
  const pad = (cell: string, i: number) =>
    i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0);
  const align = widths.map((w, i) => (i === 0 ? '-'.repeat(w) : `${'-'.repeat(w - 1)}:`));
  const line = (cells: string[]) => `| ${cells.map(pad).join(' | ')} |`;
  return [line(header), `| ${align.join(' | ')} |`, ...body.map(line)].join('\n');
}

/** Kept in this file on every regeneration: the wallet benchmark writes its own page (bench/wallet.ts). */
export const WALLET_SECTION = [
  '## Wallet',
  '',
  'The wallet benchmark (`POST /v1/wallet/send` on PostgreSQL against `pgbench` in the same run, a hot cashback',
  'pool, sends on PGlite) is a separate command, `npx tsx bench/wallet.ts` (or `npm run bench -- --wallet`); its',
  'method, figures and targets are in [benchmarks-wallet.md](benchmarks-wallet.md).',
  '',
  '## Hot path and start-up',
  '',
  'CPU per request before and after the plugins of issue 9, profiles, and start-up CPU time (bundle against tsx):',
  '[benchmarks-hot-path.md](benchmarks-hot-path.md).',
  '',
];

export function markdownReport(report: BenchReport): string {
  const { machine, settings, healthz, me } = report;
  const healthzRatio = formatNumber(ratio(healthz, report), 2);
  const meRatio = formatNumber(ratio(me, report), 2);
  const reference = formatNumber(baselineRps(report), 0);
  const drift = formatNumber(baselineDrift(report) * 100, 1);
  const warning = driftWarning(report);
  const rateLimit = formatNumber(settings.rateLimit, 0);
  const memory = formatNumber(machine.totalMemoryGiB, 1);
  const load = machine.loadAverage.map((value) => formatNumber(value, 2)).join(' / ');
  const extras = report.extras.length
    ? [
        '',
        '### Informational rows',
        '',
        'Not part of the target: the platform started again (fresh data directory) with `LOG_LEVEL=warn`, i.e.',
        'without the per-request log line, to show what that line costs. Same settings, same run, ratios against',
        'the same baseline.',
        '',
        markdownTable(
          HEADER,
          report.extras.map((m) => row(m, report)),
        ),
      ]
    : [];

  return [
    '# Benchmarks',
    '',
    '_Generated by `npm run bench` (bench/run.ts); this file is overwritten on every full run._',
    '',
    `- Date: ${report.date.toISOString()}`,
    `- Machine: ${machine.cpuCount} CPUs (${machine.cpuModel}), ${memory} GiB RAM, ${machine.os}`,
    `- Load average (1 / 5 / 15 min) when the run started: ${load}`,
    `- Node ${machine.node}, Fastify ${report.versions.fastify}, autocannon ${report.versions.autocannon}`,
    '',
    '## Method',
    '',
    '- `bench/run.ts` (the orchestrator) runs autocannon in its own process and starts every server under test',
    "  as a child process with `node --max-semi-space-size=64` (`npm start`'s flags, the same for every server;",
    '  the baseline through `--import tsx`, the platform as `npm start` runs it: its esbuild bundle',
    '  `apps/server/dist/main.mjs`), so the load generator and the servers never share an event',
    '  loop. All servers are started in the same run, on the same machine, with the same settings, one after',
    '  the other (one server at a time): baseline, platform, platform with `LOG_LEVEL=warn` (informational),',
    '  baseline again.',
    '- **Baseline**: `bench/baseline-server.ts`, a bare Fastify 5 server answering `GET /` with',
    '  `{"hello":"world"}`, logger off.',
    '- **Platform**: `apps/server/src/main.ts` (bundled), the real server in its embedded default (every service in one',
    '  process, PGlite in a fresh temporary `PCF_DATA_DIR` on its own thread, in-memory bus, demo data seeded) at',
    '  the default `LOG_LEVEL=info`: request lines for 4xx, 5xx and slow requests only (docs/operations.md); its',
    '  stdout goes to /dev/null.',
    '- The rate limiter stays on and counts every request, but `PCF_RATE_LIMIT_IP` and `PCF_RATE_LIMIT_USER`',
    `  are set to ${rateLimit} requests per minute so that it never blocks the benchmark (the platform's config`,
    '  accepts at most 1,000,000; should a 429 happen anyway, the run fails, see below).',
    '- `GET /v1/auth/me` carries `Authorization: Bearer <accessToken>` from `POST /v1/auth/login` as the demo',
    '  fan (`fan@demo.paiecashfan.dev`): authentication, the per-user rate limit and the profile lookup on every',
    '  request. Every request uses the same token and the same user, so any per-token or per-user cache in the',
    '  platform is always warm: this is the best case for such caches, not a many-users workload.',
    `- autocannon: ${settings.connections} connections, pipelining ${settings.pipelining}; per scenario a`,
    `  ${settings.warmupSeconds} s warm-up (discarded), then ${settings.durationSeconds} s measured. Override with`,
    '  `BENCH_DURATION`, `BENCH_WARMUP` and `BENCH_CONNECTIONS`; `npm run bench -- --quick` (or `BENCH_QUICK=1`)',
    '  is a short smoke run that prints the table without touching this file (unless `BENCH_OUTPUT` names a',
    '  file); `BENCH_EXTRA=0` skips the informational rows.',
    '- Every response of every scenario (warm-up included) must be 2xx, with no connection errors or timeouts,',
    '  or the run fails loudly (exit code 1).',
    "- Requests/s is the mean of autocannon's per-second samples. autocannon records latency percentiles in",
    '  whole milliseconds (so a fast server shows p50 = 0); the mean latency is not rounded.',
    '- The ratios compare each row with the baseline measured **in the same run**: the mean requests/s of the',
    '  baseline runs at the start and at the end, which bracket the platform runs. They say more than the',
    '  absolute figures, which depend on the machine. Other work on the machine is not controlled: if the two',
    `  baseline runs differ by more than ${DRIFT_WARNING * 100}%, the run prints (and this file shows) a warning.`,
    '- With few CPUs the load generator and the server compete for CPU, and a very fast server (the baseline)',
    '  is partly limited by autocannon itself, so ratios there lean optimistic.',
    '- No test has a timing threshold: performance is only measured here. Missing the target prints a',
    '  `TARGET MISSED` line, but `npm run bench` still exits 0.',
    '',
    '## Results',
    '',
    markdownTable(HEADER, rows(report)),
    ...extras,
    '',
    '## Ratios',
    '',
    `- Baseline reference: ${reference} requests/s (mean of the two baseline runs, which differ by ${drift}%)`,
    `- \`GET /healthz\` / baseline: **${healthzRatio}×**`,
    `- \`GET /v1/auth/me\` / baseline: **${meRatio}×**`,
    ...(warning ? ['', `**${warning}**`] : []),
    '',
    '## Start-up',
    '',
    'Spawn to the first 200 on `/readyz` (polled every 50 ms) of the embedded default with every service and demo',
    "seeding: on an empty data directory (PGlite's initdb, migrations, demo data), then again on the same directory.",
    "`npm start`'s way runs the esbuild bundle that `npm run build`/`prestart` writes (apps/server/dist/main.mjs);",
    'the informational rows start the TypeScript sources through tsx, as `npm start` did before.',
    '',
    ...(report.startup.length ? [startupTable(report)] : ['(not measured in this run)']),
    '',
    '## Target',
    '',
    `\`/v1/auth/me\` ≥ ${TARGET_RATIO}× bare Fastify requests/s: **${targetMet(report) ? 'met' : 'MISSED'}** (${meRatio}×).`,
    '',
    ...WALLET_SECTION,
  ].join('\n');
}

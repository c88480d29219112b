import type { AuditResult } from './fans.ts';
import type { PgbenchResult } from './pgbench.ts';
import { formatNumber, type MachineFacts, markdownTable } from './report.ts';
import type { GeneratedMeasurement } from './request-load.ts';
import type { WalletSettings } from './wallet-settings.ts';

/** Targets from the issue. */
export const TARGETS = {
  /** Sends/s at least this fraction of pgbench tpcb-like tps on the same server in the same run. */
  pgbenchRatio: 0.5,
  sendsPerSecond: 1000,
  /** Send latency p99 strictly below this, in ms. */
  sendP99Ms: 50,
  hotCreditsPerSecond: 500,
  /** Issue 9: on PGlite, every send of the load answered within this (ms). */
  pgliteSlowestMs: 2000,
} as const;

export interface ScenarioResult {
  measurement: GeneratedMeasurement;
  fans: number;
  audit: AuditResult;
  /** Extra consistency checks that passed, in words. */
  checks: string[];
}

export interface WalletReport {
  date: Date;
  machine: MachineFacts;
  settings: WalletSettings;
  versions: { autocannon: string; pglite: string; postgres: string };
  pgbenchBefore: PgbenchResult | null;
  pgbenchAfter: PgbenchResult | null;
  send: ScenarioResult | null;
  hot: ScenarioResult | null;
  pglite: ScenarioResult | null;
  /** Hand-written findings (bench/wallet-findings.md), appended to the page. */
  notes: string | null;
}

export interface TargetOutcome {
  name: string;
  measured: string;
  /** null: the scenario was not run. */
  met: boolean | null;
}

/** Mean tps of the pgbench runs before and after the platform (the reference for the ratio). */
export function pgbenchReference(report: WalletReport): number | null {
  const runs = [report.pgbenchBefore, report.pgbenchAfter].filter((r): r is PgbenchResult => r !== null);
  return runs.length === 0 ? null : runs.reduce((sum, r) => sum + r.tps, 0) / runs.length;
}

function pgbenchDrift(report: WalletReport): number | null {
  const { pgbenchBefore: a, pgbenchAfter: b } = report;
  if (!a || !b) return null;
  return Math.abs(a.tps - b.tps) / ((a.tps + b.tps) / 2);
}

/** Mean of the two pgbench runs' p99 (ms), or null when pgbench did not run. */
function pgbenchP99(report: WalletReport): number | null {
  const runs = [report.pgbenchBefore, report.pgbenchAfter].filter((r): r is PgbenchResult => r !== null);
  return runs.length === 0 ? null : runs.reduce((sum, r) => sum + r.latencyP99, 0) / runs.length;
}

export function walletTargets(report: WalletReport): TargetOutcome[] {
  const send = report.send?.measurement ?? null;
  const pglite = report.pglite?.measurement ?? null;
  const pgP99 = pgbenchP99(report);
  const hot = report.hot?.measurement ?? null;
  const reference = pgbenchReference(report);
  const ratio = send && reference ? send.requestsPerSecond / reference : null;
  return [
    {
      name: `sends/s ≥ ${TARGETS.pgbenchRatio}× pgbench tpcb-like tps (same server, same run)`,
      measured: ratio === null ? 'not run' : `${formatNumber(ratio, 2)}×`,
      met: ratio === null ? null : ratio >= TARGETS.pgbenchRatio,
    },
    {
      name: `sends/s ≥ ${formatNumber(TARGETS.sendsPerSecond, 0)}`,
      measured: send ? formatNumber(send.requestsPerSecond, 0) : 'not run',
      met: send ? send.requestsPerSecond >= TARGETS.sendsPerSecond : null,
    },
    {
      name: `send latency p99 < ${TARGETS.sendP99Ms} ms`,
      measured: send ? `${send.latencyP99} ms` : 'not run',
      met: send ? send.latencyP99 < TARGETS.sendP99Ms : null,
    },
    {
      name: 'send latency p99 ≤ pgbench p99 (mean of its two runs)',
      measured: send && pgP99 !== null ? `${send.latencyP99} ms vs ${formatNumber(pgP99, 0)} ms` : 'not run',
      met: send && pgP99 !== null ? send.latencyP99 <= pgP99 : null,
    },
    {
      name: `PGlite: slowest send (warm-up included) ≤ ${formatNumber(TARGETS.pgliteSlowestMs, 0)} ms`,
      measured: pglite ? `${formatNumber(pglite.slowestMs, 0)} ms` : 'not run',
      met: pglite ? pglite.slowestMs <= TARGETS.pgliteSlowestMs : null,
    },
    {
      name: `hot account (one cashback pool) credits/s ≥ ${TARGETS.hotCreditsPerSecond}`,
      measured: hot ? formatNumber(hot.requestsPerSecond, 0) : 'not run',
      met: hot ? hot.requestsPerSecond >= TARGETS.hotCreditsPerSecond : null,
    },
  ];
}

function verdict(met: boolean | null): string {
  return met === null ? 'not run' : met ? 'MET' : 'MISSED';
}

const HEADER = [
  'Scenario',
  'Operations/s',
  'Latency mean (ms)',
  'p50 (ms)',
  'p97.5 (ms)',
  'p99 (ms)',
  '× pgbench',
];

function rows(report: WalletReport): string[][] {
  const reference = pgbenchReference(report);
  const ratio = (value: number) => (reference ? formatNumber(value / reference, 2) : '—');
  const out: string[][] = [];
  const pgbenchRow = (r: PgbenchResult | null) => {
    if (!r) return;
    out.push([
      r.label,
      formatNumber(r.tps, 0),
      formatNumber(r.latencyMean, 2),
      formatNumber(r.latencyP50, 0),
      formatNumber(r.latencyP975, 0),
      formatNumber(r.latencyP99, 0),
      ratio(r.tps),
    ]);
  };
  const scenarioRow = (s: ScenarioResult | null, pglite = false) => {
    if (!s) return;
    const m = s.measurement;
    out.push([
      m.label,
      formatNumber(m.requestsPerSecond, 0),
      formatNumber(m.latencyMean, 2),
      formatNumber(m.latencyP50, 0),
      formatNumber(m.latencyP975, 0),
      formatNumber(m.latencyP99, 0),
      pglite ? '(n/a)' : ratio(m.requestsPerSecond),
    ]);
  };
  pgbenchRow(report.pgbenchBefore);
  scenarioRow(report.send);
  scenarioRow(report.hot);
  scenarioRow(report.pglite, true);
  pgbenchRow(report.pgbenchAfter);
  return out;
}

function driftText(report: WalletReport): string | null {
  const drift = pgbenchDrift(report);
  if (drift === null || drift <= 0.1) return null;
  return (
    `WARNING: pgbench moved by ${formatNumber(drift * 100, 1)}% between the start and the end of the run ` +
    '(other work on the machine?); the ratio is unreliable.'
  );
}

export function consoleSummary(report: WalletReport): string {
  const body = rows(report);
  const all = [HEADER, ...body];
  const widths = HEADER.map((_, column) => Math.max(...all.map((cells) => (cells[column] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0)))
      .join('  ');
  const targets = walletTargets(report).map(
    (t) =>
      `${t.met === false ? 'TARGET MISSED' : t.met ? 'TARGET MET' : 'TARGET NOT RUN'}: ${t.name} — ${t.measured}`,
  );
  const warning = driftText(report);
  return [
    line(HEADER),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...body.map(line),
    '',
    ...(warning ? [warning] : []),
    ...targets,
  ].join('\n');
}

function statusText(m: GeneratedMeasurement): string {
  return Object.entries(m.statusCodes)
    .map(([code, count]) => `${formatNumber(count, 0)} × ${code}`)
    .join(', ');
}

export function walletMarkdown(report: WalletReport): string {
  const { machine, settings } = report;
  const memory = formatNumber(machine.totalMemoryGiB, 1);
  const load = machine.loadAverage.map((value) => formatNumber(value, 2)).join(' / ');
  const reference = pgbenchReference(report);
  const drift = pgbenchDrift(report);
  const warning = driftText(report);
  const targets = walletTargets(report);
  const scenarios: [string, ScenarioResult | null][] = [
    ['Sends on PostgreSQL', report.send],
    ['Hot account on PostgreSQL', report.hot],
    ['Sends on PGlite', report.pglite],
  ];
  const details = scenarios.flatMap(([title, s]) =>
    s
      ? [
          `- **${title}** (${formatNumber(s.fans, 0)} fans): responses (warm-up + measured) ${statusText(s.measurement)}; ` +
            `${formatNumber(s.measurement.totalRequests, 0)} in the measured ${s.measurement.durationSeconds} s; ` +
            `slowest ${formatNumber(s.measurement.slowestMs, 0)} ms. ` +
            `Audit: ok, ${formatNumber(s.audit.checkedTransactions, 0)} transactions re-hashed, no problems.` +
            (s.checks.length ? ` Also checked: ${s.checks.join('; ')}.` : ''),
        ]
      : [],
  );
  const pgbenchCommand = report.pgbenchBefore?.command ?? report.pgbenchAfter?.command ?? '(not run)';

  return [
    '# Wallet benchmark',
    '',
    '_Generated by `npx tsx bench/wallet.ts` (or `npm run bench -- --wallet`); overwritten on every full run._',
    '',
    `- Date: ${report.date.toISOString()}`,
    `- Machine: ${machine.cpuCount} CPUs (${machine.cpuModel}), ${memory} GiB RAM, ${machine.os}`,
    `- Load average (1 / 5 / 15 min) when the run started: ${load}`,
    `- Node ${machine.node}, PostgreSQL ${report.versions.postgres}, PGlite ${report.versions.pglite}, autocannon ${report.versions.autocannon}`,
    '',
    '## Results',
    '',
    markdownTable(HEADER, rows(report)),
    '',
    reference === null
      ? '- pgbench was not run.'
      : `- pgbench reference: ${formatNumber(reference, 0)} tps (mean of the runs before and after the platform` +
        (drift === null ? ')' : `, which differ by ${formatNumber(drift * 100, 1)}%)`),
    ...(warning ? ['', `**${warning}**`] : []),
    ...details,
    '',
    '## Targets',
    '',
    markdownTable(
      ['Target', 'Measured', 'Verdict'],
      targets.map((t) => [t.name, t.measured, `**${verdict(t.met)}**`]),
    ),
    '',
    'PGlite has no throughput target: its row shows what one process with the embedded database does.',
    '',
    '## Method',
    '',
    '- `bench/wallet.ts` runs the load generator (autocannon) in its own process and starts every platform under',
    '  test as a child process as `npm start` runs it (`node --max-semi-space-size=64 apps/server/dist/main.mjs`,',
    '  the bundle): one process, every service, in-memory event bus (`REDIS_URL` unset), `LOG_LEVEL=info`',
    '  to /dev/null, demo data off (`PCF_DEMO=0`), a platform admin from `PCF_ADMIN_EMAIL`/`PCF_ADMIN_PASSWORD`,',
    `  \`PCF_RATE_LIMIT_IP\`/\`PCF_RATE_LIMIT_USER\` = ${formatNumber(settings.rateLimit, 0)}/min so the limiter counts`,
    `  but never blocks, \`DATABASE_POOL_MAX\` = ${settings.poolMax} per service. One server runs at a time;`,
    '  everything (load generator, platform, PostgreSQL, pgbench) shares the same machine.',
    '- Order: pgbench, sends on PostgreSQL, hot account, sends on PGlite, pgbench again; the ratio uses the mean',
    '  of the two pgbench runs, which bracket the platform runs.',
    `- **pgbench**: \`pgbench -i -s ${settings.pgbenchScale}\` into a fresh database, a ${settings.warmupSeconds} s warm-up run`,
    `  (discarded), then \`${pgbenchCommand}\`; tps is pgbench's "without initial connection`,
    '  time"; its percentiles come from its per-transaction log (`-l`). The database is dropped afterwards.',
    `- **Sends on PostgreSQL**: a fresh database (\`CREATE DATABASE bench_wallet_<random>\`, dropped afterwards;`,
    `  the platform migrates it on start), ${formatNumber(settings.fans, 0)} fans signed up through`,
    `  \`POST /v1/auth/signup\` (${settings.signupConcurrency} at a time), each given an opening balance of`,
    `  ${settings.openingBalance} EUR. **The funding is a benchmark fixture written straight in SQL** (there is no`,
    '  admin funding endpoint, and the sandbox deposit flow is asynchronous): per fan one balanced `deposit`',
    "  transaction, system account `deposit_clearing:bench` −X and the fan's account +X, its two entries and a",
    '  completed activity row — the rows `services/wallet/src/wallet.demo.ts` writes through the ledger — with the',
    "  accounts' `posted` raised by exactly their entries, in one transaction (the deferred balance trigger checks",
    '  it). Then autocannon, 50 connections, pipelining 1, generates every request (`requests` + `setupRequest`):',
    '  a random sender (their bearer token) sends 1.00 EUR to a random other fan (by user id) with a unique',
    `  \`Idempotency-Key\`: ${settings.warmupSeconds} s warm-up (discarded), then ${settings.durationSeconds} s measured.`,
    '- **Hot account**: another fresh database and platform, the same number of fans signed up; autocannon posts',
    '  `POST /internal/wallet/credits` (the payment port over HTTP, with `x-pcf-service-token` = the',
    '  `PCF_SERVICE_TOKEN` given to the server) crediting 0.01 EUR of cashback to a random fan, every credit from',
    '  the same system account `cashback_pool:platform`, so every transaction locks that one row.',
    `- **PGlite**: the embedded default (no \`DATABASE_URL\`, fresh \`PCF_DATA_DIR\`), ${formatNumber(settings.pgliteFans, 0)} fans`,
    `  signed up and funded through the API (\`POST /v1/wallet/deposit\` ${settings.openingBalance} EUR by card, confirmed by the`,
    '  sandbox provider with `PCF_SANDBOX_CONFIRM_MS=0`, polled until confirmed), then the same sends.',
    '- Every response of every run (warm-ups included) must be 201 (sends) or 200 (credits), with no errors or',
    '  timeouts, or the run fails (exit code 1); a 422 (insufficient funds) would be reported as such — the',
    '  opening balances are large enough that none can happen.',
    '- After each platform run the benchmark signs in as the platform admin and calls',
    '  `GET /v1/wallet/admin/audit` (seals the journal, recomputes every balance from the entries, checks every',
    '  transaction balances and re-hashes the chain); anything but `ok: true` fails the run. On PostgreSQL it also',
    "  checks that the fans' total balance did not change (sends move money between fans) and that the cashback",
    '  pool lost exactly what the credits posted.',
    "- Operations/s is the mean of autocannon's per-second samples; latency percentiles are in whole",
    '  milliseconds. The targets are informational: a miss prints `TARGET MISSED`, the command still exits 0.',
    '- Options: `--quick` (or `BENCH_QUICK=1`) is a smoke run (2 s + 1 s warm-up, 100 fans, 20 on PGlite) that',
    '  does not write this file unless `BENCH_WALLET_OUTPUT` names one; `BENCH_DURATION`, `BENCH_WARMUP`,',
    '  `BENCH_CONNECTIONS`, `BENCH_WALLET_FANS`, `BENCH_WALLET_PGLITE_FANS`, `BENCH_PGBENCH_SCALE`,',
    '  `BENCH_PG_URL` (default `postgres://postgres@127.0.0.1:5432/postgres`), `BENCH_WALLET_SCENARIOS`',
    '  (e.g. `send,hot`), `BENCH_WALLET_CPU_PROF=<dir>` (runs each platform with `--cpu-prof`).',
    ...(report.notes ? ['', report.notes.trim()] : []),
    '',
  ].join('\n');
}

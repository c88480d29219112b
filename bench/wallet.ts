/**
 * Wallet benchmark: POST /v1/wallet/send on PostgreSQL against pgbench on the same server in the same run, a hot
 * account (every cashback credit from one pool) and sends on PGlite. Run it with `npx tsx bench/wallet.ts`
 * (or `npm run bench -- --wallet`); `--quick` for a smoke run. See docs/benchmarks-wallet.md.
 */
import { randomBytes, randomInt } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stopAllChildren, stopChild } from './lib/child.ts';
import {
  type AuditResult,
  BENCH_PASSWORD,
  depositForFans,
  type Fan,
  login,
  requireCleanAudit,
  signUpFans,
} from './lib/fans.ts';
import { runPgbench } from './lib/pgbench.ts';
import { startPlatform } from './lib/platform.ts';
import {
  type BenchDatabase,
  createDatabase,
  dropDatabase,
  fanTotal,
  fundFansInSql,
  queryOne,
  transactionCount,
} from './lib/postgres.ts';
import { machineFacts } from './lib/report.ts';
import { type GeneratedScenario, measureGenerated } from './lib/request-load.ts';
import {
  consoleSummary,
  type ScenarioResult,
  type WalletReport,
  walletMarkdown,
  walletTargets,
} from './lib/wallet-report.ts';
import { readWalletSettings, type WalletSettings } from './lib/wallet-settings.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const ADMIN_EMAIL = 'bench-admin@bench.paiecashfan.dev';
const SEND_AMOUNT = '1.00';
const CREDIT_AMOUNT = '0.01';
const ASSET = 'EUR';
const dataDirs: string[] = [];
const databases: BenchDatabase[] = [];

function say(message: string): void {
  process.stdout.write(`${message}\n`);
}

function seconds(since: number): number {
  return (performance.now() - since) / 1000;
}

async function packageVersion(name: string): Promise<string> {
  const parsed: unknown = JSON.parse(
    await readFile(join(root, 'node_modules', name, 'package.json'), 'utf8'),
  );
  return typeof parsed === 'object' &&
    parsed !== null &&
    'version' in parsed &&
    typeof parsed.version === 'string'
    ? parsed.version
    : 'unknown';
}

/** Unique per run and per request: every send and credit is a new operation, never an idempotent replay. */
function keyMaker(): () => string {
  const run = randomBytes(4).toString('hex');
  let counter = 0;
  return () => `bench-${run}-${(counter++).toString(36)}`;
}

function pickTwo(count: number): [number, number] {
  const a = randomInt(count);
  const b = (a + 1 + randomInt(count - 1)) % count;
  return [a, b];
}

interface PlatformRun {
  baseUrl: string;
  serviceToken: string;
}

/**
 * Starts the platform (one process, all services, in-memory bus) with the benchmark's environment, runs `body`
 * against it and stops it. `database` null: PGlite in a fresh data directory.
 */
async function withPlatform<T>(
  settings: WalletSettings,
  name: string,
  database: BenchDatabase | null,
  extraEnv: Record<string, string>,
  body: (platform: PlatformRun) => Promise<T>,
): Promise<T> {
  const serviceToken = randomBytes(32).toString('hex');
  const env: Record<string, string> = {
    DATABASE_URL: database?.url ?? '',
    REDIS_URL: '',
    PCF_DEMO: '0',
    PCF_SERVICE_TOKEN: serviceToken,
    PCF_ADMIN_EMAIL: ADMIN_EMAIL,
    PCF_ADMIN_PASSWORD: BENCH_PASSWORD,
    ...extraEnv,
  };
  const extraNodeFlags: string[] = [];
  if (settings.cpuProfileDir) {
    // One directory per platform run: Node writes one profile per thread (main, tsx's loader worker).
    const dir = resolve(settings.cpuProfileDir, `${name}-${Date.now()}`);
    await mkdir(dir, { recursive: true });
    extraNodeFlags.push('--cpu-prof', `--cpu-prof-dir=${dir}`);
  }
  say(`  starting the platform (${name}: ${database ? `PostgreSQL database ${database.name}` : 'PGlite'})…`);
  const platform = await startPlatform({ root, rateLimit: settings.rateLimit, env, name, extraNodeFlags });
  dataDirs.push(platform.dataDir);
  try {
    return await body({ baseUrl: platform.server.baseUrl, serviceToken });
  } finally {
    await stopChild(platform.server, 30_000);
  }
}

async function signUp(settings: WalletSettings, baseUrl: string, count: number): Promise<Fan[]> {
  const started = performance.now();
  const fans = await signUpFans(baseUrl, count, settings.signupConcurrency);
  say(`  signed up ${fans.length} fans in ${seconds(started).toFixed(1)} s`);
  return fans;
}

async function audit(baseUrl: string, label: string): Promise<AuditResult> {
  const started = performance.now();
  const result = await requireCleanAudit(baseUrl, await login(baseUrl, ADMIN_EMAIL, BENCH_PASSWORD), label);
  say(
    `  ledger audit: ok (${result.checkedTransactions.toLocaleString('en-US')} transactions re-hashed, ` +
      `${seconds(started).toFixed(1)} s)`,
  );
  return result;
}

function sendScenario(label: string, baseUrl: string, fans: Fan[]): GeneratedScenario {
  const nextKey = keyMaker();
  return {
    label,
    baseUrl,
    url: 'POST /v1/wallet/send',
    expectStatus: 201,
    next: () => {
      const [from, to] = pickTwo(fans.length);
      return {
        path: '/v1/wallet/send',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${fans[from]!.token}`,
          'idempotency-key': nextKey(),
        },
        body: JSON.stringify({ to: fans[to]!.id, amount: SEND_AMOUNT, asset: ASSET }),
      };
    },
  };
}

async function withDatabase<T>(
  settings: WalletSettings,
  body: (database: BenchDatabase) => Promise<T>,
): Promise<T> {
  const database = await createDatabase(settings.pgServer, 'bench_wallet');
  databases.push(database);
  try {
    return await body(database);
  } finally {
    await dropDatabase(settings.pgServer, database);
    databases.splice(databases.indexOf(database), 1);
  }
}

/** Sends between funded fans on PostgreSQL. */
async function measureSends(settings: WalletSettings): Promise<ScenarioResult> {
  say('\nsends on PostgreSQL:');
  return withDatabase(settings, (database) =>
    withPlatform(settings, 'platform-pg-send', database, {}, async ({ baseUrl }) => {
      const fans = await signUp(settings, baseUrl, settings.fans);
      const opening = BigInt(settings.openingBalance.replace('.', ''));
      await fundFansInSql(
        database,
        fans.map((fan) => fan.id),
        ASSET,
        opening,
      );
      const before = await fanTotal(database, ASSET);
      if (before !== opening * BigInt(fans.length))
        throw new Error(`funding: fans hold ${before}, expected more`);
      say(`  funded ${fans.length} fans with ${settings.openingBalance} ${ASSET} each (SQL fixture)`);
      const measurement = await measureGenerated(
        sendScenario('PostgreSQL: POST /v1/wallet/send', baseUrl, fans),
        settings,
      );
      say(
        `    ${Math.round(measurement.requestsPerSecond).toLocaleString('en-US')} sends/s, p99 ${measurement.latencyP99} ms`,
      );
      const result = await audit(baseUrl, 'sends on PostgreSQL');
      const after = await fanTotal(database, ASSET);
      if (after !== before)
        throw new Error(`sends changed the fans' total: ${before} before, ${after} after`);
      const transfers = await transactionCount(database, 'transfer');
      if (transfers < measurement.succeeded) {
        throw new Error(
          `${measurement.succeeded} sends answered 201 but only ${transfers} transfers were posted`,
        );
      }
      const checks = [
        `fans' total balance unchanged (${formatMinor(after)} ${ASSET})`,
        `${transfers.toLocaleString('en-US')} transfers posted for ${measurement.succeeded.toLocaleString('en-US')} responses 201 ` +
          '(requests still in flight when autocannon stopped may commit after it counted)',
      ];
      return { measurement, fans: fans.length, audit: result, checks };
    }),
  );
}

const SPLIT = { PCF_SERVICES: 'identity,wallet' };

/** Cashback credits, all from the platform's one cashback pool (a single hot system account). */
async function measureHotAccount(settings: WalletSettings): Promise<ScenarioResult> {
  say('\nhot account on PostgreSQL (all credits from cashback_pool:platform):');
  return withDatabase(settings, (database) =>
    // identity and wallet as one split process: only a split process serves /internal (the port over HTTP).
    withPlatform(settings, 'platform-pg-hot', database, SPLIT, async ({ baseUrl, serviceToken }) => {
      const fans = await signUp(settings, baseUrl, settings.fans);
      const nextKey = keyMaker();
      const scenario: GeneratedScenario = {
        label: 'PostgreSQL: POST /internal/wallet/credits (one pool)',
        baseUrl,
        url: 'POST /internal/wallet/credits',
        expectStatus: 200,
        next: () => ({
          path: '/internal/wallet/credits',
          headers: { 'content-type': 'application/json', 'x-pcf-service-token': serviceToken },
          body: JSON.stringify({
            idempotencyKey: nextKey(),
            userId: fans[randomInt(fans.length)]!.id,
            amount: CREDIT_AMOUNT,
            asset: ASSET,
            reason: 'cashback',
          }),
        }),
      };
      const measurement = await measureGenerated(scenario, settings);
      say(
        `    ${Math.round(measurement.requestsPerSecond).toLocaleString('en-US')} credits/s, p99 ${measurement.latencyP99} ms`,
      );
      const result = await audit(baseUrl, 'hot account on PostgreSQL');
      // One statement, one snapshot: a credit still in flight when the load stops lands in both or neither.
      const pool = await queryOne<{ posted: string; credits: number }>(
        database,
        `SELECT (SELECT posted::text FROM wallet.accounts
                  WHERE owner_type = 'system' AND owner_id = 'cashback_pool:platform') AS posted,
                (SELECT count(*)::int FROM wallet.transactions WHERE kind = 'credit') AS credits`,
      );
      const credits = pool.credits;
      if (credits < measurement.succeeded) {
        throw new Error(`${measurement.succeeded} credits answered 200 but only ${credits} were posted`);
      }
      const checks = [
        `${credits.toLocaleString('en-US')} credits posted for ${measurement.succeeded.toLocaleString('en-US')} responses 200`,
        `cashback_pool:platform balance ${formatMinor(BigInt(pool.posted))} ${ASSET} = −${credits.toLocaleString('en-US')} × ${CREDIT_AMOUNT}: ` +
          (BigInt(pool.posted) === -BigInt(credits) ? 'yes' : 'NO'),
      ];
      if (BigInt(pool.posted) !== -BigInt(credits)) throw new Error(`hot account: ${checks[1]}`);
      return { measurement, fans: fans.length, audit: result, checks };
    }),
  );
}

/** Sends on the embedded default (PGlite, one process); fans funded through the sandbox deposit flow. */
async function measurePglite(settings: WalletSettings): Promise<ScenarioResult> {
  say('\nsends on PGlite:');
  return withPlatform(
    settings,
    'platform-pglite-send',
    null,
    { PCF_SANDBOX_CONFIRM_MS: '0' },
    async ({ baseUrl }) => {
      const fans = await signUp(settings, baseUrl, settings.pgliteFans);
      const started = performance.now();
      await depositForFans(baseUrl, fans, settings.openingBalance, ASSET, settings.signupConcurrency);
      say(
        `  funded ${fans.length} fans with ${settings.openingBalance} ${ASSET} each (sandbox deposits, ${seconds(started).toFixed(1)} s)`,
      );
      const measurement = await measureGenerated(
        sendScenario('PGlite: POST /v1/wallet/send', baseUrl, fans),
        settings,
      );
      say(
        `    ${Math.round(measurement.requestsPerSecond).toLocaleString('en-US')} sends/s, p99 ${measurement.latencyP99} ms`,
      );
      const result = await audit(baseUrl, 'sends on PGlite');
      return { measurement, fans: fans.length, audit: result, checks: [] };
    },
  );
}

function formatMinor(minor: bigint): string {
  const sign = minor < 0n ? '−' : '';
  const digits = (minor < 0n ? -minor : minor).toString().padStart(3, '0');
  return `${sign}${Number(digits.slice(0, -2)).toLocaleString('en-US')}.${digits.slice(-2)}`;
}

async function main(): Promise<void> {
  const settings = readWalletSettings();
  const date = new Date();
  const machine = machineFacts();
  const has = (name: WalletSettings['scenarios'][number]) => settings.scenarios.includes(name);
  say(
    `bench:wallet — ${settings.connections} connections, ${settings.warmupSeconds} s warm-up + ` +
      `${settings.durationSeconds} s per scenario, ${settings.fans} fans (PGlite: ${settings.pgliteFans})` +
      `${settings.quick ? ' (quick mode)' : ''}; scenarios: ${settings.scenarios.join(', ')}`,
  );
  const pgbench = (when: string) =>
    runPgbench(
      {
        server: settings.pgServer,
        scale: settings.pgbenchScale,
        clients: settings.connections,
        threads: settings.pgbenchThreads,
        warmupSeconds: settings.warmupSeconds,
        durationSeconds: settings.durationSeconds,
      },
      `pgbench -b tpcb-like (${when})`,
    ).then((result) => {
      say(
        `  ${result.label}: ${Math.round(result.tps).toLocaleString('en-US')} tps, p99 ${result.latencyP99} ms`,
      );
      return result;
    });

  if (has('pgbench')) say('\npgbench (before):');
  const pgbenchBefore = has('pgbench') ? await pgbench('before') : null;
  const send = has('send') ? await measureSends(settings) : null;
  const hot = has('hot') ? await measureHotAccount(settings) : null;
  const pglite = has('pglite') ? await measurePglite(settings) : null;
  if (has('pgbench')) say('\npgbench (after):');
  const pgbenchAfter = has('pgbench') ? await pgbench('after') : null;

  const postgres = (
    await queryOne<{ server_version: string }>(
      { name: 'postgres', url: settings.pgServer },
      'SHOW server_version',
    )
  ).server_version;
  const report: WalletReport = {
    date,
    machine,
    settings,
    versions: {
      autocannon: await packageVersion('autocannon'),
      pglite: await packageVersion('@electric-sql/pglite'),
      postgres,
    },
    pgbenchBefore,
    pgbenchAfter,
    send,
    hot,
    pglite,
    notes: await readFile(join(root, 'bench', 'wallet-findings.md'), 'utf8').catch(() => null),
  };
  say('');
  say(consoleSummary(report));
  if (settings.outputPath !== null) {
    const path = resolve(root, settings.outputPath);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, walletMarkdown(report));
    say(`report written to ${settings.outputPath}`);
  } else {
    say('quick or partial run: report not written (set BENCH_WALLET_OUTPUT=<file> to write one)');
  }
  if (walletTargets(report).some((target) => target.met === false))
    say('(the targets are informational: exiting 0)');
}

async function cleanUp(): Promise<void> {
  await stopAllChildren();
  await Promise.all(dataDirs.map((dir) => rm(dir, { recursive: true, force: true }).catch(() => undefined)));
  const settings = readWalletSettings();
  await Promise.all(databases.map((db) => dropDatabase(settings.pgServer, db).catch(() => undefined)));
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    process.stderr.write(`\n${signal}: stopping the servers and dropping the benchmark databases…\n`);
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

import { randomUUID } from 'node:crypto';
import { identityModule } from '@pcf/identity';
import {
  type Database,
  MemoryBroadcaster,
  MemoryRateLimitStore,
  Outbox,
  type ServiceContext,
  type ServiceModule,
  type ServiceName,
} from '@pcf/kernel';
import {
  adminLogin,
  FAN_PASSWORD,
  FIXTURE_WEBHOOK_SECRET,
  login,
  newFan,
  startFixturePlatform,
  type TestBackend,
  type TestPlatform,
} from '@pcf/kernel/testing';
import { SANDBOX_WEBHOOK_PATH } from '../src/providers/sandbox-provider.ts';
import { SIGNATURE_HEADER, signPayload } from '../src/providers/webhook-signature.ts';
import { assembleWallet, walletModule } from '../src/wallet.module.ts';

/** The platform's sandbox webhook secret (the fixture platform's), which the simulation signs deliveries with. */
export const WEBHOOK_SECRET = FIXTURE_WEBHOOK_SECRET;
/** setTimeout's ceiling is 2^31-1 ms: the simulation's own sandbox never confirms on its own. */
const NEVER_MS = 2_000_000_000;
const TOKEN_MAX_AGE_MS = 10 * 60_000;

export type WalletParts = ReturnType<typeof assembleWallet>;

export interface Fan {
  id: string;
  email: string;
  handle: string;
  token: string;
  tokenAt: number;
}

/**
 * A platform (identity + wallet) plus a second assembly of the wallet on the same database, as another process
 * of the platform would have: the simulation calls its services directly. Its sandbox provider never delivers
 * webhooks by itself (the simulation delivers them); the platform's own sandbox (used by HTTP deposits)
 * confirms at once (PCF_SANDBOX_CONFIRM_MS=0).
 */
export interface SimPlatform {
  backend: TestBackend['name'];
  t: TestPlatform;
  db: Database;
  wallet: WalletParts;
  /** How many payments the simulation's sandbox was asked to create. */
  providerPayments(): number;
  close(): Promise<void>;
}

export async function bootSimulationPlatform(
  backend: TestBackend,
  env: Record<string, string> = {},
): Promise<SimPlatform> {
  const t = await startFixturePlatform(
    backend,
    [identityModule as ServiceModule, walletModule as ServiceModule],
    {
      env: { PCF_HOLD_TTL_SECONDS: String(7 * 86_400), ...env },
    },
  );
  const db = t.platform.database('wallet');
  const ctx: ServiceContext = {
    name: 'wallet',
    config: { ...t.platform.config, sandboxConfirmMs: NEVER_MS },
    db,
    logger: t.platform.app.log.child({ service: 'wallet-simulation' }),
    outbox: new Outbox('wallet', 'wallet'),
    transaction: (fn) => db.transaction(fn),
    ports: { get: <Port>(name: ServiceName) => t.platform.port<Port>(name) },
    rateLimits: new MemoryRateLimitStore(),
    broadcaster: new MemoryBroadcaster(),
    selfRequest: async ({ method, url, headers, body }) => {
      const response = await t.platform.app.inject({
        method,
        url,
        headers,
        ...(body === undefined ? {} : { payload: body }),
      });
      return { statusCode: response.statusCode, body: response.body };
    },
  };
  const wallet = assembleWallet(ctx);
  let payments = 0;
  const createPayment = wallet.sandbox.createPayment.bind(wallet.sandbox);
  wallet.sandbox.createPayment = (request) => {
    payments++;
    return createPayment(request);
  };
  await installFaultInjection(db);
  return {
    backend: backend.name,
    t,
    db,
    wallet,
    providerPayments: () => payments,
    async close() {
      await wallet.sandbox.stop();
      await t.close();
    },
  };
}

export async function signupFan(t: TestPlatform, name: string): Promise<Fan> {
  const email = `${name.toLowerCase().replace(/\W/g, '')}-${randomUUID().slice(0, 8)}@sim.test`;
  const fan = await newFan(t, name, { email });
  return { id: fan.id, email, handle: fan.handle, token: fan.token, tokenAt: Date.now() };
}

/** The fan's access token, renewed before it expires (long simulations outlive the 15-minute tokens). */
export async function tokenOf(t: TestPlatform, fan: Fan): Promise<string> {
  if (Date.now() - fan.tokenAt > TOKEN_MAX_AGE_MS) {
    fan.token = (await login(t, fan.email, FAN_PASSWORD)).token;
    fan.tokenAt = Date.now();
  }
  return fan.token;
}

export interface AuditResult {
  ok: boolean;
  checkedTransactions: number;
  unsealedTransactions: number;
  problems: string[];
}

/** GET /v1/wallet/admin/audit as the platform admin: seals the journal and audits the whole ledger. */
export async function auditLedger(t: TestPlatform): Promise<AuditResult> {
  const { token } = await adminLogin(t);
  const response = await t.request({ method: 'GET', url: '/v1/wallet/admin/audit', token });
  if (response.statusCode !== 200) throw new Error(`audit failed: ${response.statusCode} ${response.body}`);
  return response.json() as AuditResult;
}

/** Posts a provider webhook through the platform's HTTP stack, signed like the sandbox signs it. */
export async function postWebhook(
  t: TestPlatform,
  body: string,
  signature = signPayload(WEBHOOK_SECRET, body),
): Promise<{ status: number; applied: boolean | undefined }> {
  const response = await t.request({
    method: 'POST',
    url: SANDBOX_WEBHOOK_PATH,
    headers: { 'content-type': 'application/json', [SIGNATURE_HEADER]: signature },
    body,
  });
  const parsed = response.statusCode === 200 ? (response.json() as { applied: boolean }) : undefined;
  return { status: response.statusCode, applied: parsed?.applied };
}

// ---------------------------------------------------------------------------------------------------------
// Fault injection: a test-only trigger on the wallet's tables raises an error at a chosen point
// ("<table>:<insert|update>", on its nth row) while a row in wallet.sim_faults arms it.

export const FAULT_POINTS = [
  'accounts:insert',
  'accounts:update',
  'transactions:insert',
  'entries:insert',
  'holds:insert',
  'holds:update',
  'deposits:insert',
  'deposits:update',
  'webhook_events:insert',
  'quotes:insert',
  'quotes:update',
  'activity:insert',
  'activity:update',
  'idempotency_keys:insert',
  'idempotency_keys:update',
  'outbox:insert',
] as const;
export type FaultPoint = (typeof FAULT_POINTS)[number];

const FAULT_TABLES = [...new Set(FAULT_POINTS.map((p) => p.split(':')[0]!))];

async function installFaultInjection(db: Database): Promise<void> {
  await db.query(`
    CREATE TABLE IF NOT EXISTS wallet.sim_faults (
      point text PRIMARY KEY, nth integer NOT NULL, seen integer NOT NULL DEFAULT 0);
    -- Sequences ignore rollbacks: this one remembers that a fault fired although its transaction rolled back.
    CREATE SEQUENCE IF NOT EXISTS wallet.sim_fault_fired;
    CREATE OR REPLACE FUNCTION wallet.sim_fault() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE hit boolean;
    BEGIN
      UPDATE wallet.sim_faults SET seen = seen + 1 WHERE point = TG_TABLE_NAME || ':' || lower(TG_OP)
        RETURNING seen >= nth INTO hit;
      IF hit THEN
        PERFORM nextval('wallet.sim_fault_fired');
        RAISE EXCEPTION 'sim_fault: injected failure at %:%', TG_TABLE_NAME, lower(TG_OP);
      END IF;
      RETURN NULL;
    END $$;
    ${FAULT_TABLES.map(
      (table) => `DROP TRIGGER IF EXISTS sim_fault ON wallet.${table};
      CREATE TRIGGER sim_fault AFTER INSERT OR UPDATE ON wallet.${table}
        FOR EACH ROW EXECUTE FUNCTION wallet.sim_fault();`,
    ).join('\n')}
  `);
}

async function faultsFired(db: Database): Promise<number> {
  const result = await db.query<{ fired: string }>(
    'SELECT (CASE WHEN is_called THEN last_value ELSE 0 END)::text AS fired FROM wallet.sim_fault_fired',
  );
  return Number(result.rows[0]!.fired);
}

/** Arms a fault at the point's nth row; returns a token for disarmFault. */
export async function armFault(db: Database, point: FaultPoint, nth: number): Promise<number> {
  await db.query('DELETE FROM wallet.sim_faults');
  await db.query('INSERT INTO wallet.sim_faults (point, nth) VALUES ($1, $2)', [point, nth]);
  return faultsFired(db);
}

/** Disarms the fault; true when it fired (even though the transaction it broke rolled back). */
export async function disarmFault(db: Database, armed: number): Promise<boolean> {
  await db.query('DELETE FROM wallet.sim_faults');
  return (await faultsFired(db)) > armed;
}

export function isInjectedFault(error: unknown): boolean {
  return error instanceof Error && error.message.includes('sim_fault');
}

// ---------------------------------------------------------------------------------------------------------
// Probes: what the invariant checks read, each in one round trip.

export interface AccountRow {
  id: string;
  ownerType: 'fan' | 'system';
  ownerId: string;
  asset: string;
  posted: string;
  pending: string;
}

export interface StepProbe {
  /** md5 over the tracked non-zero accounts: "ownerType|ownerId|asset|posted|pending", by key, ";"-joined. */
  accountsDigest: string;
  /** md5 over the fans' active holds: "userId|asset|Σ amount", by key, ";"-joined. */
  holdsDigest: string;
  newEntries: {
    accountId: string;
    ownerType: string;
    ownerId: string;
    asset: string;
    sum: string;
    n: number;
    maxId: string;
  }[];
  newTransactions: { n: number; max: string };
  newOutbox: { n: number; max: string };
  holds: { id: string; status: string; captured: string; refunded: string }[];
  deposits: { id: string; status: string; failureCode: string | null }[];
}

const parseJson = <T>(value: unknown): T => (typeof value === 'string' ? JSON.parse(value) : value) as T;

/**
 * Cheap, per-step, one round trip: digests of every tracked account and of the active holds (compared with the
 * model's), the entries, transactions and events added since the last probe (the ledger is append-only, so the
 * sums of new entries extend the previous recomputation), and the rows of the holds and deposits the step touched.
 */
export async function probeStep(
  db: Database,
  since: { entryId: string; transactionSeq: string; outboxSeq: string },
  fanIds: string[],
  holdIds: string[],
  depositIds: string[],
): Promise<StepProbe> {
  const result = await db.query<Record<keyof StepProbe, unknown>>(
    `SELECT
      (SELECT md5(coalesce(string_agg(a.owner_type || '|' || a.owner_id || '|' || a.asset || '|' || a.posted::text
          || '|' || a.pending::text, ';' ORDER BY (a.owner_type || '|' || a.owner_id || '|' || a.asset) COLLATE "C"), ''))
         FROM wallet.accounts a WHERE (a.owner_type = 'system' OR a.owner_id = ANY($4::text[]))
           AND (a.posted <> 0 OR a.pending <> 0)) AS "accountsDigest",
      (SELECT md5(coalesce(string_agg(h.k || '|' || h.s::text, ';' ORDER BY h.k COLLATE "C"), ''))
         FROM (SELECT user_id::text || '|' || asset AS k, sum(amount) AS s FROM wallet.holds
               WHERE status = 'active' AND user_id::text = ANY($4::text[]) GROUP BY 1) h) AS "holdsDigest",
      (SELECT coalesce(json_agg(json_build_object('accountId', e.account_id, 'ownerType', a.owner_type,
          'ownerId', a.owner_id, 'asset', e.asset, 'sum', e.s::text, 'n', e.n, 'maxId', e.m::text)), '[]'::json)
         FROM (SELECT account_id, asset, sum(amount) AS s, count(*) AS n, max(id) AS m FROM wallet.entries
               WHERE id > $1::bigint GROUP BY account_id, asset) e
         JOIN wallet.accounts a ON a.id = e.account_id) AS "newEntries",
      (SELECT json_build_object('n', count(*), 'max', coalesce(max(seq), $2::bigint)::text)
         FROM wallet.transactions WHERE seq > $2::bigint) AS "newTransactions",
      (SELECT json_build_object('n', count(*), 'max', coalesce(max(seq), $3::bigint)::text)
         FROM wallet.outbox WHERE seq > $3::bigint) AS "newOutbox",
      (SELECT coalesce(json_agg(json_build_object('id', id, 'status', status, 'captured', captured::text,
          'refunded', refunded::text)), '[]'::json)
         FROM wallet.holds WHERE id = ANY($5::uuid[])) AS "holds",
      (SELECT coalesce(json_agg(json_build_object('id', id, 'status', status, 'failureCode', failure_code)),
          '[]'::json)
         FROM wallet.deposits WHERE id = ANY($6::uuid[])) AS "deposits"`,
    [since.entryId, since.transactionSeq, since.outboxSeq, fanIds, holdIds, depositIds],
  );
  const row = result.rows[0]!;
  return {
    accountsDigest: String(row.accountsDigest),
    holdsDigest: String(row.holdsDigest),
    newEntries: parseJson(row.newEntries),
    newTransactions: parseJson(row.newTransactions),
    newOutbox: parseJson(row.newOutbox),
    holds: parseJson(row.holds),
    deposits: parseJson(row.deposits),
  };
}

/** The tracked accounts and the fans' active holds per account, row by row (to explain a digest mismatch). */
export async function probeAccounts(
  db: Database,
  fanIds: string[],
): Promise<{ accounts: AccountRow[]; activeHolds: { accountId: string; sum: string }[] }> {
  const result = await db.query<{ accounts: unknown; active_holds: unknown }>(
    `SELECT
      (SELECT coalesce(json_agg(json_build_object('id', a.id, 'ownerType', a.owner_type, 'ownerId', a.owner_id,
          'asset', a.asset, 'posted', a.posted::text, 'pending', a.pending::text)), '[]'::json)
         FROM wallet.accounts a WHERE a.owner_type = 'system' OR a.owner_id = ANY($1::text[])) AS accounts,
      (SELECT coalesce(json_agg(json_build_object('accountId', h.account_id, 'sum', h.s::text)), '[]'::json)
         FROM (SELECT account_id, sum(amount) AS s FROM wallet.holds
               WHERE status = 'active' AND user_id::text = ANY($1::text[]) GROUP BY account_id) h) AS active_holds`,
    [fanIds],
  );
  const row = result.rows[0]!;
  return { accounts: parseJson(row.accounts), activeHolds: parseJson(row.active_holds) };
}

export interface Counts {
  transactions: number;
  entries: number;
  outbox: number;
  activity: number;
  operations: number;
  holds: number;
  deposits: number;
  webhookEvents: number;
  quotes: number;
}

const COUNTS_SQL = `json_build_object(
  'transactions', (SELECT count(*) FROM wallet.transactions),
  'entries', (SELECT count(*) FROM wallet.entries),
  'outbox', (SELECT count(*) FROM wallet.outbox),
  'activity', (SELECT count(*) FROM wallet.activity),
  'operations', (SELECT count(*) FROM wallet.idempotency_keys),
  'holds', (SELECT count(*) FROM wallet.holds),
  'deposits', (SELECT count(*) FROM wallet.deposits),
  'webhookEvents', (SELECT count(*) FROM wallet.webhook_events),
  'quotes', (SELECT count(*) FROM wallet.quotes))`;

function toCounts(value: unknown): Counts {
  const counts = parseJson<Record<keyof Counts, number | string>>(value);
  return Object.fromEntries(Object.entries(counts).map(([k, v]) => [k, Number(v)])) as unknown as Counts;
}

/** Row counts of the wallet's tables (after an injected fault: nothing may have been left behind). */
export async function probeCounts(db: Database): Promise<Counts> {
  const result = await db.query<{ counts: unknown }>(`SELECT ${COUNTS_SQL} AS counts`);
  return toCounts(result.rows[0]!.counts);
}

export interface FullProbe {
  counts: Counts;
  maxEntryId: string;
  maxTransactionSeq: string;
  maxOutboxSeq: string;
  /** Per asset, over the whole ledger: must all be 0. */
  assetSums: { asset: string; sum: string }[];
  /** Transactions whose entries do not balance in some asset (must be empty). */
  unbalancedTransactions: number;
  /** Accounts whose stored posted/pending disagree with their entries / active holds (must be empty). */
  mismatches: { id: string; posted: string; fromEntries: string; pending: string; fromHolds: string }[];
  /** Per account: Σ entries (to seed the incremental recomputation). */
  entrySums: { accountId: string; sum: string }[];
  /** The fans' history read model per asset: Σ completed amounts, Σ pending payment holds, pending deposits. */
  activity: {
    userId: string;
    asset: string;
    completed: string;
    pendingPayments: string;
    pendingDeposits: number;
  }[];
  holdStatuses: { userId: string; status: string; n: number }[];
  depositStatuses: { userId: string; status: string; n: number }[];
}

/** Expensive, periodic: counts, whole-ledger sums and recomputations, the activity read model. */
export async function probeFull(db: Database, fanIds: string[]): Promise<FullProbe> {
  const result = await db.query<Record<string, unknown>>(
    `SELECT
      ${COUNTS_SQL} AS counts,
      (SELECT coalesce(max(id), 0)::text FROM wallet.entries) AS max_entry_id,
      (SELECT coalesce(max(seq), 0)::text FROM wallet.transactions) AS max_transaction_seq,
      (SELECT coalesce(max(seq), 0)::text FROM wallet.outbox) AS max_outbox_seq,
      (SELECT coalesce(json_agg(json_build_object('asset', asset, 'sum', s::text)), '[]'::json)
         FROM (SELECT asset, sum(amount) AS s FROM wallet.entries GROUP BY asset) x) AS asset_sums,
      (SELECT count(*) FROM (SELECT 1 FROM wallet.entries GROUP BY transaction_id, asset HAVING sum(amount) <> 0) x)
         AS unbalanced_transactions,
      (SELECT coalesce(json_agg(json_build_object('id', a.id, 'posted', a.posted::text,
          'fromEntries', coalesce(e.total, 0)::text, 'pending', a.pending::text,
          'fromHolds', coalesce(h.total, 0)::text)), '[]'::json)
         FROM wallet.accounts a
         LEFT JOIN (SELECT account_id, sum(amount) AS total FROM wallet.entries GROUP BY account_id) e
           ON e.account_id = a.id
         LEFT JOIN (SELECT account_id, sum(amount) AS total FROM wallet.holds WHERE status = 'active'
                    GROUP BY account_id) h ON h.account_id = a.id
         WHERE a.posted <> coalesce(e.total, 0) OR a.pending <> coalesce(h.total, 0)) AS mismatches,
      (SELECT coalesce(json_agg(json_build_object('accountId', account_id, 'sum', s::text)), '[]'::json)
         FROM (SELECT account_id, sum(amount) AS s FROM wallet.entries GROUP BY account_id) x) AS entry_sums,
      (SELECT coalesce(json_agg(json_build_object('userId', user_id, 'asset', asset, 'completed', c::text,
          'pendingPayments', p::text, 'pendingDeposits', d)), '[]'::json)
         FROM (SELECT user_id, asset,
                 coalesce(sum(amount) FILTER (WHERE status = 'completed'), 0) AS c,
                 coalesce(sum(-amount) FILTER (WHERE status = 'pending' AND type = 'payment'), 0) AS p,
                 count(*) FILTER (WHERE status = 'pending' AND type = 'deposit') AS d
               FROM wallet.activity WHERE user_id::text = ANY($1::text[]) GROUP BY user_id, asset) x) AS activity,
      (SELECT coalesce(json_agg(json_build_object('userId', user_id, 'status', status, 'n', n)), '[]'::json)
         FROM (SELECT user_id, status, count(*) AS n FROM wallet.holds WHERE user_id::text = ANY($1::text[])
               GROUP BY user_id, status) x) AS hold_statuses,
      (SELECT coalesce(json_agg(json_build_object('userId', user_id, 'status', status, 'n', n)), '[]'::json)
         FROM (SELECT user_id, status, count(*) AS n FROM wallet.deposits WHERE user_id::text = ANY($1::text[])
               GROUP BY user_id, status) x) AS deposit_statuses`,
    [fanIds],
  );
  const row = result.rows[0]!;
  return {
    counts: toCounts(row.counts),
    maxEntryId: String(row.max_entry_id),
    maxTransactionSeq: String(row.max_transaction_seq),
    maxOutboxSeq: String(row.max_outbox_seq),
    assetSums: parseJson(row.asset_sums),
    unbalancedTransactions: Number(row.unbalanced_transactions),
    mismatches: parseJson(row.mismatches),
    entrySums: parseJson(row.entry_sums),
    activity: parseJson(row.activity),
    holdStatuses: parseJson(row.hold_statuses),
    depositStatuses: parseJson(row.deposit_statuses),
  };
}

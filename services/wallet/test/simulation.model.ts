import { createHash, randomUUID } from 'node:crypto';
import { type Asset, DomainError, formatMinor } from '@pcf/kernel';
import { ConfigPriceFeed, convertMinor, type PriceFeed } from '../src/prices.ts';
import type { ProviderEvent } from '../src/providers/payment-provider.ts';
import { sandboxOutcome } from '../src/providers/sandbox-provider.ts';
import { signPayload } from '../src/providers/webhook-signature.ts';
import {
  armFault,
  type Counts,
  disarmFault,
  type Fan,
  type FaultPoint,
  isInjectedFault,
  postWebhook,
  probeAccounts,
  probeCounts,
  probeFull,
  probeStep,
  type SimPlatform,
  tokenOf,
  WEBHOOK_SECRET,
} from './simulation.harness.ts';

// ---------------------------------------------------------------------------------------------------------
// Commands: abstract operations. Indices (fan, hold, deposit, quote, record) refer to the model's lists and are
// taken modulo their length, so any generator (the seeded PRNG or fast-check) produces valid commands.

export type Via = 'http' | 'service';
export type WebhookKind = 'deliver' | 'redeliver' | 'duplicate' | 'mismatch' | 'fail' | 'forged' | 'unknown';
export type DebitPart = { kind: 'send-service' | 'send-http' | 'hold'; to: number; minor: bigint };

export type Command =
  | { op: 'credit'; fan: number; asset: Asset; minor: bigint; partner: string | null }
  | {
      op: 'send';
      from: number;
      to: number;
      asset: Asset;
      minor: bigint;
      via: Via;
      toRef: 'id' | 'email' | 'handle';
    }
  | { op: 'hold'; fan: number; asset: Asset; minor: bigint; merchant: string }
  | { op: 'capture'; hold: number; mode: 'full' | 'exact' | 'partial' | 'over'; pick: number }
  | { op: 'void'; hold: number }
  | { op: 'refund'; hold: number; mode: 'rest' | 'part' | 'over'; pick: number }
  | { op: 'expire'; hold: number }
  | { op: 'sweep' }
  | {
      op: 'convert';
      fan: number;
      from: Asset;
      to: Asset;
      minor: bigint;
      via: Via;
      variant: 'normal' | 'expired' | 'foreign';
    }
  | { op: 'reconvert'; quote: number; via: Via }
  | {
      op: 'deposit';
      fan: number;
      asset: Asset;
      minor: bigint;
      via: Via;
      method: 'card' | 'bank_transfer' | 'crypto';
    }
  | { op: 'webhook'; deposit: number; kind: WebhookKind }
  | { op: 'retry'; record: number; variant: 'same' | 'different' | 'service' }
  | { op: 'fault'; point: FaultPoint; nth: number; inner: Command }
  | { op: 'debitBurst'; fan: number; asset: Asset; parts: DebitPart[] }
  | { op: 'sameKeyBurst'; copies: number; inner: Command }
  | { op: 'holdRace'; hold: number }
  | { op: 'webhookRace'; deposit: number; copies: number }
  | { op: 'sweepRace' };

export function describeCommand(command: Command): string {
  return JSON.stringify(command, (_key, value) => (typeof value === 'bigint' ? `${value}n` : value));
}

// ---------------------------------------------------------------------------------------------------------
// The model.

export const MERCHANTS = ['shop', 'tickets', 'esim'] as const;
export const PARTNERS = [null, 'club-a', 'club-b'] as const;

export interface HoldModel {
  id: string;
  fan: number;
  asset: Asset;
  merchant: string;
  amount: bigint;
  captured: bigint;
  refunded: bigint;
  status: 'active' | 'captured' | 'voided' | 'expired';
  /** Its expiry was moved into the past (time warp): as good as expired, not yet swept. */
  warped: boolean;
}

export interface DepositModel {
  id: string;
  fan: number;
  asset: Asset;
  amount: bigint;
  via: Via;
  status: 'pending' | 'confirmed' | 'declined';
  failureCode: string | null;
  /** Webhook bodies delivered so far (for redeliveries). */
  events: { body: string; signature: string; signedAt: number }[];
}

export interface QuoteModel {
  id: string;
  fan: number;
  from: Asset;
  to: Asset;
  fromMinor: bigint;
  toMinor: bigint;
  used: boolean;
  warped: boolean;
  /** Wall-clock creation time: quotes really expire after 30 s. */
  createdAt: number;
}

type Outcome =
  | { ok: true; value: unknown; status?: number; replayed?: boolean }
  | { ok: false; code: string; status?: number; body?: unknown; error?: unknown };

type Expected = { ok: true } | { ok: false; code: string };

interface Action {
  label: string;
  expected: Expected;
  run(key: string): Promise<Outcome>;
  /** Validates a successful result and applies its effects to the model. */
  commit(value: unknown): void;
  /** Called when an injected fault aborted the call (e.g. to notice work committed before the failure). */
  onFault?(key: string): Promise<void>;
  /** How to replay it later; undefined = not recorded. */
  replay?: RecordEntry['replay'];
  misuse?: RecordEntry['misuse'];
  viaService?: RecordEntry['viaService'];
  /** Through HTTP: a replay must carry Idempotent-Replayed (failures are not recorded: they store nothing). */
  http: boolean;
}

interface RecordEntry {
  label: string;
  key: string;
  first: Outcome;
  http: boolean;
  replay(key: string): Promise<Outcome>;
  /** The same key with a different request. */
  misuse: ((key: string) => Promise<Outcome>) | null;
  /** The same request and key, straight to the service (behind the HTTP layer). */
  viaService: ((key: string) => Promise<Outcome>) | null;
}

export class SimulationFailure extends Error {}

const ZERO = { posted: 0n, pending: 0n };
const fanKey = (userId: string, asset: string) => `fan|${userId}|${asset}`;
const systemKey = (ownerId: string, asset: string) => `system|${ownerId}|${asset}`;
const settlement = (merchant: string) => `settlement:${merchant}`;
const CLEARING = 'deposit_clearing:sandbox';
const HOLD_TTL_SECONDS = 7 * 86_400;

export interface SimulationOptions {
  /** A label for idempotency keys (unique per run: some scopes, e.g. credits, are shared by all fans). */
  runId?: string;
  /** Per-step cheap checks (the property test only checks at the end). */
  checkEverySteps?: boolean;
  /** Full checks every n steps (0 = only when asked). */
  fullCheckEvery?: number;
  /** Treat known wallet issues as failures instead of findings. */
  strict?: boolean;
  log?: (line: string) => void;
}

/** Drives the wallet with commands, keeps the model, and checks the database against both after each step. */
export class Simulation {
  readonly fans: Fan[];
  readonly holds: HoldModel[] = [];
  readonly deposits: DepositModel[] = [];
  readonly quotes: QuoteModel[] = [];
  readonly records: RecordEntry[] = [];
  /** Known issues observed (not failures unless strict). */
  readonly findings: string[] = [];
  step = 0;
  readonly stats = new Map<string, number>();
  /** Milliseconds spent per operation kind and in the checks. */
  readonly timings = new Map<string, number>();

  readonly #sp: SimPlatform;
  readonly #options: Required<Omit<SimulationOptions, 'log'>> & Pick<SimulationOptions, 'log'>;
  readonly #prices: PriceFeed;
  readonly #balances = new Map<string, { posted: bigint; pending: bigint }>();
  /** Σ entries per account id, extended by each probe with the entries added since the previous one. */
  readonly #entryTotals = new Map<string, bigint>();
  #expected!: Counts;
  #probed = { transactions: 0, entries: 0, outbox: 0 };
  #since = { entryId: '0', transactionSeq: '0', outboxSeq: '0' };
  #keys = 0;
  #keyLog: string[] | null = null;
  #keyQueue: string[] = [];
  #faultArmed = false;
  #faulted = false;
  #faultRetry: (() => Promise<void>) | null = null;
  #touchedHolds = new Set<string>();
  #touchedDeposits = new Set<string>();
  #expectedProviderPayments = 0;
  #resubmissions = 0;

  private constructor(sp: SimPlatform, fans: Fan[], options: SimulationOptions) {
    this.#sp = sp;
    this.fans = fans;
    this.#options = {
      runId: options.runId ?? randomUUID().slice(0, 8),
      checkEverySteps: options.checkEverySteps ?? true,
      fullCheckEvery: options.fullCheckEvery ?? 0,
      strict: options.strict ?? false,
      log: options.log,
    };
    this.#prices = new ConfigPriceFeed(sp.t.platform.config.pricesEur);
  }

  /** Starts from the database as it is (system accounts may carry earlier runs' balances). */
  static async start(sp: SimPlatform, fans: Fan[], options: SimulationOptions = {}): Promise<Simulation> {
    const sim = new Simulation(sp, fans, options);
    await sim.#baseline();
    return sim;
  }

  async #baseline(): Promise<void> {
    // Holds an earlier run left expired but unswept would be released by this run's sweeps: release them now.
    while ((await this.#sp.wallet.payments.expireHolds()) > 0) {}
    await this.#analyze();
    const full = await probeFull(this.#sp.db, this.#fanIds());
    this.#expected = { ...full.counts };
    this.#probed = {
      transactions: full.counts.transactions,
      entries: full.counts.entries,
      outbox: full.counts.outbox,
    };
    this.#since = {
      entryId: full.maxEntryId,
      transactionSeq: full.maxTransactionSeq,
      outboxSeq: full.maxOutboxSeq,
    };
    for (const e of full.entrySums) this.#entryTotals.set(e.accountId, BigInt(e.sum));
    const { accounts } = await probeAccounts(this.#sp.db, this.#fanIds());
    for (const a of accounts) {
      this.#balances.set(`${a.ownerType}|${a.ownerId}|${a.asset}`, {
        posted: BigInt(a.posted),
        pending: BigInt(a.pending),
      });
    }
    this.#expectedProviderPayments = this.#sp.providerPayments();
  }

  // -------------------------------------------------------------------------------------------------------
  // Model queries (also used by generators).

  available(fan: number, asset: Asset): bigint {
    const b = this.#balances.get(fanKey(this.#fan(fan).id, asset)) ?? ZERO;
    return b.posted - b.pending;
  }

  posted(fan: number, asset: Asset): bigint {
    return (this.#balances.get(fanKey(this.#fan(fan).id, asset)) ?? ZERO).posted;
  }

  #fan(index: number): Fan {
    return this.fans[((index % this.fans.length) + this.fans.length) % this.fans.length]!;
  }

  #fanIndex(index: number): number {
    return ((index % this.fans.length) + this.fans.length) % this.fans.length;
  }

  #fanIds(): string[] {
    return this.fans.map((f) => f.id);
  }

  #move(key: string, posted: bigint, pending = 0n): void {
    const b = this.#balances.get(key) ?? { ...ZERO };
    this.#balances.set(key, { posted: b.posted + posted, pending: b.pending + pending });
  }

  #count(changes: Partial<Counts>): void {
    for (const [k, v] of Object.entries(changes) as [keyof Counts, number][]) this.#expected[k] += v;
  }

  #time(name: string, started: number): void {
    this.timings.set(name, (this.timings.get(name) ?? 0) + performance.now() - started);
  }

  #stat(name: string): void {
    this.stats.set(name, (this.stats.get(name) ?? 0) + 1);
  }

  #fail(message: string): never {
    throw new SimulationFailure(message);
  }

  #nextKey(): string {
    const queued = this.#keyQueue.shift();
    if (queued) return queued;
    const key = `sim-${this.#options.runId}-${this.step}-${this.#keys++}`;
    this.#keyLog?.push(key);
    return key;
  }

  // -------------------------------------------------------------------------------------------------------
  // Calls.

  async #service(fn: () => Promise<unknown>): Promise<Outcome> {
    try {
      return { ok: true, value: await fn() };
    } catch (error) {
      if (isInjectedFault(error)) return { ok: false, code: 'sim_fault', error };
      if (error instanceof DomainError) return { ok: false, code: error.code, error };
      return { ok: false, code: 'unexpected', error };
    }
  }

  async #http(
    fan: Fan,
    method: 'GET' | 'POST',
    url: string,
    body: unknown,
    key: string | undefined,
  ): Promise<Outcome> {
    const response = await this.#sp.t.request({
      method,
      url,
      token: await tokenOf(this.#sp.t, fan),
      body,
      ...(key ? { headers: { 'idempotency-key': key } } : {}),
    });
    const status = response.statusCode;
    let parsed: unknown = response.body;
    try {
      parsed = response.body ? JSON.parse(response.body) : null;
    } catch {
      // not JSON: keep the text
    }
    if (status >= 500) {
      return {
        ok: false,
        code: this.#faultArmed ? 'sim_fault' : `http_${status}`,
        status,
        body: parsed,
        error: new Error(`HTTP ${status}: ${response.body}`),
      };
    }
    if (status >= 400) {
      const code = (parsed as { code?: string } | null)?.code ?? `http_${status}`;
      return { ok: false, code, status, body: parsed };
    }
    return { ok: true, value: parsed, status, replayed: response.headers['idempotent-replayed'] === 'true' };
  }

  #check(label: string, expected: Expected, outcome: Outcome): boolean {
    if (!outcome.ok && outcome.code === 'sim_fault') {
      if (!this.#faultArmed) this.#fail(`${label}: injected fault reported while none was armed`);
      this.#faulted = true;
      return false;
    }
    if (!outcome.ok && (outcome.code === 'unexpected' || outcome.code.startsWith('http_5'))) {
      const error = outcome.error;
      this.#fail(
        `${label}: unexpected error ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
      );
    }
    if (expected.ok && !outcome.ok) this.#fail(`${label}: expected success, got ${outcome.code}`);
    if (!expected.ok && outcome.ok) {
      this.#fail(`${label}: expected ${expected.code}, got success ${canonical(outcome.value)}`);
    }
    if (!expected.ok && !outcome.ok && expected.code !== outcome.code) {
      this.#fail(`${label}: expected ${expected.code}, got ${outcome.code}`);
    }
    return outcome.ok;
  }

  async #perform(action: Action, key = this.#nextKey()): Promise<Outcome> {
    const outcome = await action.run(key);
    this.#settle(action, key, outcome);
    if (!outcome.ok && outcome.code === 'sim_fault') {
      await action.onFault?.(key);
      this.#faultRetry = async () => {
        await this.#perform(action, key);
      };
    }
    return outcome;
  }

  #settle(action: Action, key: string, outcome: Outcome): void {
    const ok = this.#check(action.label, action.expected, outcome);
    if (this.#faulted && !outcome.ok && outcome.code === 'sim_fault') return;
    if (ok && outcome.ok) action.commit(outcome.value);
    if (action.replay && ok) {
      this.records.push({
        label: action.label,
        key,
        first: outcome,
        http: action.http,
        replay: action.replay,
        misuse: action.misuse ?? null,
        viaService: action.viaService ?? null,
      });
    }
  }

  // -------------------------------------------------------------------------------------------------------
  // Actions: what a command does, what the model expects, and how the model changes on success.

  #creditAction(c: Extract<Command, { op: 'credit' }>): Action {
    const fan = this.#fan(c.fan);
    const amount = formatMinor(c.minor, c.asset);
    const request = (key: string, value = amount) => ({
      idempotencyKey: key,
      userId: fan.id,
      amount: value,
      asset: c.asset,
      reason: 'cashback' as const,
      ...(c.partner ? { partnerId: c.partner } : {}),
    });
    const port = this.#sp.wallet.payments;
    return {
      label: `credit ${amount} ${c.asset} to fan ${this.#fanIndex(c.fan)}`,
      expected: { ok: true },
      http: false,
      run: (key) => this.#service(() => port.credit(request(key))),
      commit: (value) => {
        const v = value as { userId: string; amount: string; asset: string; transactionId: string };
        if (v.userId !== fan.id || v.amount !== amount || v.asset !== c.asset || !v.transactionId)
          this.#fail(`credit returned ${canonical(v)}`);
        this.#move(systemKey(`cashback_pool:${c.partner ?? 'platform'}`, c.asset), -c.minor);
        this.#move(fanKey(fan.id, c.asset), c.minor);
        this.#count({ transactions: 1, entries: 2, outbox: 2, activity: 1, operations: 1 });
      },
      replay: (key) => this.#service(() => port.credit(request(key))),
      misuse: (key) => this.#service(() => port.credit(request(key, formatMinor(c.minor + 1n, c.asset)))),
    };
  }

  #sendAction(c: Extract<Command, { op: 'send' }>, expectedOverride?: Expected): Action {
    const from = this.#fan(c.from);
    const to = this.#fan(c.to);
    const amount = formatMinor(c.minor, c.asset);
    const ref = c.toRef === 'id' ? to.id : c.toRef === 'email' ? to.email : `@${to.handle}`;
    const body = (value = amount) => ({ to: ref, amount: value, asset: c.asset });
    const wallet = this.#sp.wallet.wallet;
    const self = from.id === to.id;
    const expected: Expected =
      expectedOverride ??
      (self
        ? { ok: false, code: 'validation_failed' }
        : c.minor <= this.available(c.from, c.asset)
          ? { ok: true }
          : { ok: false, code: 'insufficient_funds' });
    const service = (key: string, value = amount) =>
      this.#service(() => wallet.send(from.id, body(value), key));
    const http = (key: string, value = amount) =>
      this.#http(from, 'POST', '/v1/wallet/send', body(value), key);
    const call = c.via === 'http' ? http : service;
    return {
      label: `send ${amount} ${c.asset} fan ${this.#fanIndex(c.from)} → fan ${this.#fanIndex(c.to)} via ${c.via}`,
      expected,
      http: c.via === 'http',
      run: (key) => call(key),
      commit: (value) => {
        const v = value as { type: string; amount: string; asset: string; status: string };
        if (v.type !== 'send' || v.amount !== formatMinor(-c.minor, c.asset) || v.status !== 'completed')
          this.#fail(`send returned ${canonical(v)}`);
        this.#move(fanKey(from.id, c.asset), -c.minor);
        this.#move(fanKey(to.id, c.asset), c.minor);
        this.#count({ transactions: 1, entries: 2, outbox: 3, activity: 2, operations: 1 });
      },
      replay: (key) => call(key),
      misuse: (key) => call(key, formatMinor(c.minor + 1n, c.asset)),
      ...(c.via === 'http' ? { viaService: (key: string) => service(key) } : {}),
    };
  }

  #holdAction(c: Extract<Command, { op: 'hold' }>, expectedOverride?: Expected): Action {
    const fan = this.#fan(c.fan);
    const amount = formatMinor(c.minor, c.asset);
    const request = (key: string, value = amount) => ({
      idempotencyKey: key,
      userId: fan.id,
      amount: value,
      asset: c.asset,
      merchant: c.merchant,
      reference: `order-${key}`,
      ttlSeconds: HOLD_TTL_SECONDS,
    });
    const port = this.#sp.wallet.payments;
    return {
      label: `hold ${amount} ${c.asset} of fan ${this.#fanIndex(c.fan)} for ${c.merchant}`,
      expected:
        expectedOverride ??
        (c.minor <= this.available(c.fan, c.asset)
          ? { ok: true }
          : { ok: false, code: 'insufficient_funds' }),
      http: false,
      run: (key) => this.#service(() => port.hold(request(key))),
      commit: (value) => {
        const v = value as {
          holdId: string;
          status: string;
          amount: string;
          userId: string;
          captured: string;
        };
        if (v.status !== 'active' || v.amount !== amount || v.userId !== fan.id)
          this.#fail(`hold returned ${canonical(v)}`);
        this.holds.push({
          id: v.holdId,
          fan: this.#fanIndex(c.fan),
          asset: c.asset,
          merchant: c.merchant,
          amount: c.minor,
          captured: 0n,
          refunded: 0n,
          status: 'active',
          warped: false,
        });
        this.#touchedHolds.add(v.holdId);
        this.#move(fanKey(fan.id, c.asset), 0n, c.minor);
        this.#count({ outbox: 1, activity: 1, operations: 1, holds: 1 });
      },
      replay: (key) => this.#service(() => port.hold(request(key))),
      misuse: (key) => this.#service(() => port.hold(request(key, formatMinor(c.minor + 1n, c.asset)))),
    };
  }

  #hold(index: number): HoldModel | undefined {
    return this.holds.length === 0 ? undefined : this.holds[index % this.holds.length];
  }

  #captureAmount(h: HoldModel, mode: Extract<Command, { op: 'capture' }>['mode'], pick: number) {
    if (mode === 'full') return undefined;
    if (mode === 'exact') return h.amount;
    if (mode === 'over') return h.amount + 1n;
    return h.amount > 1n ? 1n + (BigInt(pick) % (h.amount - 1n)) : h.amount;
  }

  #captureAction(h: HoldModel, minor: bigint | undefined, expectedOverride?: Expected): Action {
    const fan = this.fans[h.fan]!;
    const captured = minor ?? h.amount;
    const amount = minor === undefined ? undefined : formatMinor(minor, h.asset);
    const request = (key: string, value = amount) => ({
      idempotencyKey: key,
      holdId: h.id,
      ...(value === undefined ? {} : { amount: value }),
    });
    const port = this.#sp.wallet.payments;
    const expected: Expected =
      expectedOverride ??
      (h.status !== 'active' || h.warped
        ? { ok: false, code: 'hold_not_active' }
        : captured > h.amount
          ? { ok: false, code: 'capture_exceeds_hold' }
          : { ok: true });
    return {
      label: `capture ${amount ?? 'all'} of hold ${this.holds.indexOf(h)} (${formatMinor(h.amount, h.asset)} ${h.asset}, ${h.status}${h.warped ? ', expired' : ''})`,
      expected,
      http: false,
      run: (key) => this.#service(() => port.capture(request(key))),
      commit: (value) => {
        const v = value as { status: string; captured: string; holdId: string; transactionId: string | null };
        if (v.status !== 'captured' || v.captured !== formatMinor(captured, h.asset) || !v.transactionId)
          this.#fail(`capture returned ${canonical(v)}`);
        this.#move(fanKey(fan.id, h.asset), -captured, -h.amount);
        this.#move(systemKey(settlement(h.merchant), h.asset), captured);
        h.status = 'captured';
        h.captured = captured;
        this.#touchedHolds.add(h.id);
        this.#count({ transactions: 1, entries: 2, outbox: 2, operations: 1 });
      },
      replay: (key) => this.#service(() => port.capture(request(key))),
      misuse: (key) =>
        this.#service(() => port.capture(request(key, formatMinor(captured === 1n ? 2n : 1n, h.asset)))),
    };
  }

  #voidAction(h: HoldModel, expectedOverride?: Expected): Action {
    const fan = this.fans[h.fan]!;
    const port = this.#sp.wallet.payments;
    return {
      label: `void hold ${this.holds.indexOf(h)} (${h.status}${h.warped ? ', expired' : ''})`,
      expected:
        expectedOverride ??
        (h.status !== 'active' || h.warped ? { ok: false, code: 'hold_not_active' } : { ok: true }),
      http: false,
      run: (key) => this.#service(() => port.void({ idempotencyKey: key, holdId: h.id })),
      commit: (value) => {
        const v = value as { status: string };
        if (v.status !== 'voided') this.#fail(`void returned ${canonical(v)}`);
        this.#move(fanKey(fan.id, h.asset), 0n, -h.amount);
        h.status = 'voided';
        this.#touchedHolds.add(h.id);
        this.#count({ outbox: 1, operations: 1 });
      },
      replay: (key) => this.#service(() => port.void({ idempotencyKey: key, holdId: h.id })),
    };
  }

  #refundAction(h: HoldModel, mode: Extract<Command, { op: 'refund' }>['mode'], pick: number): Action {
    const fan = this.fans[h.fan]!;
    const rest = h.captured - h.refunded;
    const minor =
      mode === 'over'
        ? rest + 1n
        : mode === 'rest' || rest <= 1n
          ? rest > 0n
            ? rest
            : 1n
          : 1n + (BigInt(pick) % rest);
    const amount = formatMinor(minor, h.asset);
    const request = (key: string, value = amount) => ({
      idempotencyKey: key,
      holdId: h.id,
      amount: value,
      reason: 'simulated return',
    });
    const port = this.#sp.wallet.payments;
    return {
      label: `refund ${amount} of hold ${this.holds.indexOf(h)} (${h.status}, captured ${h.captured}, refunded ${h.refunded})`,
      expected:
        h.status !== 'captured'
          ? { ok: false, code: 'payment_not_captured' }
          : h.refunded + minor > h.captured
            ? { ok: false, code: 'refund_exceeds_captured' }
            : { ok: true },
      http: false,
      run: (key) => this.#service(() => port.refund(request(key))),
      commit: (value) => {
        const v = value as { status: string; refunded: string };
        if (v.status !== 'captured' || v.refunded !== formatMinor(h.refunded + minor, h.asset))
          this.#fail(`refund returned ${canonical(v)}`);
        this.#move(systemKey(settlement(h.merchant), h.asset), -minor);
        this.#move(fanKey(fan.id, h.asset), minor);
        h.refunded += minor;
        this.#touchedHolds.add(h.id);
        this.#count({ transactions: 1, entries: 2, outbox: 2, activity: 1, operations: 1 });
      },
      replay: (key) => this.#service(() => port.refund(request(key))),
      misuse: (key) => this.#service(() => port.refund(request(key, formatMinor(minor + 1n, h.asset)))),
    };
  }

  #convertAction(q: QuoteModel, via: Via, asFan: number, expectedOverride?: Expected): Action {
    const fan = this.fans[asFan]!;
    const owner = this.fans[q.fan]!;
    const wallet = this.#sp.wallet.wallet;
    const service = (key: string, quoteId = q.id) =>
      this.#service(() => wallet.convert(fan.id, quoteId, key));
    const http = (key: string, quoteId = q.id) =>
      this.#http(fan, 'POST', '/v1/wallet/convert', { quoteId }, key);
    const call = via === 'http' ? http : service;
    const expected: Expected =
      expectedOverride ??
      (asFan !== q.fan
        ? { ok: false, code: 'quote_not_found' }
        : q.used
          ? { ok: false, code: 'quote_already_used' }
          : q.warped
            ? { ok: false, code: 'quote_expired' }
            : q.fromMinor > this.available(q.fan, q.from)
              ? { ok: false, code: 'insufficient_funds' }
              : { ok: true });
    return {
      label: `convert quote ${this.quotes.indexOf(q)} (${formatMinor(q.fromMinor, q.from)} ${q.from} → ${formatMinor(q.toMinor, q.to)} ${q.to}${q.used ? ', used' : ''}${q.warped ? ', expired' : ''}) as fan ${asFan} via ${via}`,
      expected,
      http: via === 'http',
      run: (key) => call(key),
      commit: (value) => {
        const items = (via === 'http' ? (value as { data: unknown }).data : value) as {
          amount: string;
          asset: string;
          type: string;
        }[];
        const [out, into] = items;
        if (
          items.length !== 2 ||
          out?.amount !== formatMinor(-q.fromMinor, q.from) ||
          into?.amount !== formatMinor(q.toMinor, q.to) ||
          out.type !== 'conversion'
        )
          this.#fail(`convert returned ${canonical(value)}`);
        this.#move(fanKey(owner.id, q.from), -q.fromMinor);
        this.#move(systemKey('fx', q.from), q.fromMinor);
        this.#move(systemKey('fx', q.to), -q.toMinor);
        this.#move(fanKey(owner.id, q.to), q.toMinor);
        q.used = true;
        this.#count({ transactions: 1, entries: 4, outbox: 3, activity: 2, operations: 1 });
      },
      replay: (key) => call(key),
      misuse: (key) => call(key, randomUUID()),
    };
  }

  #depositAction(c: Extract<Command, { op: 'deposit' }>, expectedOverride?: Expected): Action {
    const fan = this.#fan(c.fan);
    const fanIndex = this.#fanIndex(c.fan);
    const amount = formatMinor(c.minor, c.asset);
    const body = (value = amount) => ({ amount: value, asset: c.asset, method: c.method });
    const deposits = this.#sp.wallet.deposits;
    const service = (key: string, value = amount) =>
      this.#service(() => deposits.start(fan.id, body(value), key));
    const http = (key: string, value = amount) =>
      this.#http(fan, 'POST', '/v1/wallet/deposit', body(value), key);
    const call = c.via === 'http' ? http : service;
    const known = (id: string) => this.deposits.some((d) => d.id === id);
    const register = (id: string) => {
      this.deposits.push({
        id,
        fan: fanIndex,
        asset: c.asset,
        amount: c.minor,
        via: c.via,
        status: 'pending',
        failureCode: null,
        events: [],
      });
      this.#touchedDeposits.add(id);
      this.#count({ operations: 1, deposits: 1, activity: 1 });
      if (c.via === 'service') this.#expectedProviderPayments++;
    };
    return {
      label: `deposit ${amount} ${c.asset} (${c.method}) for fan ${fanIndex} via ${c.via}`,
      expected: expectedOverride ?? { ok: true },
      http: c.via === 'http',
      run: (key) => call(key),
      commit: (value) => {
        const v = value as { id: string; status: string; amount: string; asset: string };
        if (v.status !== 'pending' || v.amount !== amount || v.asset !== c.asset)
          this.#fail(`deposit returned ${canonical(v)}`);
        if (!known(v.id)) register(v.id);
      },
      onFault: async (key) => {
        // The deposit is created in its own transaction, then submitted to the provider: a failure while saving
        // the provider's reference leaves a committed, pending deposit behind (the retry replays it).
        if (c.via !== 'service') return;
        const row = await this.#sp.db.query<{ result: unknown }>(
          'SELECT result FROM wallet.idempotency_keys WHERE scope = $1 AND key = $2',
          [`deposit:${fan.id}`, key],
        );
        const stored = row.rows[0]?.result;
        if (stored === undefined) return;
        const deposit = (typeof stored === 'string' ? JSON.parse(stored) : stored) as { id: string };
        if (!known(deposit.id)) register(deposit.id);
        this.#stat('deposit committed before the fault');
      },
      replay: (key) => call(key),
      misuse: (key) => call(key, formatMinor(c.minor + 1n, c.asset)),
    };
  }

  /** Applies a confirmed or declined deposit to the model. */
  #settleDeposit(d: DepositModel, outcome: { ok: true } | { ok: false; code: string }): void {
    const fan = this.fans[d.fan]!;
    this.#touchedDeposits.add(d.id);
    if (outcome.ok) {
      d.status = 'confirmed';
      this.#move(systemKey(CLEARING, d.asset), -d.amount);
      this.#move(fanKey(fan.id, d.asset), d.amount);
      this.#count({ transactions: 1, entries: 2, outbox: 2 });
    } else {
      d.status = 'declined';
      d.failureCode = outcome.code;
    }
  }

  // -------------------------------------------------------------------------------------------------------
  // Executing commands.

  async run(command: Command): Promise<void> {
    this.step++;
    this.#touchedHolds = new Set();
    this.#touchedDeposits = new Set();
    this.#stat(command.op);
    try {
      let started = performance.now();
      await this.#execute(command);
      this.#time(command.op, started);
      this.#checkProviderPayments(command);
      started = performance.now();
      if (this.#options.checkEverySteps) await this.checkStep();
      this.#time('(step checks)', started);
      started = performance.now();
      if (this.#options.fullCheckEvery > 0 && this.step % this.#options.fullCheckEvery === 0)
        await this.checkFull();
      this.#time('(full checks)', started);
    } catch (error) {
      if (error instanceof SimulationFailure) {
        error.message = `step ${this.step}: ${describeCommand(command)}\n  ${error.message}`;
      }
      throw error;
    }
  }

  async #execute(command: Command): Promise<void> {
    switch (command.op) {
      case 'credit':
        await this.#perform(this.#creditAction(command));
        return;
      case 'send':
        await this.#perform(this.#sendAction(command));
        return;
      case 'hold':
        await this.#perform(this.#holdAction(command));
        return;
      case 'capture': {
        const h = this.#hold(command.hold);
        if (h)
          await this.#perform(this.#captureAction(h, this.#captureAmount(h, command.mode, command.pick)));
        return;
      }
      case 'void': {
        const h = this.#hold(command.hold);
        if (h) await this.#perform(this.#voidAction(h));
        return;
      }
      case 'refund': {
        const h = this.#hold(command.hold);
        if (h) await this.#perform(this.#refundAction(h, command.mode, command.pick));
        return;
      }
      case 'expire':
        return this.#expire(command.hold);
      case 'sweep':
        return this.#sweep();
      case 'convert':
        return this.#convert(command);
      case 'reconvert': {
        const q = await this.#oldQuote(command.quote);
        if (q) await this.#perform(this.#convertAction(q, command.via, q.fan));
        return;
      }
      case 'deposit':
        return this.#deposit(command);
      case 'webhook':
        return this.#webhook(command);
      case 'retry':
        return this.#retry(command);
      case 'fault':
        return this.#fault(command);
      case 'debitBurst':
        return this.#debitBurst(command);
      case 'sameKeyBurst':
        return this.#sameKeyBurst(command);
      case 'holdRace':
        return this.#holdRace(command.hold);
      case 'webhookRace':
        return this.#webhookRace(command);
      case 'sweepRace':
        return this.#sweep(2);
    }
  }

  async #expire(index: number): Promise<void> {
    const h = this.#hold(index);
    if (h?.status !== 'active' || h.warped || this.#faultArmed) return;
    // Time warp: the hold's expiry moves into the past; the sweeper has not run yet.
    await this.#sp.db.query(
      "UPDATE wallet.holds SET expires_at = now() - interval '1 second' WHERE id = $1",
      [h.id],
    );
    h.warped = true;
  }

  async #sweep(sweepers = 1): Promise<void> {
    const due = this.holds.filter((h) => h.status === 'active' && h.warped);
    const results = await Promise.allSettled(
      Array.from({ length: sweepers }, () => this.#sp.wallet.payments.expireHolds()),
    );
    const failed = results.find((r) => r.status === 'rejected');
    if (failed && failed.status === 'rejected') {
      if (!(this.#faultArmed && isInjectedFault(failed.reason)))
        this.#fail(`expireHolds failed: ${String(failed.reason)}`);
      this.#faulted = true;
      this.#faultRetry = () => this.#sweep();
    }
    // Which holds the sweep released: all due ones, unless a fault stopped it midway (then read them back).
    let expired = due;
    if (failed || due.length > 100 * sweepers) {
      const rows = await this.#sp.db.query<{ id: string }>(
        "SELECT id FROM wallet.holds WHERE id = ANY($1::uuid[]) AND status = 'expired'",
        [due.map((h) => h.id)],
      );
      const ids = new Set(rows.rows.map((r) => r.id));
      expired = due.filter((h) => ids.has(h.id));
    } else {
      const total = results.reduce((sum, r) => sum + (r.status === 'fulfilled' ? r.value : 0), 0);
      if (total !== due.length) this.#fail(`expireHolds released ${total} holds, expected ${due.length}`);
    }
    for (const h of expired) {
      h.status = 'expired';
      this.#move(fanKey(this.fans[h.fan]!.id, h.asset), 0n, -h.amount);
      this.#touchedHolds.add(h.id);
      this.#count({ outbox: 1 });
    }
  }

  /** Quotes (and checks the quote), then runs the conversion. */
  async #convert(c: Extract<Command, { op: 'convert' }>): Promise<void> {
    const fan = this.#fan(c.fan);
    const fanIndex = this.#fanIndex(c.fan);
    if (c.from === c.to) return;
    const amount = formatMinor(c.minor, c.from);
    const toMinor = convertMinor(this.#prices, c.minor, c.from, c.to);
    const body = { from: c.from, to: c.to, amount };
    const outcome =
      c.via === 'http'
        ? await this.#http(fan, 'POST', '/v1/wallet/convert/quote', body, undefined)
        : await this.#service(() => this.#sp.wallet.wallet.quote(fan.id, body));
    const expected: Expected = toMinor > 0n ? { ok: true } : { ok: false, code: 'amount_too_small' };
    const label = `quote ${amount} ${c.from} → ${c.to} for fan ${fanIndex}`;
    if (!this.#check(label, expected, outcome)) {
      if (this.#faulted) this.#faultRetry = () => this.#convert(c);
      return;
    }
    const quote = (outcome as { value: unknown }).value as {
      id: string;
      from: { amount: string };
      to: { amount: string };
    };
    if (quote.from.amount !== amount || quote.to.amount !== formatMinor(toMinor, c.to))
      this.#fail(`${label}: quoted ${canonical(quote)}, expected ${formatMinor(toMinor, c.to)} ${c.to}`);
    this.#count({ quotes: 1 });
    const q: QuoteModel = {
      id: quote.id,
      fan: fanIndex,
      from: c.from,
      to: c.to,
      fromMinor: c.minor,
      toMinor,
      used: false,
      warped: false,
      createdAt: Date.now(),
    };
    this.quotes.push(q);
    if (c.variant === 'expired' && !this.#faultArmed) await this.#warpQuote(q);
    const asFan = c.variant === 'foreign' ? (fanIndex + 1) % this.fans.length : fanIndex;
    await this.#perform(this.#convertAction(q, c.via, asFan));
  }

  /**
   * An earlier quote. Quotes expire 30 s after they were made: one older than 20 s is made expired now (time
   * warp), so its outcome does not depend on how fast the simulation runs. Undefined: nothing to do.
   */
  async #oldQuote(index: number): Promise<QuoteModel | undefined> {
    const q = this.quotes.length === 0 ? undefined : this.quotes[index % this.quotes.length];
    if (!q || q.warped || Date.now() - q.createdAt < 20_000) return q;
    if (this.#faultArmed) return undefined;
    await this.#warpQuote(q);
    return q;
  }

  async #warpQuote(q: QuoteModel): Promise<void> {
    await this.#sp.db.query(
      "UPDATE wallet.quotes SET expires_at = now() - interval '1 second' WHERE id = $1",
      [q.id],
    );
    q.warped = true;
  }

  async #deposit(c: Extract<Command, { op: 'deposit' }>): Promise<void> {
    const before = this.deposits.length;
    const outcome = await this.#perform(this.#depositAction(c));
    if (c.via !== 'http' || !outcome.ok || this.deposits.length === before) return;
    // The platform's sandbox confirms HTTP deposits by itself, at once: wait for its webhook, then check.
    const d = this.deposits.at(-1)!;
    const deadline = Date.now() + 15_000;
    for (;;) {
      const row = await this.#sp.db.query<{ status: string }>(
        'SELECT status FROM wallet.deposits WHERE id = $1',
        [d.id],
      );
      if (row.rows[0]?.status !== 'pending') break;
      if (Date.now() > deadline) this.#fail(`deposit ${d.id} was never confirmed by the sandbox`);
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    const result = sandboxOutcome(d.amount);
    this.#count({ webhookEvents: 1 });
    this.#settleDeposit(d, result.ok ? { ok: true } : { ok: false, code: result.code });
  }

  #event(d: DepositModel, kind: WebhookKind): ProviderEvent {
    const outcome = sandboxOutcome(d.amount);
    const base = {
      eventId: `evt_sim_${randomUUID().replaceAll('-', '')}`,
      depositId: kind === 'unknown' ? randomUUID() : d.id,
      providerRef: `sbx_sim_${d.id.slice(0, 8)}`,
      asset: d.asset,
    };
    if (kind === 'fail') {
      return {
        ...base,
        type: 'payment.failed',
        amount: formatMinor(d.amount, d.asset),
        failureCode: 'processing_error',
      };
    }
    if (kind === 'mismatch') {
      return {
        ...base,
        type: 'payment.succeeded',
        amount: formatMinor(d.amount + 1n, d.asset),
        failureCode: null,
      };
    }
    if (kind === 'duplicate' || outcome.ok) {
      return {
        ...base,
        type: 'payment.succeeded',
        amount: formatMinor(d.amount, d.asset),
        failureCode: null,
      };
    }
    return {
      ...base,
      type: 'payment.failed',
      amount: formatMinor(d.amount, d.asset),
      failureCode: outcome.code,
    };
  }

  /** What delivering this event should do to the deposit. */
  #webhookEffect(d: DepositModel, event: ProviderEvent): { ok: true } | { ok: false; code: string } | null {
    if (event.depositId !== d.id || d.status !== 'pending') return null;
    if (event.type === 'payment.failed') return { ok: false, code: event.failureCode ?? 'declined' };
    if (event.amount !== formatMinor(d.amount, d.asset) || event.asset !== d.asset)
      return { ok: false, code: 'amount_mismatch' };
    return { ok: true };
  }

  async #webhook(c: Extract<Command, { op: 'webhook' }>): Promise<void> {
    const d = this.deposits.length === 0 ? undefined : this.deposits[c.deposit % this.deposits.length];
    if (!d) return;
    let kind = c.kind;
    if (kind === 'redeliver' && d.events.length === 0) kind = 'deliver';
    if (kind === 'redeliver') {
      const stored = d.events.at(-1)!;
      // The provider retries the same body; a signature older than the tolerance is renewed like a processor does.
      const fresh = Date.now() - stored.signedAt < 200_000;
      const result = await postWebhook(
        this.#sp.t,
        stored.body,
        fresh ? stored.signature : signPayload(WEBHOOK_SECRET, stored.body),
      );
      if (result.status !== 200 || result.applied !== false)
        this.#fail(`redelivered webhook answered ${result.status} applied=${result.applied}`);
      return;
    }
    if (kind === 'forged') {
      const body = JSON.stringify(this.#event(d, 'duplicate'));
      const result = await postWebhook(this.#sp.t, body, signPayload('not-the-secret', body));
      if (result.status !== 401) this.#fail(`forged webhook answered ${result.status}`);
      return;
    }
    await this.#deliver(d, this.#event(d, kind), 1);
  }

  /** Delivers one event (copies times, concurrently): exactly one delivery may apply it. */
  async #deliver(d: DepositModel, event: ProviderEvent, copies: number): Promise<void> {
    const body = JSON.stringify(event);
    const signature = signPayload(WEBHOOK_SECRET, body);
    const effect = this.#webhookEffect(d, event);
    const results = await Promise.all(
      Array.from({ length: copies }, () => postWebhook(this.#sp.t, body, signature)),
    );
    if (results.some((r) => r.status >= 500)) {
      if (!this.#faultArmed || copies !== 1) this.#fail(`webhook answered ${canonical(results)}`);
      this.#faulted = true;
      this.#faultRetry = () => this.#deliver(d, event, 1);
      return;
    }
    const applied = results.filter((r) => r.status === 200 && r.applied === true).length;
    const notApplied = results.filter((r) => r.status === 200 && r.applied === false).length;
    if (applied + notApplied !== copies) this.#fail(`webhook answered ${canonical(results)}`);
    if (applied !== (effect ? 1 : 0))
      this.#fail(`webhook ${event.type} ${event.amount} applied ${applied}×, expected ${effect ? 1 : 0}`);
    d.events.push({ body, signature, signedAt: Date.now() });
    this.#count({ webhookEvents: 1 });
    if (effect) this.#settleDeposit(d, effect);
    this.#touchedDeposits.add(d.id);
  }

  async #retry(c: Extract<Command, { op: 'retry' }>): Promise<void> {
    if (this.records.length === 0) return;
    const r = this.records[c.record % this.records.length]!;
    if (c.variant === 'different' && r.misuse && r.first.ok) {
      const outcome = await r.misuse(r.key);
      if (outcome.ok || outcome.code !== 'idempotency_key_reused') {
        if (!outcome.ok && outcome.code === 'sim_fault' && this.#faultArmed) {
          this.#faulted = true;
          this.#faultRetry = async () => {};
          return;
        }
        this.#fail(`${r.label}: reusing its key for another request gave ${canonical(outcome)}`);
      }
      return;
    }
    const viaService = c.variant === 'service' && r.viaService && r.first.ok;
    const outcome = viaService ? await r.viaService!(r.key) : await r.replay(r.key);
    if (!outcome.ok && outcome.code === 'sim_fault') {
      if (!this.#faultArmed) this.#fail(`${r.label}: replay hit an injected fault while none was armed`);
      this.#faulted = true;
      this.#faultRetry = async () => {};
      return;
    }
    const first = r.first;
    const same =
      first.ok === outcome.ok &&
      (first.ok
        ? canonical(first.value) === canonical((outcome as { value: unknown }).value)
        : first.code === (outcome as { code: string }).code) &&
      (!r.http || viaService || first.status === outcome.status);
    if (!same) {
      this.#fail(
        `${r.label}: replay with key ${r.key}${viaService ? ' (through the service)' : ''} returned ${canonical(outcome)}, first result was ${canonical(first)}`,
      );
    }
    if (r.http && !viaService && outcome.ok && !outcome.replayed)
      this.#fail(`${r.label}: HTTP replay without the idempotent-replayed header`);
  }

  /**
   * Known issue check: the provider is asked for one payment per new deposit. A replayed deposit request (same
   * idempotency key) must not ask it again — a real processor would charge the card a second time.
   */
  #checkProviderPayments(command: Command): void {
    const extra = this.#sp.providerPayments() - this.#expectedProviderPayments - this.#resubmissions;
    if (extra < 0)
      this.#fail(`the provider was asked for ${-extra} payment(s) fewer than there are deposits`);
    if (extra === 0) return;
    this.#resubmissions += extra;
    const text = `step ${this.step}: ${command.op === 'fault' ? `${command.op}/${command.inner.op}` : command.op}: replaying a deposit request with its idempotency key submitted ${extra} new payment(s) to the provider for an existing deposit`;
    this.findings.push(text);
    this.#options.log?.(text);
    if (this.#options.strict) this.#fail(text);
  }

  async #fault(c: Extract<Command, { op: 'fault' }>): Promise<void> {
    const armed = await armFault(this.#sp.db, c.point, c.nth);
    this.#faultArmed = true;
    this.#faulted = false;
    this.#faultRetry = null;
    this.#keyLog = [];
    const keys = this.#keyLog;
    let fired: boolean;
    try {
      await this.#execute(c.inner);
    } finally {
      this.#keyLog = null;
      fired = await disarmFault(this.#sp.db, armed);
      this.#faultArmed = false;
    }
    if (fired !== this.#faulted) {
      this.#fail(
        fired
          ? `the fault at ${c.point} fired but the operation did not fail`
          : 'the operation failed with an injected fault that never fired',
      );
    }
    if (!fired) return;
    this.#stat(`fault fired at ${c.point}`);
    // The failed attempt must have left nothing behind (the model did not change): balances, holds, history,
    // idempotency records, events, webhooks — every table's row count.
    await this.checkStep();
    await this.checkCounts();
    // Then the caller retries with the same idempotency key(s), and it must work as if nothing happened.
    const retry = this.#faultRetry as (() => Promise<void>) | null;
    if (!retry) this.#fail('an injected fault fired but nothing is known to retry');
    this.#faulted = false;
    this.#keyQueue = [...keys];
    await retry();
    this.#keyQueue = [];
  }

  async #debitBurst(c: Extract<Command, { op: 'debitBurst' }>): Promise<void> {
    const fanIndex = this.#fanIndex(c.fan);
    const actions = c.parts.map((part) => {
      if (part.kind === 'hold') {
        return this.#holdAction(
          { op: 'hold', fan: fanIndex, asset: c.asset, minor: part.minor, merchant: 'shop' },
          { ok: true },
        );
      }
      let to = this.#fanIndex(part.to);
      if (to === fanIndex) to = (to + 1) % this.fans.length;
      return this.#sendAction(
        {
          op: 'send',
          from: fanIndex,
          to,
          asset: c.asset,
          minor: part.minor,
          via: part.kind === 'send-http' ? 'http' : 'service',
          toRef: 'id',
        },
        { ok: true },
      );
    });
    const keys = actions.map(() => this.#nextKey());
    const outcomes = await Promise.all(actions.map((a, i) => a.run(keys[i]!)));
    // Any serial order is acceptable: apply what succeeded; each refusal must be for lack of funds, which (the
    // burst only takes money out) means its amount exceeds what is left after all the successes.
    outcomes.forEach((outcome, i) => {
      const action = actions[i]!;
      if (outcome.ok) this.#settle(action, keys[i]!, outcome);
      else if (outcome.code !== 'insufficient_funds')
        this.#fail(`${action.label}: concurrent debit failed with ${outcome.code}`);
    });
    const left = this.available(fanIndex, c.asset);
    outcomes.forEach((outcome, i) => {
      const part = c.parts[i]!;
      if (!outcome.ok && part.minor <= left)
        this.#fail(
          `${actions[i]!.label} was refused although ${formatMinor(left, c.asset)} is still available`,
        );
    });
    this.#stat(`burst debits ok ${outcomes.filter((o) => o.ok).length}/${outcomes.length}`);
  }

  async #sameKeyBurst(c: Extract<Command, { op: 'sameKeyBurst' }>): Promise<void> {
    const action = await this.#actionFor(c.inner);
    if (!action) return;
    const key = this.#nextKey();
    const outcomes = await Promise.all(Array.from({ length: c.copies }, () => action.run(key)));
    const first = outcomes.find((o) => !o.ok || !o.replayed) ?? outcomes[0]!;
    for (const outcome of outcomes) {
      const same =
        outcome.ok === first.ok &&
        (outcome.ok
          ? canonical(outcome.value) === canonical((first as { value: unknown }).value)
          : outcome.code === (first as { code: string }).code);
      if (!same)
        this.#fail(
          `${action.label} ×${c.copies} with one key: results differ: ${outcomes.map(canonical).join(' / ')}`,
        );
    }
    this.#settle(action, key, first);
  }

  /** The action of a simple command (for bursts); undefined when it has nothing to act on. */
  async #actionFor(command: Command): Promise<Action | undefined> {
    switch (command.op) {
      case 'credit':
        return this.#creditAction(command);
      case 'send':
        return this.#sendAction(command);
      case 'hold':
        return this.#holdAction(command);
      case 'capture': {
        const h = this.#hold(command.hold);
        return h && this.#captureAction(h, this.#captureAmount(h, command.mode, command.pick));
      }
      case 'void': {
        const h = this.#hold(command.hold);
        return h && this.#voidAction(h);
      }
      case 'refund': {
        const h = this.#hold(command.hold);
        return h && this.#refundAction(h, command.mode, command.pick);
      }
      case 'deposit':
        return command.via === 'service' ? this.#depositAction(command) : undefined;
      case 'reconvert': {
        const q = await this.#oldQuote(command.quote);
        return q && this.#convertAction(q, command.via, q.fan);
      }
      default:
        return undefined;
    }
  }

  async #holdRace(index: number): Promise<void> {
    const h = this.#hold(index);
    if (!h) return;
    const open = h.status === 'active' && !h.warped;
    const notActive: Expected = { ok: false, code: 'hold_not_active' };
    const actions = [
      this.#captureAction(h, undefined, open ? { ok: true } : notActive),
      this.#voidAction(h, open ? { ok: true } : notActive),
      this.#captureAction(h, h.amount > 1n ? h.amount - 1n : h.amount, open ? { ok: true } : notActive),
    ];
    const keys = actions.map(() => this.#nextKey());
    const outcomes = await Promise.all(actions.map((a, i) => a.run(keys[i]!)));
    const winners = outcomes.filter((o) => o.ok).length;
    if (winners !== (open ? 1 : 0))
      this.#fail(
        `capture/void race on hold ${index}: ${winners} succeeded (${outcomes.map(canonical).join(' / ')})`,
      );
    outcomes.forEach((outcome, i) => {
      if (outcome.ok) this.#settle(actions[i]!, keys[i]!, outcome);
      else if (outcome.code !== 'hold_not_active')
        this.#fail(`${actions[i]!.label}: lost the race with ${outcome.code}`);
    });
  }

  async #webhookRace(c: Extract<Command, { op: 'webhookRace' }>): Promise<void> {
    const d = this.deposits.length === 0 ? undefined : this.deposits[c.deposit % this.deposits.length];
    if (d) await this.#deliver(d, this.#event(d, 'deliver'), c.copies);
  }

  // -------------------------------------------------------------------------------------------------------
  // Invariants.

  /** Fresh planner statistics (PGlite has no autovacuum): the per-step probes stay index scans as tables grow. */
  async #analyze(): Promise<void> {
    await this.#sp.db.query(
      'ANALYZE wallet.entries, wallet.transactions, wallet.outbox, wallet.holds, wallet.accounts',
    );
  }

  /** The model's side of probeStep's digests. */
  #digests(): { accounts: string; holds: string } {
    const accounts: string[] = [];
    const holds: string[] = [];
    for (const [key, b] of [...this.#balances].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      if (b.posted !== 0n || b.pending !== 0n) accounts.push(`${key}|${b.posted}|${b.pending}`);
      if (b.pending !== 0n && key.startsWith('fan|')) holds.push(`${key.slice(4)}|${b.pending}`);
    }
    const md5 = (parts: string[]) => createHash('md5').update(parts.join(';')).digest('hex');
    return { accounts: md5(accounts), holds: md5(holds) };
  }

  /**
   * After every step, one round trip: every tracked account equals the model (posted and pending), the fans'
   * holds reserved equal their active holds, the entries added balance per asset and extend each account's
   * recomputed balance to its stored one, and the step wrote exactly the transactions, entries and events expected.
   */
  async checkStep(): Promise<void> {
    const db = this.#sp.db;
    const p = await probeStep(
      db,
      this.#since,
      this.#fanIds(),
      [...this.#touchedHolds],
      [...this.#touchedDeposits],
    );
    const problems: string[] = [];

    // Σ entries per asset = 0 (each step's new entries balance; with immutable entries that is the whole ledger).
    const perAsset = new Map<string, bigint>();
    let newEntries = 0;
    let maxEntry = BigInt(this.#since.entryId);
    for (const e of p.newEntries) {
      perAsset.set(e.asset, (perAsset.get(e.asset) ?? 0n) + BigInt(e.sum));
      const total = (this.#entryTotals.get(e.accountId) ?? 0n) + BigInt(e.sum);
      this.#entryTotals.set(e.accountId, total);
      // Stored = recomputed: the model's posted balance is the stored one (digest below), so compare with it.
      const key = `${e.ownerType}|${e.ownerId}|${e.asset}`;
      const model = this.#balances.get(key) ?? ZERO;
      if (total !== model.posted)
        problems.push(`${key}: entries sum to ${total}, model balance ${model.posted}`);
      newEntries += Number(e.n);
      if (BigInt(e.maxId) > maxEntry) maxEntry = BigInt(e.maxId);
    }
    for (const [asset, sum] of perAsset)
      if (sum !== 0n) problems.push(`new ${asset} entries sum to ${sum}, not 0`);

    const expectDelta = (what: 'transactions' | 'entries' | 'outbox', actual: number) => {
      const delta = this.#expected[what] - this.#probed[what];
      if (actual !== delta) problems.push(`${actual} new ${what}, expected ${delta}`);
      this.#probed[what] += actual;
    };
    expectDelta('entries', newEntries);
    expectDelta('transactions', Number(p.newTransactions.n));
    expectDelta('outbox', Number(p.newOutbox.n));
    this.#since = {
      entryId: maxEntry.toString(),
      transactionSeq: p.newTransactions.max,
      outboxSeq: p.newOutbox.max,
    };

    // The model never lets a fan go negative (holds included)…
    for (const [key, b] of this.#balances) {
      if (key.startsWith('fan|') && (b.posted < 0n || b.posted - b.pending < 0n || b.pending < 0n))
        problems.push(`${key}: the model went negative (${b.posted} - ${b.pending})`);
    }
    // …and the database equals the model, account by account.
    const digests = this.#digests();
    if (p.accountsDigest !== digests.accounts || p.holdsDigest !== digests.holds) {
      problems.push(...(await this.#explainDigests()));
      if (problems.length === 0) problems.push('account digests differ (no row-level difference found)');
    }

    for (const row of p.holds) {
      const h = this.holds.find((x) => x.id === row.id);
      if (!h) continue;
      if (
        row.status !== h.status ||
        BigInt(row.captured) !== h.captured ||
        BigInt(row.refunded) !== h.refunded
      )
        problems.push(
          `hold ${row.id}: database ${row.status} captured ${row.captured} refunded ${row.refunded}, model ${h.status} ${h.captured} ${h.refunded}`,
        );
    }
    for (const row of p.deposits) {
      const d = this.deposits.find((x) => x.id === row.id);
      if (d && (row.status !== d.status || row.failureCode !== d.failureCode))
        problems.push(
          `deposit ${row.id}: database ${row.status}/${row.failureCode}, model ${d.status}/${d.failureCode}`,
        );
    }
    if (problems.length > 0) this.#fail(`invariants violated:\n    ${problems.join('\n    ')}`);
  }

  /** Row by row: which accounts differ from the model, are negative, or disagree with their holds. */
  async #explainDigests(): Promise<string[]> {
    const problems: string[] = [];
    const { accounts, activeHolds } = await probeAccounts(this.#sp.db, this.#fanIds());
    const held = new Map(activeHolds.map((h) => [h.accountId, BigInt(h.sum)]));
    const seen = new Set<string>();
    for (const a of accounts) {
      const key = `${a.ownerType}|${a.ownerId}|${a.asset}`;
      seen.add(key);
      const posted = BigInt(a.posted);
      const pending = BigInt(a.pending);
      const model = this.#balances.get(key) ?? ZERO;
      if (posted !== model.posted || pending !== model.pending)
        problems.push(
          `${key}: database posted/pending ${posted}/${pending}, model ${model.posted}/${model.pending}`,
        );
      if (a.ownerType === 'fan') {
        if (posted < 0n || posted - pending < 0n) problems.push(`${key}: negative (${posted} - ${pending})`);
        const holds = held.get(a.id) ?? 0n;
        if (pending !== holds) problems.push(`${key}: pending ${pending} but active holds sum to ${holds}`);
      }
    }
    for (const [key, model] of this.#balances) {
      if (!seen.has(key) && (model.posted !== 0n || model.pending !== 0n))
        problems.push(`${key}: missing in the database, model ${model.posted}/${model.pending}`);
    }
    return problems;
  }

  /** Every table's row count equals the model's expectation. */
  async checkCounts(): Promise<void> {
    const counts = await probeCounts(this.#sp.db);
    const problems: string[] = [];
    for (const [k, v] of Object.entries(counts) as [keyof Counts, number][]) {
      if (v !== this.#expected[k]) problems.push(`${k}: ${v} rows, expected ${this.#expected[k]}`);
    }
    if (problems.length > 0) this.#fail(`row counts differ:\n    ${problems.join('\n    ')}`);
  }

  /** Whole-ledger recomputation, row counts and the activity read model. */
  async checkFull(): Promise<void> {
    await this.#analyze();
    const full = await probeFull(this.#sp.db, this.#fanIds());
    const problems: string[] = [];
    for (const [k, v] of Object.entries(full.counts) as [keyof Counts, number][]) {
      if (v !== this.#expected[k]) problems.push(`${k}: ${v} rows, expected ${this.#expected[k]}`);
    }
    for (const s of full.assetSums)
      if (BigInt(s.sum) !== 0n) problems.push(`${s.asset} entries sum to ${s.sum}`);
    if (full.unbalancedTransactions > 0)
      problems.push(`${full.unbalancedTransactions} unbalanced transactions`);
    for (const m of full.mismatches)
      problems.push(
        `account ${m.id}: stored ${m.posted}/${m.pending}, recomputed ${m.fromEntries}/${m.fromHolds}`,
      );
    for (const e of full.entrySums) {
      if ((this.#entryTotals.get(e.accountId) ?? 0n) !== BigInt(e.sum))
        problems.push(
          `account ${e.accountId}: incremental entry sum ${this.#entryTotals.get(e.accountId)} ≠ ${e.sum}`,
        );
    }
    // The history read model agrees with the ledger: completed rows sum to the posted balance, pending
    // payments to the holds, pending deposits are the model's.
    const activity = new Map(full.activity.map((a) => [`${a.userId}|${a.asset}`, a]));
    this.fans.forEach((fan, index) => {
      for (const asset of ['EUR', 'USD', 'USDC', 'BTC', 'ETH'] as const) {
        const row = activity.get(`${fan.id}|${asset}`);
        const model = this.#balances.get(fanKey(fan.id, asset)) ?? ZERO;
        const pendingDeposits = this.deposits.filter(
          (d) => d.fan === index && d.asset === asset && d.status === 'pending',
        ).length;
        const completed = BigInt(row?.completed ?? '0');
        const pendingPayments = BigInt(row?.pendingPayments ?? '0');
        if (completed !== model.posted)
          problems.push(
            `fan ${index} ${asset}: completed history sums to ${completed}, balance ${model.posted}`,
          );
        if (pendingPayments !== model.pending)
          problems.push(
            `fan ${index} ${asset}: pending payments sum to ${pendingPayments}, holds ${model.pending}`,
          );
        if (Number(row?.pendingDeposits ?? 0) !== pendingDeposits)
          problems.push(
            `fan ${index} ${asset}: ${row?.pendingDeposits ?? 0} pending deposits, model ${pendingDeposits}`,
          );
      }
    });
    const statusCounts = (rows: { userId: string; status: string; n: number }[]) =>
      new Map(rows.map((r) => [`${r.userId}|${r.status}`, Number(r.n)]));
    const holdCounts = statusCounts(full.holdStatuses);
    const depositCounts = statusCounts(full.depositStatuses);
    this.fans.forEach((fan, index) => {
      for (const status of ['active', 'captured', 'voided', 'expired'] as const) {
        const n = this.holds.filter((h) => h.fan === index && h.status === status).length;
        if ((holdCounts.get(`${fan.id}|${status}`) ?? 0) !== n)
          problems.push(
            `fan ${index}: ${holdCounts.get(`${fan.id}|${status}`) ?? 0} ${status} holds, model ${n}`,
          );
      }
      for (const status of ['pending', 'confirmed', 'declined'] as const) {
        const n = this.deposits.filter((d) => d.fan === index && d.status === status).length;
        if ((depositCounts.get(`${fan.id}|${status}`) ?? 0) !== n)
          problems.push(
            `fan ${index}: ${depositCounts.get(`${fan.id}|${status}`) ?? 0} ${status} deposits, model ${n}`,
          );
      }
    });
    if (problems.length > 0) this.#fail(`full check failed:\n    ${problems.join('\n    ')}`);
  }
}

/** JSON with sorted keys (bigints as strings): equal values give equal text. */
export function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v === 'bigint') return v.toString();
    if (v instanceof Error) return { error: v.message };
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      return Object.fromEntries(
        Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)),
      );
    }
    return v;
  });
}

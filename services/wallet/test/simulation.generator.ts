import { ASSET_SCALES, type Asset, maxAmountMinor } from '@pcf/kernel';
import { FAULT_POINTS, type FaultPoint } from './simulation.harness.ts';
import {
  type Command,
  type DebitPart,
  MERCHANTS,
  PARTNERS,
  type Simulation,
  type WebhookKind,
} from './simulation.model.ts';
import type { Prng } from './simulation.prng.ts';

export const ASSET_LIST: Asset[] = ['EUR', 'USD', 'USDC', 'BTC', 'ETH'];
const ASSET_WEIGHTS: Record<Asset, number> = { EUR: 4, USD: 2, USDC: 1.5, BTC: 1, ETH: 1 };

/** One hundredth of a unit of the asset, in minor units (a cent for EUR/USD). */
export function cent(asset: Asset): bigint {
  return 10n ** BigInt(ASSET_SCALES[asset] - 2);
}

/** BTC and ETH amounts are generated this many times smaller, so that they stay well below their maximum. */
const SCALE_DOWN: Record<Asset, bigint> = { EUR: 1n, USD: 1n, USDC: 1n, BTC: 100n, ETH: 10n };

/**
 * An amount of `cents` hundredths (ten-thousandths of a BTC, thousandths of an ETH) plus some dust below that unit
 * (for assets that have such units).
 */
export function amountOf(asset: Asset, cents: number, dust: number): bigint {
  const unit = cent(asset) / SCALE_DOWN[asset];
  return BigInt(cents) * unit + (unit > 1n ? BigInt(dust) % unit : 0n);
}

/**
 * Generated amounts stay at most half the per-operation maximum (kernel MAX_AMOUNTS): the simulation checks the
 * ledger, not the maximum (services/wallet/test/input-limits.test.ts does), and the half leaves room for the "one
 * more" and "over" variants (misuse + 1, capture over a hold, sandbox test amounts).
 */
export function withinMaximum(minor: bigint, asset: Asset): bigint {
  const limit = maxAmountMinor(asset) / 2n;
  return minor > limit ? limit : minor;
}

const OP_WEIGHTS = {
  credit: 7,
  send: 18,
  hold: 12,
  capture: 10,
  void: 4,
  refund: 6,
  expire: 2,
  sweep: 2,
  convert: 6,
  reconvert: 1,
  deposit: 6,
  webhook: 8,
  retry: 7,
  fault: 6,
  debitBurst: 1.5,
  sameKeyBurst: 1.5,
  holdRace: 1,
  webhookRace: 1,
  sweepRace: 0.5,
} as const;

/** Fault points each operation goes through (a fault elsewhere would not fire). */
const RELEVANT_POINTS: Record<string, FaultPoint[]> = {
  credit: [
    'accounts:insert',
    'accounts:update',
    'transactions:insert',
    'entries:insert',
    'activity:insert',
    'idempotency_keys:insert',
    'idempotency_keys:update',
    'outbox:insert',
  ],
  send: [
    'accounts:update',
    'transactions:insert',
    'entries:insert',
    'activity:insert',
    'idempotency_keys:insert',
    'idempotency_keys:update',
    'outbox:insert',
  ],
  hold: [
    'accounts:update',
    'holds:insert',
    'activity:insert',
    'idempotency_keys:insert',
    'idempotency_keys:update',
    'outbox:insert',
  ],
  capture: [
    'accounts:update',
    'transactions:insert',
    'entries:insert',
    'holds:update',
    'activity:update',
    'idempotency_keys:update',
    'outbox:insert',
  ],
  void: ['accounts:update', 'holds:update', 'activity:update', 'idempotency_keys:update', 'outbox:insert'],
  refund: [
    'accounts:update',
    'transactions:insert',
    'entries:insert',
    'holds:update',
    'activity:insert',
    'idempotency_keys:update',
    'outbox:insert',
  ],
  convert: [
    'quotes:insert',
    'quotes:update',
    'accounts:insert',
    'accounts:update',
    'transactions:insert',
    'entries:insert',
    'activity:insert',
    'idempotency_keys:update',
    'outbox:insert',
  ],
  reconvert: [
    'quotes:update',
    'accounts:update',
    'entries:insert',
    'activity:insert',
    'idempotency_keys:update',
  ],
  deposit: [
    'deposits:insert',
    'deposits:update',
    'activity:insert',
    'idempotency_keys:insert',
    'idempotency_keys:update',
  ],
  webhook: [
    'webhook_events:insert',
    'deposits:update',
    'accounts:update',
    'transactions:insert',
    'entries:insert',
    'activity:update',
    'outbox:insert',
  ],
  sweep: ['accounts:update', 'holds:update', 'activity:update', 'outbox:insert'],
  retry: ['idempotency_keys:insert', 'deposits:update'],
};

/** The seeded simulation's workload: picks what to do next from the model's state. */
export class CommandGenerator {
  constructor(
    private readonly rng: Prng,
    private readonly sim: Simulation,
  ) {}

  next(): Command {
    const n = this.sim.fans.length;
    // Warm-up: everyone gets some money first.
    if (this.sim.step < n * 2) {
      const fan = this.sim.step % n;
      const asset = this.sim.step < n ? 'EUR' : this.#asset();
      return {
        op: 'credit',
        fan,
        asset,
        minor: amountOf(asset, this.rng.between(2_000, 50_000), this.rng.int(1e9)),
        partner: null,
      };
    }
    const op = this.rng.weighted(OP_WEIGHTS);
    switch (op) {
      case 'fault':
        return this.#fault();
      case 'debitBurst':
        return this.#debitBurst();
      case 'sameKeyBurst':
        return { op: 'sameKeyBurst', copies: this.rng.between(2, 4), inner: this.#simple(true) };
      case 'holdRace':
        return { op: 'holdRace', hold: this.#holdIndex((h) => h.status === 'active' && !h.warped, 0.85) };
      case 'webhookRace':
        return {
          op: 'webhookRace',
          deposit: this.#depositIndex((d) => d.status === 'pending' && d.via === 'service', 0.8),
          copies: this.rng.between(2, 4),
        };
      case 'sweepRace':
        return { op: 'sweepRace' };
      default:
        return this.#command(op, false);
    }
  }

  #command(
    op: Exclude<
      keyof typeof OP_WEIGHTS,
      'fault' | 'debitBurst' | 'sameKeyBurst' | 'holdRace' | 'webhookRace' | 'sweepRace'
    >,
    faulty: boolean,
  ): Command {
    const rng = this.rng;
    const n = this.sim.fans.length;
    switch (op) {
      case 'credit': {
        const asset = this.#asset();
        return {
          op: 'credit',
          fan: rng.int(n),
          asset,
          minor: amountOf(asset, rng.between(100, 20_000), rng.int(1e9)),
          partner: rng.pick(PARTNERS),
        };
      }
      case 'send': {
        const from = rng.int(n);
        const asset = this.#fundedAsset(from);
        const to = rng.chance(0.01) ? from : (from + 1 + rng.int(n - 1)) % n;
        return {
          op: 'send',
          from,
          to,
          asset,
          minor: withinMaximum(this.#debit(this.sim.available(from, asset), asset), asset),
          via: rng.chance(0.2) ? 'http' : 'service',
          toRef: rng.weighted({ id: 7, email: 1.5, handle: 1.5 }),
        };
      }
      case 'hold': {
        const fan = rng.int(n);
        const asset = this.#fundedAsset(fan);
        return {
          op: 'hold',
          fan,
          asset,
          minor: withinMaximum(this.#debit(this.sim.available(fan, asset), asset), asset),
          merchant: rng.pick(MERCHANTS),
        };
      }
      case 'capture':
        return {
          op: 'capture',
          hold: this.#holdIndex((h) => h.status === 'active' && !h.warped, 0.8),
          mode: rng.weighted({ full: 4, exact: 1, partial: 4, over: 1 }),
          pick: rng.int(1e9),
        };
      case 'void':
        return { op: 'void', hold: this.#holdIndex((h) => h.status === 'active' && !h.warped, 0.75) };
      case 'refund':
        return {
          op: 'refund',
          hold: this.#holdIndex((h) => h.status === 'captured' && h.refunded < h.captured, 0.8),
          mode: rng.weighted({ rest: 3, part: 5, over: 1 }),
          pick: rng.int(1e9),
        };
      case 'expire':
        return { op: 'expire', hold: this.#holdIndex((h) => h.status === 'active' && !h.warped, 1) };
      case 'sweep':
        return { op: 'sweep' };
      case 'convert': {
        const fan = rng.int(n);
        const from = this.#fundedAsset(fan);
        const to = rng.pick(ASSET_LIST.filter((a) => a !== from));
        const available = this.sim.available(fan, from);
        const minor = withinMaximum(
          available > 0n && rng.chance(0.85) ? 1n + rng.bigint(0n, (available * 2n) / 5n) : this.#small(from),
          from,
        );
        return {
          op: 'convert',
          fan,
          from,
          to,
          minor,
          via: rng.chance(0.2) ? 'http' : 'service',
          variant: faulty ? 'normal' : rng.weighted({ normal: 17, expired: 1.5, foreign: 1.5 }),
        };
      }
      case 'reconvert':
        return { op: 'reconvert', quote: rng.int(1e9), via: rng.chance(0.2) ? 'http' : 'service' };
      case 'deposit': {
        const asset = this.#asset();
        let minor = amountOf(asset, rng.between(100, 30_000), rng.int(1e9));
        // Sandbox test amounts: …13 is declined (card_declined), …66 fails (processing_error).
        if (rng.chance(0.15)) minor = minor - (minor % 100n) + (rng.chance(0.5) ? 13n : 66n);
        return {
          op: 'deposit',
          fan: rng.int(n),
          asset,
          minor,
          via: !faulty && rng.chance(0.2) ? 'http' : 'service',
          method: rng.pick(['card', 'bank_transfer', 'crypto'] as const),
        };
      }
      case 'webhook': {
        const kind: WebhookKind = faulty
          ? rng.weighted({ deliver: 6, duplicate: 2, mismatch: 1, fail: 1, unknown: 1 })
          : rng.weighted({
              deliver: 5,
              redeliver: 3,
              duplicate: 2,
              mismatch: 1,
              fail: 1,
              forged: 1,
              unknown: 0.5,
            });
        const pending = kind === 'deliver' || kind === 'mismatch' || kind === 'fail' ? 0.75 : 0.2;
        return {
          op: 'webhook',
          deposit: this.#depositIndex((d) => d.status === 'pending' && d.via === 'service', pending),
          kind,
        };
      }
      case 'retry':
        return {
          op: 'retry',
          record: rng.int(1e9),
          variant: rng.weighted({ same: 7, different: 2, service: 1 }),
        };
    }
  }

  /** A single operation for a same-key burst. */
  #simple(forBurst: boolean): Command {
    const op = this.rng.weighted({
      credit: 2,
      send: 4,
      hold: 3,
      capture: 2,
      void: 1,
      refund: 1,
      deposit: 2,
      reconvert: 1,
    });
    const command = this.#command(op, forBurst);
    return command.op === 'deposit' ? { ...command, via: 'service' } : command;
  }

  #fault(): Command {
    const op = this.rng.weighted({
      credit: 2,
      send: 4,
      hold: 3,
      capture: 3,
      void: 1,
      refund: 2,
      convert: 2,
      reconvert: 0.5,
      deposit: 2,
      webhook: 3,
      sweep: 1,
      retry: 1,
    });
    const inner = this.#command(op, true);
    const relevant = RELEVANT_POINTS[op] ?? [];
    const point =
      relevant.length > 0 && this.rng.chance(0.85) ? this.rng.pick(relevant) : this.rng.pick(FAULT_POINTS);
    return { op: 'fault', point, nth: this.rng.chance(0.8) ? 1 : 2, inner };
  }

  #debitBurst(): Command {
    const n = this.sim.fans.length;
    const fan = this.rng.int(n);
    const asset = this.#fundedAsset(fan);
    const available = this.sim.available(fan, asset);
    const parts: DebitPart[] = Array.from({ length: this.rng.between(3, 5) }, () => ({
      kind: this.rng.weighted({ 'send-service': 3, 'send-http': 1, hold: 2 }),
      to: this.rng.int(n),
      minor: withinMaximum(
        available > 0n ? 1n + this.rng.bigint(0n, (available * 2n) / 3n) : this.#small(asset),
        asset,
      ),
    }));
    return { op: 'debitBurst', fan, asset, parts };
  }

  #asset(): Asset {
    return this.rng.weighted(ASSET_WEIGHTS);
  }

  /** Mostly an asset the fan holds. */
  #fundedAsset(fan: number): Asset {
    const funded = ASSET_LIST.filter((a) => this.sim.available(fan, a) > 0n);
    return funded.length > 0 && this.rng.chance(0.85) ? this.rng.pick(funded) : this.#asset();
  }

  #small(asset: Asset): bigint {
    return amountOf(asset, this.rng.between(1, 5_000), this.rng.int(1e9));
  }

  /** A debit: mostly affordable, sometimes all of it, sometimes an overdraft. */
  #debit(available: bigint, asset: Asset): bigint {
    if (available <= 0n) return this.#small(asset);
    const kind = this.rng.weighted({ part: 12, all: 3, over: 4, one: 1 });
    if (kind === 'all') return available;
    if (kind === 'one') return 1n;
    if (kind === 'over') return available + 1n + this.rng.bigint(0n, cent(asset) * 500n);
    return 1n + this.rng.bigint(0n, available / 2n);
  }

  /** Index of a hold matching `prefer` with probability p (when there is one), else of any hold. */
  #holdIndex(prefer: (h: Simulation['holds'][number]) => boolean, p: number): number {
    const holds = this.sim.holds;
    const preferred = holds.flatMap((h, i) => (prefer(h) ? [i] : []));
    if (preferred.length > 0 && this.rng.chance(p)) return this.rng.pick(preferred);
    return holds.length > 0 ? this.rng.int(holds.length) : 0;
  }

  #depositIndex(prefer: (d: Simulation['deposits'][number]) => boolean, p: number): number {
    const deposits = this.sim.deposits;
    const preferred = deposits.flatMap((d, i) => (prefer(d) ? [i] : []));
    if (preferred.length > 0 && this.rng.chance(p)) return this.rng.pick(preferred);
    return deposits.length > 0 ? this.rng.int(deposits.length) : 0;
  }
}

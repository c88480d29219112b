import { DomainError, formatMinor, parseMoney } from '@pcf/kernel';
import type { HoldRequest, HoldView, WalletPort } from './wallet.port.ts';

/**
 * The payment saga a service runs to sell something for money held in the wallet (shop orders, tickets, eSIM
 * plans): **reserve** (the caller's own step: stock, seats…) → **hold** → **capture** → **done** (the caller's
 * step), and on failure **release** (the caller's step) → **compensate** (void the hold, or refund a capture).
 * See docs/payment-saga.md.
 *
 * The caller's database decides the outcome; the wallet is brought in line with it, always through calls keyed
 * from the saga id, so a retry, a second process or the recovery pass can never charge twice.
 */

/**
 * The steps a saga is at, as the caller persists them (next to its reservation, e.g. a column of its orders
 * table with `CHECK (step IN (…PAYMENT_SAGA_STEPS))`):
 *
 * - `reserved` — the caller's reservation is committed; a hold may exist in the wallet (a crash can lose its id).
 * - `held` — the hold id is recorded; the hold may have been captured meanwhile.
 * - `done` — terminal: captured exactly once, and the caller's done step committed.
 * - `compensating` — the reservation is released; the wallet still has to be brought to "nothing charged".
 * - `compensated` — terminal: reservation released, nothing held or charged (a capture refunded in full).
 */
export const PAYMENT_SAGA_STEPS = ['reserved', 'held', 'done', 'compensating', 'compensated'] as const;
export type PaymentSagaStep = (typeof PAYMENT_SAGA_STEPS)[number];

/** Why a saga was released: the caller records it (e.g. as a failure code) and maps it to its own error. */
export type PaymentSagaFailure =
  /** The hold was refused for the fan's available balance; no hold exists. */
  | 'insufficient_funds'
  /** The wallet failed or could not be reached during the payment. */
  | 'wallet_unavailable'
  /** The recovery found the hold gone (voided, expired) or too close to its expiry to capture. */
  | 'payment_expired'
  /** The recovery found a saga left at `reserved` (its process died before it recorded a hold). */
  | 'abandoned';

/** What a saga charges. It must never change over the saga's life: it is part of the hold's idempotent request. */
export interface SagaPayment {
  userId: string;
  /** Decimal string in the asset's units ("12.50"); "0.00" runs the saga without touching the wallet. */
  amount: string;
  asset: HoldRequest['asset'];
  /** Shown in the fan's wallet history, e.g. the order number. */
  reference?: string;
}

/** A saga as the caller's storage holds it. */
export interface PaymentSagaRecord {
  step: PaymentSagaStep;
  /** The hold's id, recorded by `recordHold`: always set at `held`, may be null at the other steps. */
  holdId: string | null;
  payment: SagaPayment;
}

/**
 * What the caller provides: persistence of the step and its own done / release steps. Each method is one
 * transaction of the caller's database, with the saga's row locked, so a concurrent request and the recovery pass
 * never both move one saga. The caller's reserve step is its own: it commits the reservation together with the
 * saga at `reserved`, then calls `PaymentSaga.pay`.
 */
export interface PaymentSagaParticipant {
  /** The saga, or undefined if the caller knows no such id. */
  load(sagaId: string): Promise<PaymentSagaRecord | undefined>;
  /** `reserved` → `held` with this hold id. Returns false (and changes nothing) if the saga is no longer `reserved`. */
  recordHold(sagaId: string, holdId: string): Promise<boolean>;
  /**
   * The caller's done step (e.g. mark the order paid, write its event) and `done`, in one transaction — only if the
   * saga is still `reserved` or `held`; otherwise nothing.
   */
  markDone(sagaId: string): Promise<void>;
  /**
   * The caller's release step (give back stock, seats…; record `failure`) and the step `next`, in one
   * transaction — only if the saga is still `reserved` or `held`; otherwise nothing. `next` is `compensated` when
   * the wallet surely holds nothing for this saga, `compensating` when a hold may exist.
   */
  release(sagaId: string, failure: PaymentSagaFailure, next: 'compensating' | 'compensated'): Promise<void>;
  /** `compensating` → `compensated`; nothing if the saga is at another step. */
  recordCompensated(sagaId: string): Promise<void>;
  /** Up to `limit` ids of sagas at `reserved`, `held` or `compensating`, untouched for `olderThanMs`. */
  findStuck(olderThanMs: number, limit: number): Promise<string[]>;
}

export interface PaymentSagaOptions {
  /** Prefix of every wallet idempotency key: `<keyPrefix>:<sagaId>:<step>`, e.g. "shop:order", "tickets:purchase". */
  keyPrefix: string;
  /** Who is paid on capture (the hold's `merchant`), e.g. "shop". */
  merchant: string;
  wallet: () => WalletPort;
  participant: PaymentSagaParticipant;
  /** How long a hold reserves the fan's money; defaults to the wallet's PCF_HOLD_TTL_SECONDS. */
  holdTtlSeconds?: number;
  /** Recovery captures a hold only if it expires later than this (ms) from now; else compensates. Default 5,000. */
  captureMarginMs?: number;
  /** The `reason` of a compensation refund, shown in the fan's history. Default "payment cancelled". */
  refundReason?: string;
  /** Told of errors the saga swallows (a compensation the recovery pass will retry). */
  onError?: (error: unknown) => void;
}

/** Where `pay` left the saga: its step now, and why it was released (null when done or not known). */
export interface PaymentSagaOutcome {
  step: PaymentSagaStep;
  failure: PaymentSagaFailure | null;
}

/** The wallet idempotency keys of one saga: deterministic, so every retry and recovery reuses them. */
export interface PaymentSagaKeys {
  hold: string;
  capture: string;
  void: string;
  compensation: string;
}

export function paymentSagaKeys(keyPrefix: string, sagaId: string): PaymentSagaKeys {
  const base = `${keyPrefix}:${sagaId}`;
  return {
    hold: `${base}:hold`,
    capture: `${base}:capture`,
    void: `${base}:void`,
    compensation: `${base}:compensation-refund`,
  };
}

/** A wallet call of the saga failed (the wallet refused it or could not be reached); `cause` is the error. */
export class PaymentSagaWalletError extends Error {
  constructor(
    readonly operation: 'hold' | 'capture' | 'getHold',
    override readonly cause: unknown,
  ) {
    super(
      `payment saga: wallet ${operation} failed: ${cause instanceof Error ? cause.message : String(cause)}`,
    );
  }
}

const hasCode = (error: unknown, code: string) => error instanceof DomainError && error.code === code;

/**
 * Runs payment sagas for one caller. `pay` drives a saga forward for a request; `recover` and `recoverStuck`
 * finish or compensate sagas a crash or an outage left mid-way. Every method may run concurrently with any other
 * on the same saga, in any process: the participant's conditional steps decide, the wallet calls are idempotent.
 */
export class PaymentSaga {
  readonly #options: PaymentSagaOptions;
  readonly #participant: PaymentSagaParticipant;

  constructor(options: PaymentSagaOptions) {
    this.#options = options;
    this.#participant = options.participant;
  }

  /** The wallet idempotency keys of this saga. */
  keys(sagaId: string): PaymentSagaKeys {
    return paymentSagaKeys(this.#options.keyPrefix, sagaId);
  }

  /**
   * Drives a saga as far as it goes now — after the caller's reserve step, or again on a client's retry with the
   * same saga: `reserved` → hold → capture → done; `held` → capture (or compensate a hold gone or about to
   * expire); `compensating` → compensate. A refused hold releases at once (`insufficient_funds`); a wallet failure
   * releases and compensates (`wallet_unavailable`; a compensation that fails is left to the recovery pass); a
   * saga already `held` whose wallet cannot be reached stays `held` (outcome `wallet_unavailable`) for the
   * recovery pass. Throws only what the participant throws, or an Error for an unknown saga id.
   */
  async pay(sagaId: string): Promise<PaymentSagaOutcome> {
    const record = await this.#load(sagaId);
    switch (record.step) {
      case 'reserved':
        return this.#forward(sagaId, record);
      case 'held':
        try {
          await this.#settleHeld(sagaId, this.#heldId(sagaId, record), false);
        } catch (error) {
          if (!(error instanceof PaymentSagaWalletError)) throw error;
          this.#report(error);
          return this.#outcome(sagaId, 'wallet_unavailable');
        }
        return this.#outcome(sagaId, null);
      case 'compensating':
        await this.compensate(sagaId).catch((error: unknown) => this.#report(error));
        return this.#outcome(sagaId, null);
      default:
        return { step: record.step, failure: null };
    }
  }

  /**
   * Finishes or compensates a saga a crash or an outage left behind: `reserved` is released (`abandoned`) and
   * compensated; `held` is captured and done if the hold is still active and not about to expire, done if it was
   * already captured, else released (`payment_expired`) and compensated; `compensating` is compensated. Terminal
   * steps and unknown ids are left alone. Throws wallet failures (PaymentSagaWalletError or the wallet's own
   * error) so the caller's loop can report them; the next pass retries.
   */
  async recover(sagaId: string): Promise<void> {
    const record = await this.#participant.load(sagaId);
    if (!record) return;
    if (record.step === 'reserved') {
      await this.#participant.release(
        sagaId,
        'abandoned',
        this.#isFree(record) ? 'compensated' : 'compensating',
      );
      return this.compensate(sagaId);
    }
    if (record.step === 'held') return this.#settleHeld(sagaId, this.#heldId(sagaId, record), true);
    if (record.step === 'compensating') return this.compensate(sagaId);
  }

  /**
   * Brings the wallet to "nothing charged" for a saga at `compensating`, then records `compensated`: finds the hold
   * (asking `hold` again with the saga's key returns the first hold, or creates one that is voided at once), voids
   * it if active, refunds what is left of a capture. Does nothing at any other step. Throws wallet failures.
   */
  async compensate(sagaId: string): Promise<void> {
    const record = await this.#participant.load(sagaId);
    if (record?.step !== 'compensating') return;
    const holdId = this.#isFree(record) ? null : (record.holdId ?? (await this.#findHold(sagaId, record)));
    if (holdId) {
      const wallet = this.#options.wallet();
      let hold = await wallet.getHold(holdId);
      if (hold?.status === 'active') {
        await wallet.void({ idempotencyKey: this.keys(sagaId).void, holdId }).catch((error: unknown) => {
          if (!hasCode(error, 'hold_not_active')) throw error;
        });
        // A capture may have won the race with the void: read the hold again.
        hold = await wallet.getHold(holdId);
      }
      if (hold?.status === 'captured') await this.#refundCapture(sagaId, hold);
    }
    await this.#participant.recordCompensated(sagaId);
  }

  /**
   * One recovery pass: `recover` on every saga left at `reserved`, `held` or `compensating` for `graceMs` (give a
   * running request time to finish), at most `limit` of them. Errors go to `onError`, one per saga; returns how
   * many sagas it looked at. Run it periodically (e.g. every few seconds with kernel PeriodicTasks).
   */
  async recoverStuck(graceMs: number, onError: (error: unknown) => void, limit = 100): Promise<number> {
    const ids = await this.#participant.findStuck(graceMs, limit);
    for (const id of ids) await this.recover(id).catch(onError);
    return ids.length;
  }

  /** `reserved`: hold, record it, capture, done. */
  async #forward(sagaId: string, record: PaymentSagaRecord): Promise<PaymentSagaOutcome> {
    if (this.#isFree(record)) {
      await this.#participant.markDone(sagaId);
      return this.#outcome(sagaId, null);
    }
    let hold: HoldView;
    try {
      hold = await this.#options.wallet().hold(this.#holdRequest(sagaId, record.payment));
    } catch (error) {
      if (hasCode(error, 'insufficient_funds')) {
        // Refused with nothing written, and no earlier hold under this key (it would have been replayed).
        await this.#participant.release(sagaId, 'insufficient_funds', 'compensated');
        return this.#outcome(sagaId, 'insufficient_funds');
      }
      return this.#abort(sagaId, error);
    }
    if (!(await this.#participant.recordHold(sagaId, hold.holdId))) {
      // Another run moved the saga meanwhile (the same hold, by its key, if it got there first).
      const now = await this.#load(sagaId);
      if (now.step === 'compensated') await this.#voidQuietly(sagaId, hold.holdId);
      return now.step === 'reserved' ? this.#outcome(sagaId, null) : this.pay(sagaId);
    }
    try {
      await this.#options
        .wallet()
        .capture({ idempotencyKey: this.keys(sagaId).capture, holdId: hold.holdId });
    } catch (error) {
      return this.#abort(sagaId, error);
    }
    await this.#participant.markDone(sagaId);
    return this.#outcome(sagaId, null);
  }

  /** A wallet failure during `pay`: release now (the fan gets an answer), compensate now or in the recovery pass. */
  async #abort(sagaId: string, error: unknown): Promise<PaymentSagaOutcome> {
    this.#report(error);
    await this.#participant.release(sagaId, 'wallet_unavailable', 'compensating');
    await this.compensate(sagaId).catch((e: unknown) => this.#report(e));
    return this.#outcome(sagaId, 'wallet_unavailable');
  }

  /** `held`: capture a good hold and mark done; done if captured; otherwise release and compensate. */
  async #settleHeld(sagaId: string, holdId: string, strict: boolean): Promise<void> {
    const wallet = this.#options.wallet();
    const hold = await wallet.getHold(holdId).catch((error: unknown) => {
      throw new PaymentSagaWalletError('getHold', error);
    });
    if (hold?.status === 'active' && Date.parse(hold.expiresAt) > Date.now() + this.#captureMargin) {
      await wallet.capture({ idempotencyKey: this.keys(sagaId).capture, holdId }).catch((error: unknown) => {
        throw new PaymentSagaWalletError('capture', error);
      });
      return this.#participant.markDone(sagaId);
    }
    if (hold?.status === 'captured') return this.#participant.markDone(sagaId);
    const mayHold = hold?.status === 'active';
    await this.#participant.release(sagaId, 'payment_expired', mayHold ? 'compensating' : 'compensated');
    if (strict) return this.compensate(sagaId);
    await this.compensate(sagaId).catch((error: unknown) => this.#report(error));
  }

  /** The saga's hold, found by asking again with its key (which may create it; compensation voids it). */
  async #findHold(sagaId: string, record: PaymentSagaRecord): Promise<string | null> {
    try {
      return (await this.#options.wallet().hold(this.#holdRequest(sagaId, record.payment))).holdId;
    } catch (error) {
      if (hasCode(error, 'insufficient_funds')) return null;
      throw error;
    }
  }

  async #refundCapture(sagaId: string, hold: HoldView): Promise<void> {
    const captured = parseMoney(hold.captured, hold.asset, { allowZero: true });
    const left = captured.minor - parseMoney(hold.refunded, hold.asset, { allowZero: true }).minor;
    if (left <= 0n) return;
    await this.#options.wallet().refund({
      idempotencyKey: this.keys(sagaId).compensation,
      holdId: hold.holdId,
      amount: formatMinor(left, captured.asset),
      reason: this.#options.refundReason ?? 'payment cancelled',
    });
  }

  async #voidQuietly(sagaId: string, holdId: string): Promise<void> {
    await this.#options
      .wallet()
      .void({ idempotencyKey: this.keys(sagaId).void, holdId })
      .catch((error: unknown) => {
        if (!hasCode(error, 'hold_not_active')) this.#report(error);
      });
  }

  /** The hold request of a saga: the same on every call (its key and body are what make it idempotent). */
  #holdRequest(sagaId: string, payment: SagaPayment): HoldRequest {
    return {
      idempotencyKey: this.keys(sagaId).hold,
      userId: payment.userId,
      amount: payment.amount,
      asset: payment.asset,
      merchant: this.#options.merchant,
      reference: payment.reference,
      ttlSeconds: this.#options.holdTtlSeconds,
    };
  }

  #isFree(record: PaymentSagaRecord): boolean {
    return parseMoney(record.payment.amount, record.payment.asset, { allowZero: true }).minor === 0n;
  }

  #heldId(sagaId: string, record: PaymentSagaRecord): string {
    if (!record.holdId) throw new Error(`payment saga ${sagaId}: at step held without a hold id`);
    return record.holdId;
  }

  get #captureMargin(): number {
    return this.#options.captureMarginMs ?? 5_000;
  }

  async #load(sagaId: string): Promise<PaymentSagaRecord> {
    const record = await this.#participant.load(sagaId);
    if (!record) throw new Error(`payment saga ${sagaId}: no such saga`);
    return record;
  }

  async #outcome(sagaId: string, failure: PaymentSagaFailure | null): Promise<PaymentSagaOutcome> {
    const { step } = await this.#load(sagaId);
    return { step, failure: step === 'done' ? null : failure };
  }

  #report(error: unknown): void {
    this.#options.onError?.(error);
  }
}

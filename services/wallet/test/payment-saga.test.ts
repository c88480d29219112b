import { randomUUID } from 'node:crypto';
import type { Database } from '@pcf/kernel';
import { type TestPlatform, testBackends } from '@pcf/kernel/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  PAYMENT_SAGA_STEPS,
  PaymentSaga,
  type PaymentSagaFailure,
  type PaymentSagaOptions,
  type PaymentSagaParticipant,
  type PaymentSagaRecord,
  type PaymentSagaStep,
} from '../src/payment-saga.ts';
import type { WalletPort } from '../src/wallet.port.ts';
import { startWalletPlatform } from './support.ts';

/**
 * A caller of the saga as tickets would be: seats of an event are its reservation, a purchases table records the
 * saga step. Its tables live in the test database's wallet schema: on PostgreSQL the wallet's connections may
 * create tables only there.
 */
class SeatSales implements PaymentSagaParticipant {
  constructor(private readonly db: Database) {}

  static async install(db: Database): Promise<SeatSales> {
    await db.query(
      `CREATE TABLE wallet.test_seat_events (id uuid PRIMARY KEY, seats_left int NOT NULL CHECK (seats_left >= 0))`,
    );
    await db.query(
      `CREATE TABLE wallet.test_seat_purchases (id uuid PRIMARY KEY, event_id uuid NOT NULL, user_id uuid NOT NULL,
         amount text NOT NULL, step text NOT NULL CHECK (step IN (${PAYMENT_SAGA_STEPS.map((s) => `'${s}'`).join(', ')})),
         hold_id uuid, failure text, updated_at timestamptz NOT NULL DEFAULT now())`,
    );
    return new SeatSales(db);
  }

  async newEvent(seats: number): Promise<string> {
    const id = randomUUID();
    await this.db.query('INSERT INTO wallet.test_seat_events (id, seats_left) VALUES ($1, $2)', [id, seats]);
    return id;
  }

  async seatsLeft(eventId: string): Promise<number> {
    const result = await this.db.query<{ n: number }>(
      'SELECT seats_left AS n FROM wallet.test_seat_events WHERE id = $1',
      [eventId],
    );
    return result.rows[0]!.n;
  }

  /** The caller's reserve step: a seat and the saga at `reserved`, in one transaction. */
  async reserve(eventId: string, userId: string, amount: string): Promise<string> {
    const id = randomUUID();
    await this.db.transaction(async (tx) => {
      const taken = await tx.query(
        'UPDATE wallet.test_seat_events SET seats_left = seats_left - 1 WHERE id = $1 AND seats_left > 0',
        [eventId],
      );
      if (taken.rowCount !== 1) throw new Error('sold out');
      await tx.query(
        `INSERT INTO wallet.test_seat_purchases (id, event_id, user_id, amount, step) VALUES ($1, $2, $3, $4, 'reserved')`,
        [id, eventId, userId, amount],
      );
    });
    return id;
  }

  async load(id: string): Promise<PaymentSagaRecord | undefined> {
    const row = (
      await this.db.query<{ step: PaymentSagaStep; holdId: string | null; userId: string; amount: string }>(
        `SELECT step, hold_id AS "holdId", user_id AS "userId", amount FROM wallet.test_seat_purchases WHERE id = $1`,
        [id],
      )
    ).rows[0];
    return (
      row && {
        step: row.step,
        holdId: row.holdId,
        payment: { userId: row.userId, amount: row.amount, asset: 'EUR', reference: `seat ${id}` },
      }
    );
  }

  async failure(id: string): Promise<string | null> {
    return (
      await this.db.query<{ failure: string | null }>(
        'SELECT failure FROM wallet.test_seat_purchases WHERE id = $1',
        [id],
      )
    ).rows[0]!.failure;
  }

  async recordHold(id: string, holdId: string): Promise<boolean> {
    const result = await this.db.query(
      `UPDATE wallet.test_seat_purchases SET step = 'held', hold_id = $2, updated_at = now() WHERE id = $1 AND step = 'reserved'`,
      [id, holdId],
    );
    return result.rowCount === 1;
  }

  async markDone(id: string): Promise<void> {
    await this.db.query(
      `UPDATE wallet.test_seat_purchases SET step = 'done', updated_at = now() WHERE id = $1 AND step IN ('reserved', 'held')`,
      [id],
    );
  }

  async release(
    id: string,
    failure: PaymentSagaFailure,
    next: 'compensating' | 'compensated',
  ): Promise<void> {
    await this.db.transaction(async (tx) => {
      const row = (
        await tx.query<{ step: PaymentSagaStep; eventId: string }>(
          'SELECT step, event_id AS "eventId" FROM wallet.test_seat_purchases WHERE id = $1 FOR UPDATE',
          [id],
        )
      ).rows[0];
      if (row?.step !== 'reserved' && row?.step !== 'held') return;
      await tx.query('UPDATE wallet.test_seat_events SET seats_left = seats_left + 1 WHERE id = $1', [
        row.eventId,
      ]);
      await tx.query(
        'UPDATE wallet.test_seat_purchases SET step = $2, failure = $3, updated_at = now() WHERE id = $1',
        [id, next, failure],
      );
    });
  }

  async recordCompensated(id: string): Promise<void> {
    await this.db.query(
      `UPDATE wallet.test_seat_purchases SET step = 'compensated', updated_at = now() WHERE id = $1 AND step = 'compensating'`,
      [id],
    );
  }

  async findStuck(olderThanMs: number, limit: number): Promise<string[]> {
    const result = await this.db.query<{ id: string }>(
      `SELECT id FROM wallet.test_seat_purchases WHERE step IN ('reserved', 'held', 'compensating')
         AND updated_at <= now() - $1 * interval '1 millisecond' ORDER BY updated_at LIMIT $2`,
      [olderThanMs, limit],
    );
    return result.rows.map((r) => r.id);
  }
}

type WalletMethod = 'hold' | 'capture' | 'void' | 'refund' | 'getHold';
type ParticipantMethod = 'recordHold' | 'markDone' | 'release' | 'recordCompensated';
/**
 * What a wrapped call does: `crash-*` never returns (the process died before or after the real call took effect);
 * `fail-*` throws (before the real call, or after it took effect: an answer lost on the way back).
 */
type Fault = 'crash-before' | 'crash-after' | 'fail-before' | 'fail-after';

/** `target` with some methods faulty. A crash also resolves `crashed`, so a test knows the process is "dead". */
function faulty<T extends object>(
  target: T,
  faults: Partial<Record<keyof T, Fault>>,
  onCrash: () => void,
): T {
  return new Proxy(target, {
    get(object, property) {
      const value = Reflect.get(object, property) as unknown;
      if (typeof value !== 'function') return value;
      const fault = faults[property as keyof T];
      const real = (...args: unknown[]) =>
        (value as (...a: unknown[]) => Promise<unknown>).apply(object, args);
      if (!fault) return real;
      return async (...args: unknown[]) => {
        if (fault.endsWith('after')) await real(...args);
        if (fault.startsWith('crash')) {
          onCrash();
          return new Promise(() => {});
        }
        throw new Error(`connect ECONNREFUSED (${String(property)})`);
      };
    },
  });
}

const PRICE = '30.00';

describe.each(testBackends())('payment saga against the wallet port on $name', (backend) => {
  let t: TestPlatform;
  let wallet: WalletPort;
  let sales: SeatSales;
  let walletDb: Database;

  beforeAll(async () => {
    t = await startWalletPlatform(backend);
    wallet = t.platform.port<WalletPort>('wallet');
    walletDb = t.platform.database('wallet');
    sales = await SeatSales.install(walletDb);
  });
  afterAll(() => t.close());

  const saga = (overrides: Partial<PaymentSagaOptions> = {}) =>
    new PaymentSaga({
      keyPrefix: 'seats:purchase',
      merchant: 'seats',
      wallet: () => wallet,
      participant: sales,
      holdTtlSeconds: 600,
      ...overrides,
    });

  /** A fan with `amount` EUR credited, and an event with `seats` seats. */
  async function setup(amount = '100.00', seats = 5) {
    const userId = randomUUID();
    await wallet.credit({
      idempotencyKey: `fund-${randomUUID()}`,
      userId,
      amount,
      asset: 'EUR',
      reason: 'cashback',
    });
    return { userId, eventId: await sales.newEvent(seats), seats };
  }

  /** The fan's EUR balance in minor units: posted, and reserved by active holds. */
  async function balance(userId: string): Promise<{ posted: string; pending: string }> {
    const result = await walletDb.query<{ posted: string; pending: string }>(
      `SELECT posted::text, pending::text FROM wallet.accounts WHERE owner_type = 'fan' AND owner_id = $1 AND asset = 'EUR'`,
      [userId],
    );
    return result.rows[0]!;
  }

  async function holdsOf(userId: string) {
    const result = await walletDb.query<{ status: string; captured: string; refunded: string }>(
      'SELECT status, captured::text, refunded::text FROM wallet.holds WHERE user_id = $1',
      [userId],
    );
    return result.rows;
  }

  /**
   * The only two end states: done with exactly one capture of the price and the seat sold, or compensated with
   * nothing held or charged and the seat back. Never a double charge.
   */
  async function expectSettled(
    id: string,
    fan: { userId: string; eventId: string; seats: number },
    expected: 'done' | 'compensated',
  ) {
    const record = await sales.load(id);
    expect(record?.step).toBe(expected);
    const holds = await holdsOf(fan.userId);
    expect(holds.filter((h) => h.status === 'active')).toEqual([]);
    if (expected === 'done') {
      expect(holds.filter((h) => h.status === 'captured')).toEqual([
        { status: 'captured', captured: '3000', refunded: '0' },
      ]);
      expect(await balance(fan.userId)).toEqual({ posted: '7000', pending: '0' });
      expect(await sales.seatsLeft(fan.eventId)).toBe(fan.seats - 1);
    } else {
      for (const hold of holds) expect(hold.refunded).toBe(hold.captured);
      expect(await balance(fan.userId)).toEqual({ posted: '10000', pending: '0' });
      expect(await sales.seatsLeft(fan.eventId)).toBe(fan.seats);
    }
  }

  it('pays: hold, capture, done; a retry with the same saga id charges nothing more', async () => {
    const fan = await setup();
    const id = await sales.reserve(fan.eventId, fan.userId, PRICE);
    expect(await saga().pay(id)).toEqual({ step: 'done', failure: null });
    expect(await saga().pay(id)).toEqual({ step: 'done', failure: null });
    await saga().recover(id);
    await expectSettled(id, fan, 'done');
  });

  it('concurrent runs of one saga (retries, recovery passes) end in one state, never a double charge', async () => {
    const fans = await Promise.all(Array.from({ length: 6 }, () => setup()));
    const ids = await Promise.all(fans.map((fan) => sales.reserve(fan.eventId, fan.userId, PRICE)));
    // Each saga runs three requests and two recovery passes at once. A recovery pass may fail on a race it lost
    // (a capture of a hold just voided): the next pass finishes the saga.
    const recover = (id: string) =>
      saga()
        .recover(id)
        .catch(() => undefined);
    await Promise.all(
      ids.flatMap((id) => [saga().pay(id), saga().pay(id), recover(id), saga().pay(id), recover(id)]),
    );
    for (const id of ids) await saga().recover(id);
    for (const [i, id] of ids.entries()) {
      const step = (await sales.load(id))!.step;
      expect(['done', 'compensated']).toContain(step);
      await expectSettled(id, fans[i]!, step as 'done' | 'compensated');
    }
  });

  it('five concurrent requests of one saga: done, exactly one capture', async () => {
    const fan = await setup();
    const id = await sales.reserve(fan.eventId, fan.userId, PRICE);
    const outcomes = await Promise.all(Array.from({ length: 5 }, () => saga().pay(id)));
    for (const outcome of outcomes) expect(outcome).toEqual({ step: 'done', failure: null });
    await expectSettled(id, fan, 'done');
  });

  it('insufficient funds: released at once, nothing held; paying the same saga later charges nothing', async () => {
    const fan = await setup('10.00');
    const id = await sales.reserve(fan.eventId, fan.userId, PRICE);
    expect(await saga().pay(id)).toEqual({ step: 'compensated', failure: 'insufficient_funds' });
    expect(await sales.failure(id)).toBe('insufficient_funds');
    expect(await holdsOf(fan.userId)).toEqual([]);
    expect(await sales.seatsLeft(fan.eventId)).toBe(fan.seats);
    await wallet.credit({
      idempotencyKey: randomUUID(),
      userId: fan.userId,
      amount: '90.00',
      asset: 'EUR',
      reason: 'cashback',
    });
    expect(await saga().pay(id)).toEqual({ step: 'compensated', failure: null });
    await expectSettled(id, fan, 'compensated');
  });

  it('a free saga (amount 0) is done without touching the wallet', async () => {
    const fan = await setup();
    const id = await sales.reserve(fan.eventId, fan.userId, '0.00');
    expect(await saga().pay(id)).toEqual({ step: 'done', failure: null });
    expect(await holdsOf(fan.userId)).toEqual([]);
  });

  /**
   * A wallet call that took effect but answered an error (the answer was lost on the way back): the request ends
   * with the reservation released; recovery compensates what the call did, once, and a retry charges nothing.
   */
  it.each<{
    name: string;
    wallet: Partial<Record<WalletMethod, Fault>>;
    outcome: { step: PaymentSagaStep; failure: PaymentSagaFailure };
    /** The fan's EUR balance in minor units right after the failed request, before recovery. */
    balance: { posted: string; pending: string };
    /** The fan's holds once settled. */
    holds: { status: string; captured: string; refunded: string }[];
  }>([
    {
      name: 'wallet down during the hold: released; the hold it may have taken is voided by recovery',
      wallet: { hold: 'fail-after' },
      outcome: { step: 'compensating', failure: 'wallet_unavailable' },
      balance: { posted: '10000', pending: '3000' },
      holds: [{ status: 'voided', captured: '0', refunded: '0' }],
    },
    {
      name: 'a capture that went through but answered an error is refunded, once',
      wallet: { capture: 'fail-after' },
      outcome: { step: 'compensated', failure: 'wallet_unavailable' },
      balance: { posted: '10000', pending: '0' },
      holds: [{ status: 'captured', captured: '3000', refunded: '3000' }],
    },
  ])('$name', async (scenario) => {
    const fan = await setup();
    const id = await sales.reserve(fan.eventId, fan.userId, PRICE);
    const lossy = faulty(wallet, scenario.wallet, () => {});
    expect(await saga({ wallet: () => lossy }).pay(id)).toEqual(scenario.outcome);
    expect(await sales.seatsLeft(fan.eventId)).toBe(fan.seats);
    expect(await balance(fan.userId)).toEqual(scenario.balance);
    await saga().recover(id);
    await saga().pay(id);
    await expectSettled(id, fan, 'compensated');
    expect(await holdsOf(fan.userId)).toEqual(scenario.holds);
  });

  it('recovery compensates a held saga whose hold expires too soon to capture', async () => {
    const fan = await setup();
    const id = await sales.reserve(fan.eventId, fan.userId, PRICE);
    let crashed = false;
    void saga({ participant: faulty(sales, { recordHold: 'crash-after' }, () => (crashed = true)) }).pay(id);
    await waitUntil(() => crashed);
    await saga({ captureMarginMs: 3_600_000 }).recover(id);
    expect(await sales.failure(id)).toBe('payment_expired');
    await expectSettled(id, fan, 'compensated');
  });

  it('recoverStuck drives every saga left mid-way, after its grace period', async () => {
    const fans = await Promise.all([setup(), setup()]);
    const [first, second] = await Promise.all(
      fans.map((fan) => sales.reserve(fan.eventId, fan.userId, PRICE)),
    );
    let crashes = 0;
    const crashing = saga({ participant: faulty(sales, { recordHold: 'crash-after' }, () => crashes++) });
    void crashing.pay(first!);
    await waitUntil(() => crashes === 1);
    expect(await saga().recoverStuck(3_600_000, fail)).toBe(0);
    const errors: unknown[] = [];
    expect(await saga().recoverStuck(0, (e) => errors.push(e))).toBeGreaterThanOrEqual(2);
    expect(errors).toEqual([]);
    await expectSettled(first!, fans[0]!, 'done');
    await expectSettled(second!, fans[1]!, 'compensated'); // abandoned at `reserved`
    expect(await sales.failure(second!)).toBe('abandoned');
  });

  it.each(['before', 'after'] as const)(
    'a request whose hold call is slow (%s the wallet) and resumes after recovery settled the saga charges nothing',
    async (when) => {
      const fan = await setup();
      const id = await sales.reserve(fan.eventId, fan.userId, PRICE);
      const slow = pausedHold(wallet, when);
      const request = saga({ wallet: () => slow.wallet }).pay(id);
      await waitUntil(() => slow.reached);
      await saga().recover(id); // abandoned: compensated, the hold its key finds voided
      slow.open();
      expect(await request).toEqual({ step: 'compensated', failure: null });
      await expectSettled(id, fan, 'compensated');
    },
  );

  it('a retry whose hold lands after the saga was refused for insufficient funds voids that hold', async () => {
    const fan = await setup('10.00');
    const id = await sales.reserve(fan.eventId, fan.userId, PRICE);
    const slow = pausedHold(wallet, 'before');
    const retry = saga({ wallet: () => slow.wallet }).pay(id);
    await waitUntil(() => slow.reached);
    expect(await saga().pay(id)).toEqual({ step: 'compensated', failure: 'insufficient_funds' });
    await wallet.credit({
      idempotencyKey: randomUUID(),
      userId: fan.userId,
      amount: '90.00',
      asset: 'EUR',
      reason: 'cashback',
    });
    slow.open(); // the fan can pay now: the retry's hold is taken, finds its saga compensated, and voids it
    expect(await retry).toEqual({ step: 'compensated', failure: null });
    await expectSettled(id, fan, 'compensated');
  });

  /**
   * Crash at each step: the process dies (the call never returns) before or after a step took effect; a new
   * process's recovery then settles the saga. Failure paths first fail a call (the wallet refuses or is down),
   * then die during the compensation.
   */
  const crashes: {
    name: string;
    wallet?: Partial<Record<WalletMethod, Fault>>;
    participant?: Partial<Record<ParticipantMethod, Fault>>;
    end: 'done' | 'compensated';
  }[] = [
    { name: 'before the hold', wallet: { hold: 'crash-before' }, end: 'compensated' },
    { name: 'after the hold, before its id is known', wallet: { hold: 'crash-after' }, end: 'compensated' },
    {
      name: 'before the hold id is recorded',
      participant: { recordHold: 'crash-before' },
      end: 'compensated',
    },
    { name: 'after the hold id is recorded', participant: { recordHold: 'crash-after' }, end: 'done' },
    { name: 'before the capture', wallet: { capture: 'crash-before' }, end: 'done' },
    { name: 'after the capture, before its answer', wallet: { capture: 'crash-after' }, end: 'done' },
    { name: 'before done is recorded', participant: { markDone: 'crash-before' }, end: 'done' },
    { name: 'after done is recorded', participant: { markDone: 'crash-after' }, end: 'done' },
    {
      name: 'after a failed capture released the reservation',
      wallet: { capture: 'fail-before' },
      participant: { release: 'crash-after' },
      end: 'compensated',
    },
    {
      name: 'after a failed capture, during the void',
      wallet: { capture: 'fail-before', void: 'crash-after' },
      end: 'compensated',
    },
    {
      name: 'after a capture lost its answer, during the refund',
      wallet: { capture: 'fail-after', refund: 'crash-after' },
      end: 'compensated',
    },
    {
      name: 'after the compensation, before it is recorded',
      wallet: { capture: 'fail-before' },
      participant: { recordCompensated: 'crash-before' },
      end: 'compensated',
    },
  ];

  it.each(crashes)('crash $name: recovery ends $end', async (scenario) => {
    const fan = await setup();
    const id = await sales.reserve(fan.eventId, fan.userId, PRICE);
    let crashed = false;
    const onCrash = () => {
      crashed = true;
    };
    const dying = faulty(wallet, scenario.wallet ?? {}, onCrash);
    void saga({
      wallet: () => dying,
      participant: faulty(sales, scenario.participant ?? {}, onCrash),
    }).pay(id);
    await waitUntil(() => crashed);
    // A new process: the recovery pass, then a client's retry of the same saga, change nothing more.
    await saga().recover(id);
    await expectSettled(id, fan, scenario.end);
    await saga().pay(id);
    await saga().recover(id);
    await expectSettled(id, fan, scenario.end);
  });
});

/** The wallet with its `hold` paused (before or after the real call) until `open()`; `reached` once it waits. */
function pausedHold(wallet: WalletPort, when: 'before' | 'after') {
  let open = () => {};
  const gate = new Promise<void>((resolve) => {
    open = resolve;
  });
  const state = {
    reached: false,
    open: () => open(),
    wallet: {
      hold: async (request) => {
        const held = when === 'after' ? await wallet.hold(request) : undefined;
        state.reached = true;
        await gate;
        return held ?? wallet.hold(request);
      },
      capture: (request) => wallet.capture(request),
      void: (request) => wallet.void(request),
      refund: (request) => wallet.refund(request),
      credit: (request) => wallet.credit(request),
      getHold: (holdId) => wallet.getHold(holdId),
    } satisfies WalletPort,
  };
  return state;
}

function fail(error: unknown): never {
  throw error;
}

async function waitUntil(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  expect(condition()).toBe(true);
}

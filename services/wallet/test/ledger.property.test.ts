import { randomUUID } from 'node:crypto';
import { DomainError, formatMinor } from '@pcf/kernel';
import { type Fan, newFan, type TestPlatform, testBackends } from '@pcf/kernel/testing';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WalletPort } from '../src/wallet.port.ts';
import { credit, send, startWalletPlatform } from './support.ts';

const FANS = 3;

type Op =
  | { op: 'credit'; fan: number; cents: number }
  | { op: 'send'; from: number; to: number; cents: number }
  | { op: 'hold'; fan: number; cents: number }
  | { op: 'capture'; hold: number; percent: number }
  | { op: 'void'; hold: number }
  | { op: 'refund'; hold: number; percent: number };

const cents = fc.integer({ min: 1, max: 4_000 });
const fan = fc.integer({ min: 0, max: FANS - 1 });
/** Picks among the holds made so far (modulo their count). */
const holdIndex = fc.nat({ max: 1_000 });
const percent = fc.integer({ min: 1, max: 120 });

const opArbitrary: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constant('credit' as const), fan, cents }),
  fc.record({ op: fc.constant('send' as const), from: fan, to: fan, cents }),
  fc.record({ op: fc.constant('hold' as const), fan, cents }),
  fc.record({ op: fc.constant('capture' as const), hold: holdIndex, percent }),
  fc.record({ op: fc.constant('void' as const), hold: holdIndex }),
  fc.record({ op: fc.constant('refund' as const), hold: holdIndex, percent }),
);

interface ModelHold {
  id: string;
  fan: number;
  amount: bigint;
  status: 'active' | 'captured' | 'voided';
  captured: bigint;
  refunded: bigint;
}

/** What the ledger must show: each fan's posted balance and their active holds. */
class Model {
  readonly posted: bigint[] = Array.from({ length: FANS }, () => 0n);
  readonly holds: ModelHold[] = [];

  pick(index: number): ModelHold | undefined {
    return this.holds[index % Math.max(1, this.holds.length)];
  }

  available(fan: number): bigint {
    const held = this.holds
      .filter((h) => h.fan === fan && h.status === 'active')
      .reduce((sum, h) => sum + h.amount, 0n);
    return this.posted[fan]! - held;
  }
}

const eur = (minor: bigint) => formatMinor(minor, 'EUR');

async function domainCode(promise: Promise<unknown>): Promise<string | null> {
  try {
    await promise;
    return null;
  } catch (error) {
    if (error instanceof DomainError) return error.code;
    throw error;
  }
}

/** Applies one operation to the platform and the model, checking that both agree on the outcome. */
async function step(t: TestPlatform, wallet: WalletPort, fans: Fan[], model: Model, op: Op): Promise<void> {
  const key = randomUUID();
  switch (op.op) {
    case 'credit': {
      await credit(t, fans[op.fan]!, eur(BigInt(op.cents)));
      model.posted[op.fan]! += BigInt(op.cents);
      return;
    }
    case 'send': {
      const amount = BigInt(op.cents);
      const response = await send(t, fans[op.from]!, {
        to: fans[op.to]!.id,
        amount: eur(amount),
        asset: 'EUR',
      });
      if (op.from === op.to) return expect(response.statusCode).toBe(400);
      if (model.available(op.from) < amount) {
        expect(response.statusCode).toBe(422);
        return expect(response.json().code).toBe('insufficient_funds');
      }
      expect(response.statusCode).toBe(201);
      model.posted[op.from]! -= amount;
      model.posted[op.to]! += amount;
      return;
    }
    case 'hold': {
      const amount = BigInt(op.cents);
      const request = {
        idempotencyKey: key,
        userId: fans[op.fan]!.id,
        amount: eur(amount),
        asset: 'EUR' as const,
      };
      if (model.available(op.fan) < amount) {
        return expect(await domainCode(wallet.hold({ ...request, merchant: 'shop' }))).toBe(
          'insufficient_funds',
        );
      }
      const hold = await wallet.hold({ ...request, merchant: 'shop' });
      model.holds.push({
        id: hold.holdId,
        fan: op.fan,
        amount,
        status: 'active',
        captured: 0n,
        refunded: 0n,
      });
      return;
    }
    case 'capture': {
      const hold = model.pick(op.hold);
      if (!hold) return;
      const amount = (hold.amount * BigInt(op.percent)) / 100n;
      const outcome = domainCode(
        wallet.capture({ idempotencyKey: key, holdId: hold.id, amount: eur(amount) }),
      );
      if (hold.status !== 'active' || amount === 0n || amount > hold.amount) {
        return expect(await outcome).not.toBeNull();
      }
      expect(await outcome).toBeNull();
      hold.status = 'captured';
      hold.captured = amount;
      model.posted[hold.fan]! -= amount;
      return;
    }
    case 'void': {
      const hold = model.pick(op.hold);
      if (!hold) return;
      const outcome = await domainCode(wallet.void({ idempotencyKey: key, holdId: hold.id }));
      if (hold.status !== 'active') return expect(outcome).not.toBeNull();
      expect(outcome).toBeNull();
      hold.status = 'voided';
      return;
    }
    case 'refund': {
      const hold = model.pick(op.hold);
      if (!hold) return;
      const amount = (hold.captured * BigInt(op.percent)) / 100n;
      const outcome = domainCode(
        wallet.refund({ idempotencyKey: key, holdId: hold.id, amount: eur(amount) }),
      );
      if (hold.status !== 'captured' || amount === 0n || hold.refunded + amount > hold.captured) {
        return expect(await outcome).not.toBeNull();
      }
      expect(await outcome).toBeNull();
      hold.refunded += amount;
      model.posted[hold.fan]! += amount;
      return;
    }
  }
}

async function ledgerInvariants(t: TestPlatform): Promise<void> {
  const db = t.platform.database('wallet');
  const unbalanced = await db.query(
    `SELECT e.transaction_id, a.asset FROM wallet.entries e JOIN wallet.accounts a ON a.id = e.account_id
      GROUP BY e.transaction_id, a.asset HAVING sum(e.amount) <> 0`,
  );
  expect(unbalanced.rows).toEqual([]);
  const negative = await db.query(
    `SELECT id FROM wallet.accounts WHERE owner_type = 'fan' AND (posted < 0 OR posted - pending < 0)`,
  );
  expect(negative.rows).toEqual([]);
  const drift = await db.query(
    `SELECT a.id FROM wallet.accounts a LEFT JOIN wallet.entries e ON e.account_id = a.id
      GROUP BY a.id, a.posted HAVING a.posted <> coalesce(sum(e.amount), 0)`,
  );
  expect(drift.rows).toEqual([]);
}

async function fanBalances(t: TestPlatform, fans: Fan[]): Promise<{ posted: bigint; available: bigint }[]> {
  const result = await t.platform
    .database('wallet')
    .query<{ owner_id: string; posted: string; pending: string }>(
      `SELECT owner_id, posted::text, pending::text FROM wallet.accounts
      WHERE owner_type = 'fan' AND asset = 'EUR' AND owner_id = ANY($1)`,
      [fans.map((f) => f.id)],
    );
  return fans.map((f) => {
    const row = result.rows.find((r) => r.owner_id === f.id);
    const posted = BigInt(row?.posted ?? '0');
    return { posted, available: posted - BigInt(row?.pending ?? '0') };
  });
}

for (const backend of testBackends()) {
  describe(`wallet ledger properties (${backend.name})`, () => {
    let t: TestPlatform;
    beforeAll(async () => {
      t = await startWalletPlatform(backend);
    });
    afterAll(() => t.close());

    it('any sequence of credits, sends, holds, captures, voids and refunds matches the model, sums to zero per asset and never takes a fan below zero', async () => {
      const wallet = t.platform.port<WalletPort>('wallet');
      await fc.assert(
        fc.asyncProperty(
          fc.array(cents, { minLength: FANS, maxLength: FANS }),
          fc.array(opArbitrary, { minLength: 1, maxLength: 30, size: 'max' }),
          async (opening, ops) => {
            const fans = await Promise.all(Array.from({ length: FANS }, (_, i) => newFan(t, `Prop${i}`)));
            const model = new Model();
            for (const [i, amount] of opening.entries())
              await step(t, wallet, fans, model, { op: 'credit', fan: i, cents: amount });
            for (const op of ops) await step(t, wallet, fans, model, op);
            await ledgerInvariants(t);
            const balances = await fanBalances(t, fans);
            expect(balances).toEqual(
              model.posted.map((posted, i) => ({ posted, available: model.available(i) })),
            );
          },
        ),
        { numRuns: backend.name === 'postgres' ? 20 : 40 },
      );
    });
  });
}

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  appliesTo,
  bestUnitPrice,
  bpsToPercent,
  bpsToRate,
  cashbackOn,
  discounted,
  fromPrice,
  type LivePrice,
  type PricedPromotion,
  type PricingLine,
  percentToBps,
  priceCart,
  rateToBps,
  shownPrice,
} from '../src/pricing.ts';

/** The shop's pricing rules (pricing.ts), as pure functions over minor units: no platform, no database. */

const promotion = (overrides: Partial<PricedPromotion> = {}): PricedPromotion => ({
  id: 'flash-1',
  label: 'Vente flash',
  type: 'percentage',
  value: 2_000n, // 20 %
  productIds: [],
  categories: [],
  budgetKind: null,
  budget: null,
  used: 0,
  endsAt: '2099-01-01T00:00:00.000Z',
  ...overrides,
});

const line = (overrides: Partial<PricingLine> = {}): PricingLine => ({
  productId: 'scarf',
  variantId: 'scarf-u',
  category: 'accessoires',
  price: 2_000n,
  quantity: 1,
  ...overrides,
});

const live = (overrides: Partial<LivePrice> = {}): LivePrice => ({
  liveId: 'live-1',
  title: 'Live du match',
  productId: 'scarf',
  variantId: null,
  price: 1_500n,
  ...overrides,
});

const code = (overrides: Partial<PricedPromotion> = {}) => ({
  ...promotion({ id: 'code-1', label: 'ALLEZ10', value: 1_000n }),
  code: 'ALLEZ10',
  ...overrides,
});

const cart = (input: Partial<Parameters<typeof priceCart>[0]> = {}) =>
  priceCart({ lines: [line()], flash: [], live: [], code: null, cashbackBps: 500, ...input });

describe('appliesTo: which products a promotion covers', () => {
  it('covers the whole shop when it names no product and no category', () => {
    expect(appliesTo(promotion(), 'anything', 'maillots')).toBe(true);
  });

  it('covers the products it names and the categories it names, and nothing else', () => {
    const targeted = promotion({ productIds: ['scarf'], categories: ['maillots'] });
    expect(appliesTo(targeted, 'scarf', 'accessoires')).toBe(true);
    expect(appliesTo(targeted, 'home-shirt', 'maillots')).toBe(true);
    expect(appliesTo(targeted, 'cap', 'accessoires')).toBe(false);
  });
});

describe('discounted: one unit after a discount', () => {
  it('takes a percentage in basis points, rounding the discount down (the fan never pays less than the rate)', () => {
    expect(discounted(2_000n, 'percentage', 2_000n)).toBe(1_600n);
    // 20 % of 19.99 is 3.998: 3.99 off, 16.00 to pay.
    expect(discounted(1_999n, 'percentage', 2_000n)).toBe(1_600n);
    // 12.5 % of 0.99 is 0.12375: 0.12 off.
    expect(discounted(99n, 'percentage', 1_250n)).toBe(87n);
    // Under one minor unit of discount is no discount.
    expect(discounted(4n, 'percentage', 2_000n)).toBe(4n);
  });

  it('takes a fixed amount in minor units, never below zero', () => {
    expect(discounted(2_000n, 'fixed', 500n)).toBe(1_500n);
    expect(discounted(2_000n, 'fixed', 2_000n)).toBe(0n);
    expect(discounted(300n, 'fixed', 500n)).toBe(0n);
    expect(discounted(2_000n, 'percentage', 10_000n)).toBe(0n);
  });

  it('stays between zero and the price, and a bigger discount never costs more', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 100_000_000n }),
        fc.constantFrom('percentage' as const, 'fixed' as const),
        fc.bigInt({ min: 0n, max: 10_000n }),
        fc.bigInt({ min: 0n, max: 10_000n }),
        (price, type, a, b) => {
          const [small, big] = a <= b ? [a, b] : [b, a];
          const lower = discounted(price, type, big);
          const higher = discounted(price, type, small);
          expect(lower).toBeGreaterThanOrEqual(0n);
          expect(higher).toBeLessThanOrEqual(price);
          expect(lower).toBeLessThanOrEqual(higher);
        },
      ),
    );
  });
});

describe('bestUnitPrice: the lowest of the regular price, flash sales and live prices', () => {
  it('keeps the regular price when nothing applies', () => {
    const elsewhere = promotion({ productIds: ['cap'] });
    expect(bestUnitPrice(line(), [elsewhere], [live({ productId: 'cap' })])).toEqual({
      unitPrice: 2_000n,
      applied: null,
      promotion: null,
    });
  });

  it('takes the deepest of several flash sales', () => {
    const small = promotion({ id: 'small', label: '−10 %', value: 1_000n });
    const deep = promotion({ id: 'deep', label: '−5 €', type: 'fixed', value: 500n });
    const best = bestUnitPrice(line(), [small, deep], []);
    expect(best.unitPrice).toBe(1_500n);
    expect(best.applied).toEqual({ kind: 'flash', promotionId: 'deep', label: '−5 €' });
    expect(best.promotion?.id).toBe('deep');
  });

  it('prefers a live price when it is lower, and a flash sale when it is lower than the live price', () => {
    expect(bestUnitPrice(line(), [promotion()], [live({ price: 1_500n })]).applied).toEqual({
      kind: 'live',
      liveId: 'live-1',
      label: 'Live du match',
    });
    expect(bestUnitPrice(line(), [promotion()], [live({ price: 1_700n })]).unitPrice).toBe(1_600n);
  });

  it('on a tie, keeps what came first: the regular price before a discount, a flash sale before a live price', () => {
    expect(bestUnitPrice(line(), [promotion({ type: 'fixed', value: 0n })], []).applied).toBeNull();
    expect(bestUnitPrice(line(), [promotion()], [live({ price: 1_600n })]).applied?.kind).toBe('flash');
  });

  it('applies a live price pinned to a variant only to that variant; an unpinned one to every variant', () => {
    const pinned = live({ variantId: 'scarf-xl' });
    expect(bestUnitPrice(line(), [], [pinned]).unitPrice).toBe(2_000n);
    expect(bestUnitPrice(line({ variantId: 'scarf-xl' }), [], [pinned]).unitPrice).toBe(1_500n);
    expect(bestUnitPrice(line({ variantId: 'scarf-xl' }), [], [live()]).unitPrice).toBe(1_500n);
  });

  it('skips a flash sale whose budget left cannot cover the line (units: the quantity; uses: one order)', () => {
    const units = promotion({ budgetKind: 'units', budget: 10, used: 8 });
    expect(bestUnitPrice(line({ quantity: 2 }), [units], []).unitPrice).toBe(1_600n);
    expect(bestUnitPrice(line({ quantity: 3 }), [units], []).unitPrice).toBe(2_000n);
    const uses = promotion({ budgetKind: 'uses', budget: 5, used: 4 });
    expect(bestUnitPrice(line({ quantity: 50 }), [uses], []).unitPrice).toBe(1_600n);
    expect(bestUnitPrice(line(), [{ ...uses, used: 5 }], []).unitPrice).toBe(2_000n);
  });
});

describe('shownPrice and fromPrice: what a client displays', () => {
  it('crosses out the regular price only when a discount lowers it', () => {
    const best = bestUnitPrice(line(), [promotion()], []);
    expect(shownPrice(2_000n, best)).toEqual({
      current: 1_600n,
      original: 2_000n,
      promotion: { kind: 'flash', label: 'Vente flash' },
    });
    expect(shownPrice(2_000n, bestUnitPrice(line(), [], []))).toEqual({
      current: 2_000n,
      original: null,
      promotion: null,
    });
  });

  it('shows a product from its cheapest variant; on a tie, the one at its regular price', () => {
    const regular = { current: 1_600n, original: null, promotion: null };
    const onSale = {
      current: 1_600n,
      original: 2_000n,
      promotion: { kind: 'flash' as const, label: 'Flash' },
    };
    const dear = { current: 2_500n, original: null, promotion: null };
    expect(fromPrice([])).toBeNull();
    expect(fromPrice([dear, onSale])).toBe(onSale);
    expect(fromPrice([onSale, regular, dear])).toBe(regular);
    expect(fromPrice([regular, onSale])).toBe(regular);
  });
});

describe('priceCart: the order total checkout charges', () => {
  it('adds lines at their best price, lists each discount once by label, and pays 5 % cashback rounded down', () => {
    const priced = cart({
      lines: [
        line({ quantity: 2 }),
        line({ productId: 'shirt', variantId: 'shirt-m', category: 'maillots', price: 8_990n }),
      ],
      flash: [promotion({ categories: ['accessoires'] })],
    });
    expect(priced.lines.map((l) => [l.unitPrice, l.lineTotal])).toEqual([
      [1_600n, 3_200n],
      [8_990n, 8_990n],
    ]);
    expect(priced.subtotal).toBe(12_990n);
    expect(priced.discounts).toEqual([{ label: 'Vente flash', amount: 800n }]);
    expect(priced.discountTotal).toBe(800n);
    expect(priced.total).toBe(12_190n);
    // 5 % of 121.90 is 6.095: 6.09.
    expect(priced.cashback).toBe(609n);
    expect(priced.cashbackBps).toBe(500);
    expect(priced.exhausted).toEqual([]);
  });

  it('merges two lines discounted by promotions that share a label into one discount', () => {
    const a = promotion({ id: 'a', productIds: ['scarf'] });
    const b = promotion({ id: 'b', productIds: ['cap'], type: 'fixed', value: 100n });
    const priced = cart({ lines: [line(), line({ productId: 'cap', variantId: 'cap-u' })], flash: [a, b] });
    expect(priced.discounts).toEqual([{ label: 'Vente flash', amount: 500n }]);
  });

  it('counts the budget a flash sale takes: units per unit sold, uses once per order', () => {
    const units = promotion({ id: 'units', budgetKind: 'units', budget: 100 });
    const byUnits = cart({
      lines: [line({ quantity: 3 }), line({ productId: 'cap', variantId: 'cap-u', quantity: 2 })],
      flash: [units],
    });
    expect(byUnits.promotionUses).toEqual([{ promotionId: 'units', amount: 5 }]);
    const uses = promotion({ id: 'uses', budgetKind: 'uses', budget: 100 });
    const byUses = cart({
      lines: [line({ quantity: 3 }), line({ productId: 'cap', variantId: 'cap-u', quantity: 2 })],
      flash: [uses],
    });
    expect(byUses.promotionUses).toEqual([{ promotionId: 'uses', amount: 1 }]);
  });

  it('counts the budget earlier lines of the cart take: it never promises more than checkout can reserve', () => {
    // 5 units left; two lines of 3: the first takes 3, the second (3 > 2 left) pays the regular price. Before,
    // both were discounted and checkout's reservation of 6 units always failed (409 promotion_ended, forever).
    const scarce = promotion({ budgetKind: 'units', budget: 5, used: 0 });
    const priced = cart({
      lines: [line({ quantity: 3 }), line({ productId: 'cap', variantId: 'cap-u', quantity: 3 })],
      flash: [scarce],
    });
    expect(priced.lines.map((l) => l.unitPrice)).toEqual([1_600n, 2_000n]);
    expect(priced.promotionUses).toEqual([{ promotionId: 'flash-1', amount: 3 }]);
    expect(priced.exhausted).toEqual([{ promotionId: 'flash-1', kind: 'flash', label: 'Vente flash' }]);
    // A uses budget is taken once per order, however many lines it discounts.
    const lastUse = promotion({ budgetKind: 'uses', budget: 1, used: 0 });
    const both = cart({
      lines: [line({ quantity: 3 }), line({ productId: 'cap', variantId: 'cap-u', quantity: 3 })],
      flash: [lastUse],
    });
    expect(both.lines.map((l) => l.unitPrice)).toEqual([1_600n, 1_600n]);
    expect(both.promotionUses).toEqual([{ promotionId: 'flash-1', amount: 1 }]);
  });

  it('reports a flash sale out of budget for a line and charges the regular price there', () => {
    const scarce = promotion({ budgetKind: 'units', budget: 10, used: 9 });
    const priced = cart({ lines: [line({ quantity: 2 })], flash: [scarce] });
    expect(priced.total).toBe(4_000n);
    expect(priced.discounts).toEqual([]);
    expect(priced.promotionUses).toEqual([]);
    expect(priced.exhausted).toEqual([{ promotionId: 'flash-1', kind: 'flash', label: 'Vente flash' }]);
  });

  it('applies a percentage code to the eligible lines after their flash price, rounding the discount down', () => {
    const priced = cart({
      lines: [
        line(),
        line({ productId: 'shirt', variantId: 'shirt-m', category: 'maillots', price: 8_995n }),
      ],
      flash: [promotion({ productIds: ['scarf'] })],
      code: code({ categories: ['accessoires', 'maillots'] }),
    });
    // 10 % of (16.00 + 89.95) = 10.595: 10.59 off.
    expect(priced.discounts).toEqual([
      { label: 'Vente flash', amount: 400n },
      { label: 'ALLEZ10', amount: 1_059n },
    ]);
    expect(priced.total).toBe(10_995n - 400n - 1_059n);
    expect(priced.discountCode).toEqual({ id: 'code-1', code: 'ALLEZ10', label: 'ALLEZ10' });
    expect(priced.promotionUses).toEqual([
      { promotionId: 'flash-1', amount: 1 },
      { promotionId: 'code-1', amount: 1 },
    ]);
  });

  it('caps a fixed code at the eligible amount, so the total never goes below zero', () => {
    const priced = cart({ lines: [line({ price: 300n })], code: code({ type: 'fixed', value: 500n }) });
    expect(priced.discounts).toEqual([{ label: 'ALLEZ10', amount: 300n }]);
    expect(priced.total).toBe(0n);
    expect(priced.cashback).toBe(0n);
  });

  it('ignores a code that covers none of the lines (no discount, not reported as exhausted)', () => {
    const priced = cart({ code: code({ productIds: ['cap'] }) });
    expect(priced.discountCode).toBeNull();
    expect(priced.discounts).toEqual([]);
    expect(priced.exhausted).toEqual([]);
  });

  it('reports a code out of budget before the flash sales out of budget, and applies neither', () => {
    const priced = cart({
      lines: [line({ quantity: 2 })],
      flash: [promotion({ budgetKind: 'units', budget: 1, used: 0 })],
      code: code({ budgetKind: 'uses', budget: 3, used: 3 }),
    });
    expect(priced.discountCode).toBeNull();
    expect(priced.total).toBe(4_000n);
    expect(priced.exhausted.map((e) => e.kind)).toEqual(['code', 'flash']);
  });

  it('counts a units-budget code by the eligible quantity', () => {
    const priced = cart({
      lines: [line({ quantity: 4 }), line({ productId: 'cap', variantId: 'cap-u', quantity: 3 })],
      code: code({ productIds: ['scarf'], budgetKind: 'units', budget: 4, used: 0 }),
    });
    expect(priced.promotionUses).toEqual([{ promotionId: 'code-1', amount: 4 }]);
    const short = cart({
      lines: [line({ quantity: 5 })],
      code: code({ budgetKind: 'units', budget: 4, used: 0 }),
    });
    expect(short.exhausted).toEqual([{ promotionId: 'code-1', kind: 'code', label: 'ALLEZ10' }]);
  });

  it('for any cart: total = subtotal − discounts, between 0 and the subtotal; every line at most its price', () => {
    const lineArb = fc.record({
      productId: fc.constantFrom('scarf', 'cap', 'shirt'),
      variantId: fc.constantFrom('u', 'xl'),
      category: fc.constantFrom('accessoires', 'maillots'),
      price: fc.bigInt({ min: 0n, max: 1_000_000n }),
      quantity: fc.integer({ min: 1, max: 20 }),
    });
    const promotionArb = fc.record({
      id: fc.constantFrom('p1', 'p2', 'p3'),
      label: fc.constantFrom('Flash', 'Soldes'),
      type: fc.constantFrom('percentage' as const, 'fixed' as const),
      value: fc.bigInt({ min: 0n, max: 10_000n }),
      productIds: fc.subarray(['scarf', 'cap', 'shirt']),
      categories: fc.subarray(['accessoires', 'maillots']),
      budgetKind: fc.constantFrom('units' as const, 'uses' as const, null),
      budget: fc.option(fc.integer({ min: 0, max: 30 })),
      used: fc.integer({ min: 0, max: 30 }),
      endsAt: fc.constant('2099-01-01T00:00:00.000Z'),
    });
    const liveArb = fc.record({
      liveId: fc.constant('live'),
      title: fc.constant('Live'),
      productId: fc.constantFrom('scarf', 'cap', 'shirt'),
      variantId: fc.constantFrom('u', 'xl', null),
      price: fc.bigInt({ min: 0n, max: 1_000_000n }),
    });
    fc.assert(
      fc.property(
        fc.array(lineArb, { minLength: 1, maxLength: 5 }),
        fc.uniqueArray(promotionArb, { maxLength: 3, selector: (p) => p.id }),
        fc.array(liveArb, { maxLength: 2 }),
        fc.option(promotionArb.map((p) => ({ ...p, id: 'code', code: 'CODE' }))),
        fc.integer({ min: 0, max: 10_000 }),
        (lines, flash, lives, discountCode, cashbackBps) => {
          const priced = priceCart({ lines, flash, live: lives, code: discountCode, cashbackBps });
          expect(priced.subtotal).toBe(lines.reduce((sum, l) => sum + l.price * BigInt(l.quantity), 0n));
          expect(priced.total).toBe(priced.subtotal - priced.discountTotal);
          expect(priced.discountTotal).toBe(priced.discounts.reduce((sum, d) => sum + d.amount, 0n));
          expect(priced.total).toBeGreaterThanOrEqual(0n);
          expect(priced.total).toBeLessThanOrEqual(priced.subtotal);
          expect(priced.discounts.every((d) => d.amount > 0n)).toBe(true);
          for (const l of priced.lines) {
            expect(l.unitPrice).toBeGreaterThanOrEqual(0n);
            expect(l.unitPrice).toBeLessThanOrEqual(l.price);
            expect(l.lineTotal).toBe(l.unitPrice * BigInt(l.quantity));
          }
          // Every budget a promotion takes fits what it has left.
          for (const use of priced.promotionUses) {
            const p = use.promotionId === 'code' ? discountCode : flash.find((f) => f.id === use.promotionId);
            if (p && p.budget !== null) expect(p.used + use.amount).toBeLessThanOrEqual(p.budget);
          }
          expect(priced.cashback).toBe(cashbackOn(priced.total, cashbackBps));
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('cashback and rate conversions', () => {
  it('rounds cashback down to the minor unit', () => {
    expect(cashbackOn(1_999n, 500)).toBe(99n);
    expect(cashbackOn(19n, 500)).toBe(0n);
    expect(cashbackOn(10_000n, 10_000)).toBe(10_000n);
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 10n ** 12n }),
        fc.integer({ min: 0, max: 10_000 }),
        (total, bps) => {
          const cashback = cashbackOn(total, bps);
          expect(cashback * 10_000n).toBeLessThanOrEqual(total * BigInt(bps));
          expect((cashback + 1n) * 10_000n).toBeGreaterThan(total * BigInt(bps));
        },
      ),
    );
  });

  it('reads and writes cashback rates: "0.05" is 500 basis points', () => {
    expect(rateToBps('0.05')).toBe(500);
    expect(rateToBps('0')).toBe(0);
    expect(rateToBps('1')).toBe(10_000);
    expect(rateToBps('0.0125')).toBe(125);
    expect(bpsToRate(500)).toBe('0.05');
    expect(bpsToRate(1_000)).toBe('0.10');
    expect(bpsToRate(125)).toBe('0.0125');
    expect(bpsToRate(0)).toBe('0.00');
    expect(bpsToRate(10_000)).toBe('1.00');
    for (const bad of ['2', '0.12345', '-0.05', '.05', '0,05', '5%']) expect(rateToBps(bad)).toBeNaN();
    fc.assert(fc.property(fc.integer({ min: 0, max: 19_999 }), (bps) => rateToBps(bpsToRate(bps)) === bps));
  });

  it('reads and writes percentages: "12.5" is 1250 basis points', () => {
    expect(percentToBps('20')).toBe(2_000);
    expect(percentToBps('12.5')).toBe(1_250);
    expect(percentToBps('0.05')).toBe(5);
    expect(bpsToPercent(2_000n)).toBe('20');
    expect(bpsToPercent(1_250n)).toBe('12.5');
    expect(bpsToPercent(5n)).toBe('0.05');
    for (const bad of ['1000', '12.345', '-5', '5 %', '']) expect(percentToBps(bad)).toBeNaN();
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 99_999 }),
        (bps) => percentToBps(bpsToPercent(BigInt(bps))) === bps,
      ),
    );
  });
});

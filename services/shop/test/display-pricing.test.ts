import { describe, expect, it } from 'vitest';
import {
  bestUnitPrice,
  fromPrice,
  type LivePrice,
  type PricedPromotion,
  shownPrice,
} from '../src/pricing.ts';

const flash = (value: bigint, extra: Partial<PricedPromotion> = {}): PricedPromotion => ({
  id: 'f1',
  label: 'Flash −20 %',
  type: 'percentage',
  value,
  productIds: [],
  categories: [],
  budgetKind: null,
  budget: null,
  used: 0,
  endsAt: '2099-01-01T00:00:00Z',
  ...extra,
});
const pin = (price: bigint, variantId: string | null = null): LivePrice => ({
  liveId: 'l1',
  title: 'Live du match',
  productId: 'p1',
  variantId,
  price,
});
const line = (price: bigint, variantId = 'v1') => ({
  productId: 'p1',
  variantId,
  category: 'maillots',
  price,
  quantity: 1,
});

describe('the price a client shows (pricing.ts)', () => {
  it('is the regular price, nothing crossed out, without a discount', () => {
    expect(shownPrice(8990n, bestUnitPrice(line(8990n), [], []))).toEqual({
      current: 8990n,
      original: null,
      promotion: null,
    });
  });

  it('is the lower of a flash sale and a live price — what checkout charges — with that discount’s label', () => {
    // −20 % of 100.00 = 80.00 beats a live price of 90.00: the widget's old rule showed 90.00.
    expect(shownPrice(10000n, bestUnitPrice(line(10000n), [flash(2000n)], [pin(9000n)]))).toEqual({
      current: 8000n,
      original: 10000n,
      promotion: { kind: 'flash', label: 'Flash −20 %' },
    });
    expect(shownPrice(10000n, bestUnitPrice(line(10000n), [flash(2000n)], [pin(7000n)]))).toEqual({
      current: 7000n,
      original: 10000n,
      promotion: { kind: 'live', label: 'Live du match' },
    });
  });

  it('ignores a flash sale out of budget and a live pin of another variant', () => {
    const spent = flash(2000n, { budgetKind: 'units', budget: 5, used: 5 });
    expect(shownPrice(10000n, bestUnitPrice(line(10000n), [spent], [pin(5000n, 'v2')]))).toEqual({
      current: 10000n,
      original: null,
      promotion: null,
    });
  });

  it('a product’s "from" price is its cheapest variant now, with that variant’s own original', () => {
    const small = shownPrice(10000n, bestUnitPrice(line(10000n, 'v1'), [], [pin(5000n, 'v1')]));
    const medium = shownPrice(6000n, bestUnitPrice(line(6000n, 'v2'), [], [pin(5000n, 'v1')]));
    expect(fromPrice([medium, small])).toEqual({
      current: 5000n,
      original: 10000n,
      promotion: { kind: 'live', label: 'Live du match' },
    });
    // On a tie, the variant at its regular price: nothing is crossed out when something costs as little anyway.
    const plain = { current: 5000n, original: null, promotion: null };
    expect(fromPrice([small, plain])).toEqual(plain);
    expect(fromPrice([plain, small])).toEqual(plain);
    expect(fromPrice([])).toBeNull();
  });
});

import { describe, expect, it } from 'vitest';
import { type LostPromotion, priceChange } from '../src/price-check.ts';

const code: LostPromotion = { kind: 'code', id: 'c', label: 'ALLEZ10', reason: 'code_exhausted' };
const flash: LostPromotion = { kind: 'flash', id: 'f', label: 'Flash', reason: 'flash_sale_exhausted' };

describe('priceChange: checkout charges what the fan was shown', () => {
  it('charges exactly the total shown', () => {
    expect(priceChange(995n, 995n, [])).toBeNull();
    // The total shown is still the total: a promotion the cart no longer showed changes nothing.
    expect(priceChange(1990n, 1990n, [code, flash])).toBeNull();
  });

  it('any other total is a change to confirm: promotion_ended when a discount was lost, else price_changed', () => {
    expect(priceChange(1990n, 995n, [code])).toEqual({
      code: 'promotion_ended',
      reason: 'code_exhausted',
      total: 1990n,
      expected: 995n,
      promotions: [code],
    });
    expect(priceChange(2500n, 2000n, [flash])?.reason).toBe('flash_sale_exhausted');
    expect(priceChange(1400n, 1200n, [])).toMatchObject({ code: 'price_changed', reason: 'price_increased' });
    expect(priceChange(1100n, 1400n, [])).toMatchObject({ code: 'price_changed', reason: 'price_decreased' });
  });

  it('without expectedTotal, only the client’s own code that vanished is refused', () => {
    expect(priceChange(1990n, undefined, [code, flash])).toEqual({
      code: 'promotion_ended',
      reason: 'code_exhausted',
      total: 1990n,
      expected: null,
      promotions: [code],
    });
    expect(priceChange(2500n, undefined, [flash])).toBeNull();
    expect(priceChange(2500n, undefined, [])).toBeNull();
  });
});

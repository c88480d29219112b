import { describe, expect, it, vi } from 'vitest';
import { productsPath, type Variant } from '../src/shop/shop-api.ts';
import {
  appendPage,
  clubOption,
  compareDecimal,
  debounce,
  discountCode,
  firstInStock,
  isOwnImage,
  keepsIdempotencyKey,
  liveKey,
  liveNow,
  priceChangeOf,
  ratePercent,
  rereadsCart,
  timeLeft,
} from '../src/shop/shop-logic.ts';

const eur = (amount: string) => ({ amount, asset: 'EUR' as const });
const variant = (id: string, price: string, extra: Partial<Variant> = {}): Variant => ({
  id,
  sku: id,
  label: id,
  attributes: {},
  price: eur(price),
  salePrice: null,
  displayPrice: { current: eur(price), original: null, promotion: null },
  stock: 5,
  inStock: true,
  ...extra,
});

describe('shop logic', () => {
  it('picks the first variant in stock', () => {
    const variants = [
      variant('s', '89.90', { stock: 0, inStock: false }),
      variant('m', '89.90'),
      variant('l', '89.90'),
    ];
    expect(firstInStock({ variants })?.id).toBe('m');
    expect(firstInStock({ variants: [variant('s', '1', { stock: 0, inStock: false })] })).toBeNull();
  });

  it('compares decimal strings exactly', () => {
    expect(compareDecimal('89.90', '89.9')).toBe(0);
    expect(compareDecimal('100', '99.99')).toBe(1);
    expect(compareDecimal('0.10', '0.09')).toBe(1);
    expect(compareDecimal('9007199254740993.01', '9007199254740993.02')).toBe(-1);
    expect(compareDecimal('007.5', '7.50')).toBe(0);
  });

  it('counts down to the end of a promotion', () => {
    const now = Date.parse('2026-05-01T10:00:00Z');
    expect(timeLeft('2026-05-01T12:14:05Z', now)).toEqual({ days: 0, clock: '02:14:05' });
    expect(timeLeft('2026-05-03T10:00:01Z', now)).toEqual({ days: 2, clock: '00:00:01' });
    expect(timeLeft('2026-05-01T10:00:00Z', now)).toBeNull();
    expect(timeLeft('not a date', now)).toBeNull();
  });

  it('turns a cashback rate into a percentage without floats', () => {
    expect(ratePercent('0.05')).toBe('5');
    expect(ratePercent('0.075')).toBe('7.5');
    expect(ratePercent('0.1')).toBe('10');
    expect(ratePercent('0.07')).toBe('7');
    expect(ratePercent('1')).toBe('100');
  });

  it('tells when the set of live sessions changed (the server’s prices may have), whatever their order', () => {
    const session = (id: string, isLive: boolean) => ({
      id,
      title: id,
      startsAt: '',
      endsAt: '',
      isLive,
      viewers: 0,
      streamUrl: null,
      products: [{ productId: 'p1', variantId: null, livePrice: eur('50.00') }],
    });
    expect(liveNow([session('l1', true), session('l2', false)]).map((l) => l.id)).toEqual(['l1']);
    expect(liveKey([session('l2', true), session('l1', true)])).toBe(
      liveKey([session('l1', true), session('l2', true)]),
    );
    expect(liveKey([session('l1', true)])).not.toBe(liveKey([session('l1', false)]));
    expect(liveKey([session('l1', false)])).toBe(liveKey([]));
  });

  it('keeps the Idempotency-Key only to retry the same attempt', () => {
    expect(keepsIdempotencyKey(0, 'network_error')).toBe(true);
    expect(keepsIdempotencyKey(503, 'wallet_unavailable')).toBe(true);
    expect(keepsIdempotencyKey(409, 'idempotency_request_in_progress')).toBe(true);
    expect(keepsIdempotencyKey(422, 'insufficient_funds')).toBe(false);
    expect(keepsIdempotencyKey(409, 'out_of_stock')).toBe(false);
    expect(keepsIdempotencyKey(409, 'promotion_ended')).toBe(false);
    expect(keepsIdempotencyKey(422, 'empty_cart')).toBe(false);
    expect(rereadsCart('promotion_ended')).toBe(true);
    expect(rereadsCart('insufficient_funds')).toBe(false);
  });

  it('reads a checkout refused because the total changed (409 promotion_ended / price_changed)', () => {
    const refused = (code: string, extensions: Record<string, unknown>, status = 409) => ({
      status,
      code,
      extensions,
    });
    expect(
      priceChangeOf(
        refused('promotion_ended', {
          reason: 'code_exhausted',
          total: eur('19.90'),
          expectedTotal: eur('9.95'),
          promotions: [{ kind: 'code', label: 'ALLEZ10', reason: 'code_exhausted' }, { nope: 1 }],
        }),
        eur('1.00'),
      ),
    ).toEqual({
      code: 'promotion_ended',
      reason: 'code_exhausted',
      shown: eur('9.95'),
      total: eur('19.90'),
      promotions: ['ALLEZ10'],
    });
    // No expectedTotal echoed: the total the widget sent; an unknown reason is kept as null.
    expect(
      priceChangeOf(refused('price_changed', { reason: 'moon_phase', total: eur('11.00') }), eur('14.00')),
    ).toEqual({
      code: 'price_changed',
      reason: null,
      shown: eur('14.00'),
      total: eur('11.00'),
      promotions: [],
    });
    // Anything else is not a price change: other codes, other statuses, a missing or malformed total.
    expect(priceChangeOf(refused('out_of_stock', { total: eur('1.00') }), null)).toBeNull();
    expect(priceChangeOf(refused('price_changed', { total: eur('1.00') }, 422), null)).toBeNull();
    expect(priceChangeOf(refused('price_changed', {}), null)).toBeNull();
    expect(
      priceChangeOf(refused('price_changed', { total: { amount: '1e3', asset: 'EUR' } }), null),
    ).toBeNull();
    expect(
      priceChangeOf(refused('price_changed', { total: { amount: '1.00', asset: '<b>' } }), null),
    ).toBeNull();
    expect(keepsIdempotencyKey(409, 'price_changed')).toBe(false);
    expect(rereadsCart('price_changed')).toBe(true);
  });

  it('joins catalogue pages without duplicates', () => {
    expect(appendPage([{ id: 'a' }, { id: 'b' }], [{ id: 'b' }, { id: 'c' }]).map((p) => p.id)).toEqual([
      'a',
      'b',
      'c',
    ]);
  });

  it('accepts only our own images, well-formed clubs and discount codes', () => {
    expect(isOwnImage('/v1/shop/images/abc-123.svg')).toBe(true);
    expect(isOwnImage('https://evil.example/x.png')).toBe(false);
    expect(isOwnImage('//evil.example/v1/shop/images/x')).toBe(false);
    expect(isOwnImage('/v1/shop/images/../../x')).toBe(false);
    expect(isOwnImage(null)).toBe(false);
    expect(clubOption('psg')).toBe('psg');
    expect(clubOption('PSG; drop')).toBeNull();
    expect(clubOption(42)).toBeNull();
    expect(discountCode(' ALLEZ10 ')).toBe('ALLEZ10');
    expect(discountCode('<script>')).toBeNull();
    expect(discountCode(undefined)).toBeNull();
  });

  it('builds catalogue URLs without empty parameters', () => {
    expect(
      productsPath({ club: 'monaco', q: '', category: undefined, limit: 12, cursor: null, locale: 'fr' }),
    ).toBe('/v1/shop/products?club=monaco&limit=12&locale=fr');
    expect(productsPath({ club: 'monaco', q: 'maillôt domicile' })).toBe(
      '/v1/shop/products?club=monaco&q=maill%C3%B4t+domicile',
    );
  });

  it('debounces search input', () => {
    vi.useFakeTimers();
    const run = vi.fn();
    const search = debounce(run, 300);
    search('m');
    search('ma');
    vi.advanceTimersByTime(299);
    expect(run).not.toHaveBeenCalled();
    search('mai');
    vi.advanceTimersByTime(300);
    expect(run).toHaveBeenCalledOnce();
    expect(run).toHaveBeenCalledWith('mai');
    search('x');
    search.cancel();
    vi.advanceTimersByTime(1000);
    expect(run).toHaveBeenCalledOnce();
    vi.useRealTimers();
  });
});

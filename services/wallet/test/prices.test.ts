import { ASSETS, type Asset } from '@pcf/kernel';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConfigPriceFeed, convertMinor, decimalFraction, rateText } from '../src/prices.ts';

/** Exchange rates over exact fractions (prices.ts): no platform, no database, no floating point. */

// The default table (kernel DEFAULT_PRICES_EUR): 1 USD = 0.92 EUR, 1 BTC = 88,000 EUR.
const feed = new ConfigPriceFeed({ EUR: '1', USD: '0.92', USDC: '0.92', BTC: '88000', ETH: '3100' });

describe('decimalFraction', () => {
  it('reads a decimal string as an exact fraction', () => {
    expect(decimalFraction('88000')).toEqual({ numerator: 88_000n, denominator: 1n });
    expect(decimalFraction('0.92')).toEqual({ numerator: 92n, denominator: 100n });
    expect(decimalFraction('1.000001')).toEqual({ numerator: 1_000_001n, denominator: 1_000_000n });
  });
});

describe('ConfigPriceFeed', () => {
  it('answers the configured price of an asset, and refuses an asset it has no price for', () => {
    expect(feed.priceInEur('BTC')).toEqual({ numerator: 88_000n, denominator: 1n });
    expect(() => new ConfigPriceFeed({ EUR: '1' }).priceInEur('BTC')).toThrow('no price for BTC');
  });
});

describe('convertMinor: minor units of one asset in another, rounded down', () => {
  it('converts at the table’s prices and scales (EUR 2 decimals, BTC 8, ETH 18)', () => {
    // 0.01 BTC = 880.00 EUR
    expect(convertMinor(feed, 1_000_000n, 'BTC', 'EUR')).toBe(88_000n);
    // 880.00 EUR = 0.01 BTC
    expect(convertMinor(feed, 88_000n, 'EUR', 'BTC')).toBe(1_000_000n);
    // 1 ETH (10^18 wei) = 3,100.00 EUR
    expect(convertMinor(feed, 10n ** 18n, 'ETH', 'EUR')).toBe(310_000n);
    // 1.00 USD = 0.92 EUR; 1 USDC (6 decimals) = 1.00 USD
    expect(convertMinor(feed, 100n, 'USD', 'EUR')).toBe(92n);
    expect(convertMinor(feed, 1_000_000n, 'USDC', 'USD')).toBe(100n);
  });

  it('rounds down: never gives away a fraction of a minor unit', () => {
    // 980.00 EUR / 0.92 = 1,065.2173… USD → 1,065.21
    expect(convertMinor(feed, 98_000n, 'EUR', 'USD')).toBe(106_521n);
    // 0.01 EUR / 0.92 = 0.0108… USD → 0.01
    expect(convertMinor(feed, 1n, 'EUR', 'USD')).toBe(1n);
    // 1 satoshi = 0.00088 EUR → 0.00
    expect(convertMinor(feed, 1n, 'BTC', 'EUR')).toBe(0n);
  });

  it('keeps an amount in its own asset, and a round trip never gains', () => {
    const asset = fc.constantFrom<Asset>(...ASSETS);
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 24n }), asset, asset, (minor, from, to) => {
        expect(convertMinor(feed, minor, from, from)).toBe(minor);
        const there = convertMinor(feed, minor, from, to);
        expect(there).toBeGreaterThanOrEqual(0n);
        expect(convertMinor(feed, there, to, from)).toBeLessThanOrEqual(minor);
      }),
    );
  });

  it('is monotone: more of one asset is never less of another', () => {
    const asset = fc.constantFrom<Asset>(...ASSETS);
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 10n ** 20n }),
        fc.bigInt({ min: 0n, max: 10n ** 20n }),
        asset,
        asset,
        (a, b, from, to) => {
          const [small, big] = a <= b ? [a, b] : [b, a];
          expect(convertMinor(feed, small, from, to)).toBeLessThanOrEqual(convertMinor(feed, big, from, to));
        },
      ),
    );
  });
});

describe('rateText: units of one asset per unit of another, 12 decimals at most', () => {
  it('writes exact rates without trailing zeros, and truncates the others', () => {
    expect(rateText(feed, 'BTC', 'EUR')).toBe('88000');
    expect(rateText(feed, 'USD', 'EUR')).toBe('0.92');
    expect(rateText(feed, 'EUR', 'EUR')).toBe('1');
    expect(rateText(feed, 'USD', 'USDC')).toBe('1');
    // 1 / 0.92 = 1.0869565217391…
    expect(rateText(feed, 'EUR', 'USD')).toBe('1.086956521739');
    // 3,100 / 88,000 = 0.0352272727…
    expect(rateText(feed, 'ETH', 'BTC')).toBe('0.035227272727');
    // 10 EUR per unit: a trailing zero of the whole part stays.
    expect(rateText(new ConfigPriceFeed({ EUR: '1', USD: '10' }), 'USD', 'EUR')).toBe('10');
  });
});

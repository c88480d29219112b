import { describe, expect, it } from 'vitest';
import { formatMoney, isNegative, parseAmount } from '../src/money.ts';

/** Intl uses narrow and regular no-break spaces; compare with plain spaces. */
const plain = (text: string) => text.replace(/[\u00a0\u202f]/g, ' ');

describe('formatMoney', () => {
  it('formats euros the French way by default', () => {
    expect(plain(formatMoney('1247.50', 'EUR', 'fr'))).toBe('1 247,50 €');
  });

  it('formats in English', () => {
    expect(formatMoney('1247.50', 'EUR', 'en')).toBe('€1,247.50');
    expect(formatMoney('150', 'USD', 'en')).toBe('US$150.00');
  });

  it('keeps every decimal of crypto amounts exactly, without floats', () => {
    expect(plain(formatMoney('0.0125', 'BTC', 'fr'))).toBe('0,0125 BTC');
    expect(plain(formatMoney('1.000000000000000001', 'ETH', 'en'))).toBe('1.000000000000000001 ETH');
    expect(formatMoney('9007199254740993.01', 'EUR', 'en')).toBe('€9,007,199,254,740,993.01');
  });

  it('signs history amounts when asked', () => {
    expect(formatMoney('10.00', 'EUR', 'en', true)).toBe('+€10.00');
    expect(formatMoney('-10.00', 'EUR', 'en', true)).toBe('-€10.00');
  });
});

describe('parseAmount', () => {
  it('accepts French and English decimal separators and grouping', () => {
    expect(parseAmount('10', 'EUR')).toBe('10');
    expect(parseAmount('10,5', 'EUR')).toBe('10.5');
    expect(parseAmount(' 1 000,00 ', 'EUR')).toBe('1000.00');
    expect(parseAmount('1,000.50', 'EUR')).toBe('1000.50');
    expect(parseAmount('007.10', 'EUR')).toBe('7.10');
  });

  it('rejects what the API would reject', () => {
    for (const bad of ['', 'abc', '-1', '0', '0.00', '1e3', '12.345', '1.2.3']) {
      expect(parseAmount(bad, 'EUR')).toBeNull();
    }
  });

  it('allows each asset its own decimals', () => {
    expect(parseAmount('0.00000001', 'BTC')).toBe('0.00000001');
    expect(parseAmount('0.000000001', 'BTC')).toBeNull();
    expect(parseAmount('0.000001', 'USDC')).toBe('0.000001');
  });

  it('tells negative amounts', () => {
    expect(isNegative('-10.00')).toBe(true);
    expect(isNegative('10.00')).toBe(false);
  });
});

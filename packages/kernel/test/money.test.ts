import { describe, expect, it } from 'vitest';
import { ValidationError } from '../src/errors.ts';
import {
  AmountTooLargeError,
  type Asset,
  addMoney,
  formatMinor,
  maxAmountMinor,
  parseMoney,
  percentOf,
  subtractMoney,
} from '../src/money.ts';

function catchError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}

describe('parseMoney', () => {
  it.each([
    ['12.50', 'EUR', 1250n],
    ['12.5', 'EUR', 1250n],
    ['12', 'EUR', 1200n],
    ['0.01', 'USD', 1n],
    ['1.000001', 'USDC', 1_000_001n],
    ['0.00000001', 'BTC', 1n],
    ['1.000000000000000001', 'ETH', 1_000_000_000_000_000_001n],
    ['1000000', 'EUR', 100_000_000n],
    ['15', 'BTC', 1_500_000_000n],
  ])('parses %s %s into %s minor units', (input, asset, minor) => {
    expect(parseMoney(input, asset)).toEqual({ minor, asset });
  });

  // Amounts beyond the per-operation maximum are still read exactly where a caller asks for no maximum.
  it.each([
    ['21000000', 'BTC', 2_100_000_000_000_000n],
    ['123456789012345678901234567890.5', 'EUR', 12345678901234567890123456789050n],
  ])('parses %s %s into %s minor units when unbounded', (input, asset, minor) => {
    expect(parseMoney(input, asset, { unbounded: true })).toEqual({ minor, asset });
  });

  it.each([
    ['1000000.01', 'EUR', '1000000.00'],
    ['1000001', 'USD', '1000000.00'],
    ['1000000.000001', 'USDC', '1000000.000000'],
    ['15.00000001', 'BTC', '15.00000000'],
    ['400.000000000000000001', 'ETH', '400.000000000000000000'],
    ['21000000', 'BTC', '15.00000000'],
    ['1'.repeat(76), 'EUR', '1000000.00'],
    [`${'9'.repeat(5000)}.99`, 'EUR', '1000000.00'],
  ])('refuses %s %s: over the per-operation maximum %s (amount_too_large)', (input, asset, maximum) => {
    const error = catchError(() => parseMoney(input, asset, { field: 'amount' }));
    expect(error).toBeInstanceOf(AmountTooLargeError);
    expect(error).toMatchObject({
      category: 'validation',
      code: 'amount_too_large',
      extra: { maximum, asset, errors: [{ field: 'amount' }] },
    });
    expect(maxAmountMinor(asset as Asset)).toBe(BigInt(maximum.replace('.', '')));
  });

  it('refuses a huge negative amount as negative, without reading it', () => {
    expect(() => parseMoney(`-${'9'.repeat(100)}`, 'EUR')).toThrow('must not be negative');
  });

  it.each([
    ['12.345', 'EUR', 'more than 2 decimal places'],
    ['0.000000001', 'BTC', 'more than 8 decimal places'],
    ['-1', 'EUR', 'must not be negative'],
    ['1e3', 'EUR', 'not a decimal number'],
    ['abc', 'EUR', 'not a decimal number'],
    ['', 'EUR', 'not a decimal number'],
    [' 1', 'EUR', 'not a decimal number'],
    ['1.', 'EUR', 'not a decimal number'],
    ['.5', 'EUR', 'not a decimal number'],
    ['01', 'EUR', 'not a decimal number'],
    ['+1', 'EUR', 'not a decimal number'],
    ['1,50', 'EUR', 'not a decimal number'],
    ['0', 'EUR', 'greater than zero'],
    ['0.00', 'EUR', 'greater than zero'],
    ['Infinity', 'EUR', 'not a decimal number'],
    ['0x10', 'EUR', 'not a decimal number'],
  ])('rejects %j %s with a clear message', (input, asset, message) => {
    expect(() => parseMoney(input, asset)).toThrow(ValidationError);
    expect(() => parseMoney(input, asset)).toThrow(message);
  });

  it('rejects non-strings, including numbers that would lose precision', () => {
    expect(() => parseMoney(12.5, 'EUR')).toThrow('must be a decimal string');
    expect(() => parseMoney(null, 'EUR')).toThrow('must be a decimal string');
  });

  it('rejects unknown assets and names the field', () => {
    expect(() => parseMoney('1', 'DOGE', { field: 'price' })).toThrow('price: unknown asset "DOGE"');
    try {
      parseMoney('1.234', 'EUR', { field: 'price' });
    } catch (error) {
      expect((error as ValidationError).extra).toEqual({
        errors: [{ field: 'price', message: 'price "1.234" has more than 2 decimal places for EUR' }],
      });
    }
  });

  it('accepts zero and negatives only when asked', () => {
    expect(parseMoney('0', 'EUR', { allowZero: true }).minor).toBe(0n);
    expect(parseMoney('-0.5', 'EUR', { allowNegative: true }).minor).toBe(-50n);
  });
});

describe('formatMinor', () => {
  it.each([
    [1250n, 'EUR', '12.50'],
    [0n, 'EUR', '0.00'],
    [5n, 'EUR', '0.05'],
    [-5n, 'EUR', '-0.05'],
    [1n, 'BTC', '0.00000001'],
    [1_000_000n, 'USDC', '1.000000'],
    [1n, 'ETH', '0.000000000000000001'],
  ] as const)('formats %s %s as %s', (minor, asset, text) => {
    expect(formatMinor(minor, asset)).toBe(text);
  });

  it('round-trips every parsed value', () => {
    for (const text of ['0.01', '99.99', '1000000.00', '12345.67']) {
      expect(formatMinor(parseMoney(text, 'EUR').minor, 'EUR')).toBe(text);
    }
  });
});

describe('arithmetic', () => {
  it('adds and subtracts within one asset only', () => {
    const a = parseMoney('1.10', 'EUR');
    const b = parseMoney('0.20', 'EUR');
    expect(addMoney(a, b).minor).toBe(130n);
    expect(subtractMoney(a, b).minor).toBe(90n);
    expect(() => addMoney(a, parseMoney('1', 'USD'))).toThrow('cannot combine EUR with USD');
  });

  it('takes percentages in basis points, rounding down to the minor unit', () => {
    expect(percentOf(parseMoney('19.99', 'EUR'), 500).minor).toBe(99n); // 5 % of 19.99 = 0.9995 → 0.99
    expect(percentOf(parseMoney('100.00', 'EUR'), 500).minor).toBe(500n);
    expect(() => percentOf(parseMoney('1', 'EUR'), 2.5)).toThrow(RangeError);
  });
});

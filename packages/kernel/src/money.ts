import { DomainError, ValidationError } from './errors.ts';

export const ASSET_SCALES = { EUR: 2, USD: 2, USDC: 6, BTC: 8, ETH: 18 } as const;
export type Asset = keyof typeof ASSET_SCALES;
export const ASSETS = Object.keys(ASSET_SCALES) as Asset[];

/** An amount in integer minor units of one asset. */
export interface Money {
  readonly minor: bigint;
  readonly asset: Asset;
}

const DECIMAL = /^(-?)(0|[1-9][0-9]*)(?:\.([0-9]+))?$/;

/**
 * The largest amount one operation may carry, per asset — about a million euros each at the default price table.
 * Every amount parsed from a request (deposits, sends, conversions, holds, captures, refunds, credits, prices)
 * is checked against it before any SQL, so no balance can come near NUMERIC(78,0)'s limit and a provider is never
 * asked for an amount it would refuse. Documented in docs/api.md and docs/wallet.md.
 */
export const MAX_AMOUNTS: Readonly<Record<Asset, string>> = {
  EUR: '1000000.00',
  USD: '1000000.00',
  USDC: '1000000.000000',
  BTC: '15.00000000',
  ETH: '400.000000000000000000',
};
const MAX_MINOR = Object.fromEntries(
  Object.entries(MAX_AMOUNTS).map(([asset, amount]) => [asset, BigInt(amount.replace('.', ''))]),
) as Record<Asset, bigint>;

/** MAX_AMOUNTS[asset] in minor units. */
export function maxAmountMinor(asset: Asset): bigint {
  return MAX_MINOR[asset];
}

/**
 * 400 `amount_too_large` (validation category), naming the field, with `maximum` and `asset` as extensions.
 * Thrown by parseMoney and by operations whose computed amount (e.g. a conversion's result) is over the maximum.
 */
export class AmountTooLargeError extends DomainError {
  constructor(field: string, asset: Asset) {
    const message = `${field} is larger than the maximum of ${MAX_AMOUNTS[asset]} ${asset} per operation`;
    super('validation', 'amount_too_large', message, {
      errors: [{ field, message: `must not be larger than ${MAX_AMOUNTS[asset]}` }],
      maximum: MAX_AMOUNTS[asset],
      asset,
    });
  }
}

export function isAsset(value: string): value is Asset {
  return Object.hasOwn(ASSET_SCALES, value);
}

export interface ParseOptions {
  /** Field name used in error messages. */
  field?: string;
  allowNegative?: boolean;
  allowZero?: boolean;
  /**
   * Skips the per-operation maximum (MAX_AMOUNTS): only for amounts that are not an operation's, e.g. a price
   * filter in a search (still bounded by its schema).
   */
  unbounded?: boolean;
}

/**
 * Parses a decimal string ("12.50") into minor units; rejects exponents, extra precision and junk
 * (ValidationError, 400 `validation_failed`) and amounts over MAX_AMOUNTS (AmountTooLargeError, 400
 * `amount_too_large`) unless `unbounded`.
 */
export function parseMoney(input: unknown, asset: string, options: ParseOptions = {}): Money {
  const field = options.field ?? 'amount';
  if (!isAsset(asset)) {
    throw new ValidationError(
      `${field}: unknown asset "${asset}"; expected one of ${ASSETS.join(', ')}`,
      field,
    );
  }
  if (typeof input !== 'string') {
    throw new ValidationError(`${field} must be a decimal string such as "12.50"`, field);
  }
  const match = DECIMAL.exec(input);
  if (!match) {
    throw new ValidationError(
      `${field} "${truncate(input)}" is not a decimal number; write it like "12.50" (digits, one optional dot, no exponent)`,
      field,
    );
  }
  const [, sign = '', whole = '0', fraction = ''] = match;
  // No maximum has more than 7 whole digits: a longer number is refused before BigInt has to read it.
  if (!options.unbounded && whole.length > 12) {
    if (sign === '-' && !options.allowNegative)
      throw new ValidationError(`${field} must not be negative`, field);
    throw new AmountTooLargeError(field, asset);
  }
  const scale = ASSET_SCALES[asset];
  if (fraction.length > scale) {
    throw new ValidationError(
      `${field} "${truncate(input)}" has more than ${scale} decimal places for ${asset}`,
      field,
    );
  }
  const minor = BigInt(whole + fraction.padEnd(scale, '0')) * (sign === '-' ? -1n : 1n);
  if (minor < 0n && !options.allowNegative) {
    throw new ValidationError(`${field} must not be negative`, field);
  }
  if (minor === 0n && !options.allowZero) {
    throw new ValidationError(`${field} must be greater than zero`, field);
  }
  const magnitude = minor < 0n ? -minor : minor;
  if (!options.unbounded && magnitude > MAX_MINOR[asset]) throw new AmountTooLargeError(field, asset);
  return { minor, asset };
}

/** Formats minor units as a decimal string with exactly the asset's scale ("12.50", "0.00000001"). */
export function formatMinor(minor: bigint, asset: Asset): string {
  const scale = ASSET_SCALES[asset];
  const negative = minor < 0n;
  const digits = (negative ? -minor : minor).toString().padStart(scale + 1, '0');
  const whole = digits.slice(0, digits.length - scale);
  const fraction = digits.slice(digits.length - scale);
  return `${negative ? '-' : ''}${whole}${scale > 0 ? `.${fraction}` : ''}`;
}

export function formatMoney(money: Money): { amount: string; asset: Asset } {
  return { amount: formatMinor(money.minor, money.asset), asset: money.asset };
}

export function addMoney(a: Money, b: Money): Money {
  assertSameAsset(a, b);
  return { minor: a.minor + b.minor, asset: a.asset };
}

export function subtractMoney(a: Money, b: Money): Money {
  assertSameAsset(a, b);
  return { minor: a.minor - b.minor, asset: a.asset };
}

/** Percentage in basis points (500 = 5 %), rounded down towards zero to the minor unit. */
export function percentOf(amount: Money, basisPoints: number): Money {
  if (!Number.isInteger(basisPoints) || basisPoints < 0) {
    throw new RangeError('basisPoints must be a non-negative integer');
  }
  return { minor: (amount.minor * BigInt(basisPoints)) / 10_000n, asset: amount.asset };
}

function assertSameAsset(a: Money, b: Money): void {
  if (a.asset !== b.asset) throw new RangeError(`cannot combine ${a.asset} with ${b.asset}`);
}

function truncate(text: string): string {
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

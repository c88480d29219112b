import { formatMinor, parseMoney } from '@pcf/kernel';

export type Eur = { amount: string; asset: 'EUR' };

export function eur(minor: bigint): Eur {
  return { amount: formatMinor(minor, 'EUR'), asset: 'EUR' };
}

/**
 * A decimal EUR string in minor units; 400 when malformed, and `amount_too_large` over the per-operation maximum
 * (kernel MAX_AMOUNTS) unless `unbounded` (search filters, which move no money).
 */
export function parseEur(value: string, field: string, allowZero = false, unbounded = false): bigint {
  return parseMoney(value, 'EUR', { field, allowZero, unbounded }).minor;
}

export function iso(timestamp: string): string {
  return new Date(timestamp).toISOString();
}

export function formatEur(minor: bigint): string {
  return formatMinor(minor, 'EUR');
}

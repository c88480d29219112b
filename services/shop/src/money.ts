import { formatMinor, parseMoney } from '@pcf/kernel';

export type Eur = { amount: string; asset: 'EUR' };

export function eur(minor: bigint): Eur {
  return { amount: formatMinor(minor, 'EUR'), asset: 'EUR' };
}

export function parseEur(value: string, field: string, allowZero = false): bigint {
  return parseMoney(value, 'EUR', { field, allowZero }).minor;
}

export function iso(timestamp: string): string {
  return new Date(timestamp).toISOString();
}

export function formatEur(minor: bigint): string {
  return formatMinor(minor, 'EUR');
}

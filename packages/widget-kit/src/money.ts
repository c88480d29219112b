import type { Locale } from './protocol.ts';

/** Decimals of each asset on the wire (the API rejects more). */
export const ASSET_DECIMALS: Record<string, number> = { EUR: 2, USD: 2, USDC: 6, BTC: 8, ETH: 18 };
const FIAT = new Set(['EUR', 'USD']);
const TAGS: Record<Locale, string> = { fr: 'fr-FR', en: 'en-GB' };

export const localeTag = (locale: Locale): string => TAGS[locale];

/**
 * A decimal string amount formatted for people, without ever going through a float: Intl.NumberFormat formats
 * decimal strings exactly. Fiat as currency ("1 247,50 €"), crypto with its own decimals ("0,015 BTC").
 */
export function formatMoney(amount: string, asset: string, locale: Locale, signed = false): string {
  const signDisplay = signed ? 'exceptZero' : 'auto';
  const value = amount as Intl.StringNumericLiteral;
  if (FIAT.has(asset)) {
    return new Intl.NumberFormat(localeTag(locale), {
      style: 'currency',
      currency: asset,
      signDisplay,
    }).format(value);
  }
  const number = new Intl.NumberFormat(localeTag(locale), {
    minimumFractionDigits: 0,
    maximumFractionDigits: ASSET_DECIMALS[asset] ?? 8,
    signDisplay,
  }).format(value);
  return `${number}\u00a0${asset}`;
}

/**
 * A typed amount ("10", "10.5", "10,50", " 1 000,00 ") as the API's decimal string ("10.50"), or null when it is
 * not a positive amount with at most the asset's decimals.
 */
export function parseAmount(input: string, asset: string): string | null {
  const spaced = input.replace(/[\s\u00a0\u202f]/g, '');
  const compact = spaced.includes('.') ? spaced.replace(/,/g, '') : spaced.replace(',', '.');
  const match = /^(\d+)(?:\.(\d+))?$/.exec(compact);
  if (!match) return null;
  const whole = match[1] ?? '0';
  const fraction = match[2] ?? '';
  if (fraction.length > (ASSET_DECIMALS[asset] ?? 2)) return null;
  if (/^0*$/.test(whole + fraction)) return null;
  const normalizedWhole = whole.replace(/^0+(?=\d)/, '');
  return fraction ? `${normalizedWhole}.${fraction}` : normalizedWhole;
}

/** True for a negative decimal string (money that left the wallet). */
export const isNegative = (amount: string): boolean => amount.trim().startsWith('-');

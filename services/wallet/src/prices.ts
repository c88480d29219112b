import { ASSET_SCALES, type Asset } from '@pcf/kernel';

/** A price as an exact fraction: numerator / denominator, both positive integers. */
export interface Fraction {
  numerator: bigint;
  denominator: bigint;
}

/** Where exchange rates come from. The default reads a fixed table from config (PCF_PRICES_EUR). */
export interface PriceFeed {
  /** Price of one whole unit of `asset`, in EUR. */
  priceInEur(asset: Asset): Fraction;
}

export class ConfigPriceFeed implements PriceFeed {
  readonly #prices: Map<Asset, Fraction>;

  constructor(table: Record<string, string>) {
    this.#prices = new Map(
      Object.entries(table).map(([asset, price]) => [asset as Asset, decimalFraction(price)]),
    );
  }

  priceInEur(asset: Asset): Fraction {
    const price = this.#prices.get(asset);
    if (!price) throw new Error(`no price for ${asset}`);
    return price;
  }
}

export function decimalFraction(decimal: string): Fraction {
  const [whole = '0', fraction = ''] = decimal.split('.');
  return { numerator: BigInt(whole + fraction), denominator: 10n ** BigInt(fraction.length) };
}

/**
 * Converts minor units of `from` into minor units of `to` at the feed's prices, rounding down
 * (the platform never gives away a fraction of a minor unit).
 */
export function convertMinor(feed: PriceFeed, minor: bigint, from: Asset, to: Asset): bigint {
  const pFrom = feed.priceInEur(from);
  const pTo = feed.priceInEur(to);
  const numerator = minor * pFrom.numerator * pTo.denominator * 10n ** BigInt(ASSET_SCALES[to]);
  const denominator = pFrom.denominator * pTo.numerator * 10n ** BigInt(ASSET_SCALES[from]);
  return numerator / denominator;
}

/** Rate as a decimal string with up to 12 significant decimals: units of `to` per unit of `from`. */
export function rateText(feed: PriceFeed, from: Asset, to: Asset): string {
  const pFrom = feed.priceInEur(from);
  const pTo = feed.priceInEur(to);
  const scaled = (pFrom.numerator * pTo.denominator * 10n ** 12n) / (pFrom.denominator * pTo.numerator);
  const text = scaled.toString().padStart(13, '0');
  return `${text.slice(0, -12)}.${text.slice(-12)}`.replace(/\.?0+$/, '');
}

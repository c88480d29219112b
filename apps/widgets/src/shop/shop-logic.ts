/** Pure rules of the shop widget (no DOM, no API): unit-tested in apps/widgets/test/shop-logic.test.ts. */
import type { LiveSession, Product, Variant } from './shop-api.ts';

/** An amount read from a problem's extension members (not part of the typed contract): decimal string and asset. */
export interface Amount {
  amount: string;
  asset: string;
}

/** The variant a fan gets when none is chosen: the first one in stock, else null. */
export const firstInStock = (product: Pick<Product, 'variants'>): Variant | null =>
  product.variants.find((variant) => variant.inStock && variant.stock > 0) ?? null;

/** Compares two decimal strings exactly (no float): -1, 0 or 1. */
export function compareDecimal(a: string, b: string): number {
  const split = (value: string) => {
    const [whole = '0', fraction = ''] = value.replace(/^\+/, '').split('.');
    return [whole.replace(/^0+(?=\d)/, ''), fraction.replace(/0+$/, '')] as const;
  };
  const [aw, af] = split(a);
  const [bw, bf] = split(b);
  if (aw.length !== bw.length) return aw.length > bw.length ? 1 : -1;
  if (aw !== bw) return aw > bw ? 1 : -1;
  const width = Math.max(af.length, bf.length);
  const ax = af.padEnd(width, '0');
  const bx = bf.padEnd(width, '0');
  return ax === bx ? 0 : ax > bx ? 1 : -1;
}

/** Time left until `endsAt`, split for display; null once it is over (or unreadable). */
export function timeLeft(endsAt: string, now: number): { days: number; clock: string } | null {
  const left = Math.floor((Date.parse(endsAt) - now) / 1000);
  if (!(left > 0)) return null;
  const two = (value: number) => String(value).padStart(2, '0');
  const days = Math.floor(left / 86_400);
  const clock = `${two(Math.floor((left % 86_400) / 3600))}:${two(Math.floor((left % 3600) / 60))}:${two(left % 60)}`;
  return { days, clock };
}

/** A rate like "0.05" as a percentage string ("5", "7.5"), exactly. */
export function ratePercent(rate: string): string {
  const [whole = '0', fraction = ''] = rate.split('.');
  const padded = fraction.padEnd(2, '0');
  const integer = String(Number(whole + padded.slice(0, 2)));
  const rest = padded.slice(2).replace(/0+$/, '');
  return rest ? `${integer}.${rest}` : integer;
}

/** The live sessions running now (the server's flag). */
export const liveNow = (sessions: LiveSession[]): LiveSession[] =>
  sessions.filter((session) => session.isLive);

/** Which sessions are live, as one comparable key: when it changes, the server's prices may have changed. */
export const liveKey = (sessions: LiveSession[]): string =>
  liveNow(sessions)
    .map((session) => session.id)
    .sort()
    .join(',');

/** Problem codes of the shop API the widget explains in words. */
export const KNOWN_PROBLEMS = [
  'insufficient_funds',
  'out_of_stock',
  'promotion_ended',
  'price_changed',
  'empty_cart',
  'wallet_unavailable',
  'invalid_discount_code',
  'network_error',
] as const;
export type KnownProblem = (typeof KNOWN_PROBLEMS)[number];

export const isKnownProblem = (code: string): code is KnownProblem =>
  (KNOWN_PROBLEMS as readonly string[]).includes(code);

/**
 * Whether a failed checkout may be retried with the same Idempotency-Key. A retry of the same attempt (network
 * failure, timeout, 5xx such as wallet_unavailable, or the first request still running) keeps it, so it can never pay
 * twice. A business refusal (4xx: funds, stock, price, empty cart) ends the attempt (the server stored nothing for
 * the key): the next try — after a deposit or a cart change — is a new attempt with a new key.
 */
export function keepsIdempotencyKey(status: number, code: string): boolean {
  return status === 0 || status >= 500 || code === 'idempotency_request_in_progress';
}

/** After which checkout failures the cart must be re-read (prices or stock changed on the server). */
export const rereadsCart = (code: string): boolean =>
  code === 'promotion_ended' || code === 'price_changed' || code === 'out_of_stock' || code === 'empty_cart';

/** Why a checkout's total changed: the `reason` of the API's 409 promotion_ended / price_changed. */
export const PRICE_CHANGE_REASONS = [
  'code_ended',
  'code_exhausted',
  'flash_sale_ended',
  'flash_sale_exhausted',
  'live_ended',
  'price_increased',
  'price_decreased',
] as const;
export type PriceChangeReason = (typeof PRICE_CHANGE_REASONS)[number];

/** A checkout refused because the total is no longer the one the fan was shown; nothing was charged. */
export interface PriceChange {
  code: 'promotion_ended' | 'price_changed';
  /** Null when the API sent a reason this widget does not know (the code still says which kind). */
  reason: PriceChangeReason | null;
  /** The total the fan was shown (and sent as expectedTotal), null when unknown. */
  shown: Amount | null;
  /** The total the checkout would charge now: what the fan accepts, or not. */
  total: Amount;
  /** Labels of the discounts that no longer apply (code, flash sale, live session). */
  promotions: string[];
}

const decimal = /^\d{1,30}(\.\d{1,18})?$/;

function moneyOf(value: unknown): Amount | null {
  if (typeof value !== 'object' || value === null) return null;
  const { amount, asset } = value as Record<string, unknown>;
  return typeof amount === 'string' &&
    decimal.test(amount) &&
    typeof asset === 'string' &&
    /^[A-Z]{3,5}$/.test(asset)
    ? { amount, asset }
    : null;
}

/**
 * The price change a failed checkout reports (409 promotion_ended / price_changed with a well-formed new `total`
 * in its extension members), else null. `shown` is the total the widget sent, used when the API echoes none.
 */
export function priceChangeOf(
  error: { status: number; code: string; extensions: Readonly<Record<string, unknown>> },
  shown: Amount | null,
): PriceChange | null {
  if (error.status !== 409 || (error.code !== 'promotion_ended' && error.code !== 'price_changed'))
    return null;
  const total = moneyOf(error.extensions.total);
  if (!total) return null;
  const reason = error.extensions.reason;
  const promotions = Array.isArray(error.extensions.promotions) ? error.extensions.promotions : [];
  return {
    code: error.code,
    reason: (PRICE_CHANGE_REASONS as readonly unknown[]).includes(reason)
      ? (reason as PriceChangeReason)
      : null,
    shown: moneyOf(error.extensions.expectedTotal) ?? shown,
    total,
    promotions: promotions.flatMap((p: unknown) => {
      const label = typeof p === 'object' && p !== null ? (p as Record<string, unknown>).label : undefined;
      return typeof label === 'string' && label !== '' ? [label.slice(0, 80)] : [];
    }),
  };
}

/** Catalogue pages joined without duplicates (a product may move between pages while the fan scrolls). */
export function appendPage<T extends { id: string }>(items: T[], page: T[]): T[] {
  const known = new Set(items.map((item) => item.id));
  return [...items, ...page.filter((item) => !known.has(item.id))];
}

/** Only our own images (same origin, /v1/shop/images/...): anything else is not shown. */
export const isOwnImage = (path: string | null | undefined): path is string =>
  typeof path === 'string' && /^\/v1\/shop\/images\/[\w.-]+$/.test(path);

/** A club slug from a mount option, or null when absent or malformed. */
export const clubOption = (value: unknown): string | null =>
  typeof value === 'string' && /^[a-z0-9][a-z0-9-]{0,62}$/.test(value) ? value : null;

/** A discount code from the host (APPLY_DISCOUNT), trimmed, or null when malformed. */
export function discountCode(value: unknown): string | null {
  const code = typeof value === 'string' ? value.trim() : '';
  return /^[\w-]{1,64}$/.test(code) ? code : null;
}

/** A wait that restarts on every call (search as you type); `cancel` drops the pending call. */
export function debounce<A extends unknown[]>(run: (...args: A) => void, ms: number) {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const call = (...args: A) => {
    clearTimeout(timer);
    timer = setTimeout(() => run(...args), ms);
  };
  call.cancel = () => clearTimeout(timer);
  return call;
}

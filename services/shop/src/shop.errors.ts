import {
  ConflictError,
  DomainError,
  ForbiddenError,
  NotFoundError,
  UnavailableError,
  UnprocessableError,
  ValidationError,
} from '@pcf/kernel';
import { eur, formatEur } from './money.ts';
import type { PriceChange } from './price-check.ts';

export const clubNotFound = (slug: string) => new NotFoundError(`Club "${slug}"`, 'club_not_found');
export const productNotFound = () => new NotFoundError('Product', 'product_not_found');
export const variantNotFound = () => new NotFoundError('Variant', 'variant_not_found');
/** 422 `variant_required`: add-to-cart named no variant of a product that has several (`variants`: how many). */
export const variantRequired = (variants: number) =>
  new UnprocessableError(
    `This product has ${variants} variants: choose one and send its variantId`,
    'variant_required',
    { variants },
  );
export const imageNotFound = () => new NotFoundError('Image', 'image_not_found');
export const cartItemNotFound = () => new NotFoundError('Cart item', 'cart_item_not_found');
export const orderNotFound = () => new NotFoundError('Order', 'order_not_found');
export const promotionNotFound = () => new NotFoundError('Promotion', 'promotion_not_found');
export const liveNotFound = () => new NotFoundError('Live session', 'live_not_found');
export const collectibleNotFound = () => new NotFoundError('Collectible', 'collectible_not_found');

export const outOfStock = (name: string, available: number) =>
  new ConflictError(
    available > 0 ? `Not enough stock for "${name}": only ${available} left` : `"${name}" is out of stock`,
    'out_of_stock',
  );
export const emptyCart = () => new UnprocessableError('The cart is empty', 'empty_cart');
/**
 * 409 `promotion_ended` (a discount the cart showed no longer applies) or `price_changed` (a price moved), with
 * extension members `total` (what checkout would charge now, `{ amount, asset }`), `expectedTotal` (what the fan
 * was shown, or null), `reason` (a PriceChangeReason) and `promotions` (`[{ kind, label, reason }]`, the lost ones).
 * Nothing was charged or reserved.
 */
export const priceChanged = (change: PriceChange) => {
  const now = `${formatEur(change.total)} EUR`;
  const shown = change.expected === null ? null : `${formatEur(change.expected)} EUR`;
  const what =
    change.code === 'promotion_ended'
      ? `A promotion in your cart has ended or run out (${change.promotions.map((p) => p.label).join(', ')})`
      : 'A price in your cart changed';
  return new DomainError(
    'conflict',
    change.code,
    `${what}: the total is now ${now}${shown ? ` instead of ${shown}` : ''}. Nothing was charged; to pay the new ` +
      'total, check out again with it as expectedTotal and a new Idempotency-Key.',
    {
      reason: change.reason,
      total: eur(change.total),
      expectedTotal: change.expected === null ? null : eur(change.expected),
      promotions: change.promotions.map((p) => ({ kind: p.kind, label: p.label, reason: p.reason })),
    },
  );
};
export const invalidDiscountCode = (code: string) =>
  new UnprocessableError(`The discount code "${code}" is unknown or expired`, 'invalid_discount_code');
export const insufficientFunds = () =>
  new UnprocessableError(
    'Your wallet balance is too low to pay this order; nothing was charged',
    'insufficient_funds',
  );
export const walletUnavailable = () =>
  new UnavailableError(
    'The wallet could not be reached; nothing was charged and the order was not placed. Retry shortly.',
    'wallet_unavailable',
  );
export const orderNotCancellable = (status: string) =>
  new ConflictError(`A ${status} order cannot be cancelled`, 'order_not_cancellable');
export const notClubAdmin = () =>
  new ForbiddenError('You may only manage your own club’s shop', 'not_club_admin');
export const slugTaken = () => new ConflictError('A product with this slug already exists', 'slug_taken');
export const skuTaken = () => new ConflictError('A variant with this SKU already exists', 'sku_taken');
export const codeTaken = () =>
  new ConflictError('A discount code with this name already exists', 'discount_code_taken');
export const invalidImage = (message: string) => new ValidationError(message, 'body');
export const invalidField = (message: string, field: string) => new ValidationError(message, field);
export const clubNotAllowed = () =>
  new ForbiddenError("A partner's widget session may only shop in that partner's club", 'club_not_allowed');

/**
 * Checkout charges what the fan was shown: the rule that decides, at checkout, whether the cart's price may be
 * charged or the fan must first see the change. Pure; amounts are integer minor units (EUR cents).
 */

/** Why the total at checkout is not the one the fan was shown (the `reason` of a 409). */
export type PriceChangeReason =
  | 'code_ended'
  | 'code_exhausted'
  | 'flash_sale_ended'
  | 'flash_sale_exhausted'
  | 'live_ended'
  | 'price_increased'
  | 'price_decreased';

/**
 * A discount the cart may have shown that no longer applies: the cart's code (ended, archived or out of budget),
 * a flash sale on one of its lines (out of budget, or ended since the cart last changed) or a live session pinning
 * one of its products (ended since the cart last changed).
 */
export interface LostPromotion {
  kind: 'code' | 'flash' | 'live';
  /** The promotion's or the live session's id. */
  id: string;
  /** What the cart's discount line was called (the promotion's label, the live session's title). */
  label: string;
  reason: Extract<PriceChangeReason, `code_${string}` | `flash_${string}` | 'live_ended'>;
}

/** A checkout refused because its price changed: the problem's code, reason and totals. */
export interface PriceChange {
  code: 'promotion_ended' | 'price_changed';
  reason: PriceChangeReason;
  /** The total the checkout would charge now. */
  total: bigint;
  /** The total the fan was shown (`expectedTotal`), null when the client sent none. */
  expected: bigint | null;
  /** The discounts that no longer apply (empty for a plain price change). */
  promotions: LostPromotion[];
}

/**
 * Decides whether a cart priced at `total` may be charged.
 * - With `expected` (the total the fan was shown): only exactly that amount is charged. Any difference, up or
 *   down, is a change the fan confirms first: `promotion_ended` when a discount was lost, else `price_changed`.
 * - Without it (a REST client that sends none): the client's own discount code that no longer applies is
 *   `promotion_ended` — it never silently pays more because its code vanished; other moves are charged as priced.
 * Returns null when the checkout may go on.
 */
export function priceChange(
  total: bigint,
  expected: bigint | undefined,
  lost: LostPromotion[],
): PriceChange | null {
  if (expected === undefined) {
    const code = lost.filter((l) => l.kind === 'code');
    if (code.length === 0) return null;
    return { code: 'promotion_ended', reason: code[0]!.reason, total, expected: null, promotions: code };
  }
  if (total === expected) return null;
  if (lost.length > 0) {
    return { code: 'promotion_ended', reason: lost[0]!.reason, total, expected, promotions: lost };
  }
  return {
    code: 'price_changed',
    reason: total > expected ? 'price_increased' : 'price_decreased',
    total,
    expected,
    promotions: [],
  };
}

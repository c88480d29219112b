/**
 * The one place prices are computed (server side only): flash sales, live prices, discount codes, cashback.
 * Pure functions over integer minor units.
 */

export interface PricedPromotion {
  id: string;
  label: string;
  type: 'percentage' | 'fixed';
  /** Basis points for percentages, minor units for fixed amounts. */
  value: bigint;
  productIds: string[];
  categories: string[];
  budgetKind: 'units' | 'uses' | null;
  budget: number | null;
  used: number;
  endsAt: string;
}

export interface LivePrice {
  liveId: string;
  title: string;
  productId: string;
  variantId: string | null;
  price: bigint;
}

export interface PricingLine {
  productId: string;
  variantId: string;
  category: string;
  price: bigint;
  quantity: number;
}

export type AppliedDiscount =
  | { kind: 'flash'; promotionId: string; label: string }
  | { kind: 'live'; liveId: string; label: string };

export interface PricedLine extends PricingLine {
  unitPrice: bigint;
  lineTotal: bigint;
  applied: AppliedDiscount | null;
}

export interface PromotionUse {
  promotionId: string;
  amount: number;
}

/** A promotion that applies to the cart but whose budget left cannot cover it now (it is not applied). */
export interface ExhaustedPromotion {
  promotionId: string;
  kind: 'flash' | 'code';
  label: string;
}

export interface PricedCart {
  lines: PricedLine[];
  subtotal: bigint;
  discounts: { label: string; amount: bigint }[];
  discountTotal: bigint;
  total: bigint;
  cashbackBps: number;
  cashback: bigint;
  /** Budget each promotion takes from this order (units or uses). */
  promotionUses: PromotionUse[];
  discountCode: { id: string; code: string; label: string } | null;
  /** Flash sales and the cart's code that apply to its lines but ran out of budget (so they are not applied). */
  exhausted: ExhaustedPromotion[];
}

export function appliesTo(promotion: PricedPromotion, productId: string, category: string): boolean {
  if (promotion.productIds.length === 0 && promotion.categories.length === 0) return true;
  return promotion.productIds.includes(productId) || promotion.categories.includes(category);
}

export function discounted(price: bigint, type: 'percentage' | 'fixed', value: bigint): bigint {
  const off = type === 'percentage' ? (price * value) / 10_000n : value;
  return off >= price ? 0n : price - off;
}

function hasBudgetFor(promotion: PricedPromotion, quantity: number): boolean {
  if (promotion.budget === null) return true;
  const needed = promotion.budgetKind === 'units' ? quantity : 1;
  return promotion.used + needed <= promotion.budget;
}

/** The lowest price for one unit: the base price, an applicable flash sale, or a live price. */
export function bestUnitPrice(
  line: PricingLine,
  flash: PricedPromotion[],
  live: LivePrice[],
): { unitPrice: bigint; applied: AppliedDiscount | null; promotion: PricedPromotion | null } {
  let best: { unitPrice: bigint; applied: AppliedDiscount | null; promotion: PricedPromotion | null } = {
    unitPrice: line.price,
    applied: null,
    promotion: null,
  };
  for (const promotion of flash) {
    if (!appliesTo(promotion, line.productId, line.category) || !hasBudgetFor(promotion, line.quantity))
      continue;
    const price = discounted(line.price, promotion.type, promotion.value);
    if (price < best.unitPrice) {
      best = {
        unitPrice: price,
        applied: { kind: 'flash', promotionId: promotion.id, label: promotion.label },
        promotion,
      };
    }
  }
  for (const pin of live) {
    if (pin.productId !== line.productId || (pin.variantId !== null && pin.variantId !== line.variantId))
      continue;
    if (pin.price < best.unitPrice) {
      best = {
        unitPrice: pin.price,
        applied: { kind: 'live', liveId: pin.liveId, label: pin.title },
        promotion: null,
      };
    }
  }
  return best;
}

/**
 * The price a client shows for one unit (minor units): what it costs now, the regular price to cross out when a
 * discount lowers it (else null), and that discount. Built from bestUnitPrice, the rule checkout charges by.
 */
export interface ShownPrice {
  current: bigint;
  original: bigint | null;
  promotion: { kind: AppliedDiscount['kind']; label: string } | null;
}

/** The price to show for one unit whose regular price is `regular` and whose best price now is `best`. */
export function shownPrice(
  regular: bigint,
  best: { unitPrice: bigint; applied: AppliedDiscount | null },
): ShownPrice {
  const lowered = best.applied !== null && best.unitPrice < regular;
  return {
    current: best.unitPrice,
    original: lowered ? regular : null,
    promotion: lowered && best.applied ? { kind: best.applied.kind, label: best.applied.label } : null,
  };
}

/**
 * A product's "from" price: the variant that costs least now, with its own regular price and discount. On a tie the
 * variant at its regular price wins (a crossed-out price is shown only when nothing costs as little without a
 * discount). Null for a product without variants.
 */
export function fromPrice(prices: ShownPrice[]): ShownPrice | null {
  let from: ShownPrice | null = null;
  for (const price of prices) {
    if (
      from === null ||
      price.current < from.current ||
      (price.current === from.current && (price.original ?? price.current) < (from.original ?? from.current))
    )
      from = price;
  }
  return from;
}

export function priceCart(input: {
  lines: PricingLine[];
  flash: PricedPromotion[];
  live: LivePrice[];
  code: (PricedPromotion & { code: string }) | null;
  cashbackBps: number;
}): PricedCart {
  const uses = new Map<string, number>();
  const discountByLabel = new Map<string, bigint>();
  const addDiscount = (label: string, amount: bigint) => {
    if (amount > 0n) discountByLabel.set(label, (discountByLabel.get(label) ?? 0n) + amount);
  };
  const exhausted = new Map<string, ExhaustedPromotion>();
  let subtotal = 0n;
  const lines = input.lines.map((line): PricedLine => {
    // What the cart's earlier lines take counts against each flash sale's budget, as checkout reserves the sum.
    const flash = input.flash.map((promotion) => withCartUses(promotion, uses.get(promotion.id) ?? 0));
    for (const promotion of flash) {
      if (appliesTo(promotion, line.productId, line.category) && !hasBudgetFor(promotion, line.quantity))
        exhausted.set(promotion.id, { promotionId: promotion.id, kind: 'flash', label: promotion.label });
    }
    const best = bestUnitPrice(line, flash, input.live);
    if (best.promotion) {
      const amount = best.promotion.budgetKind === 'units' ? line.quantity : 1;
      const previous = uses.get(best.promotion.id) ?? 0;
      uses.set(
        best.promotion.id,
        best.promotion.budgetKind === 'uses' ? Math.max(previous, amount) : previous + amount,
      );
    }
    subtotal += line.price * BigInt(line.quantity);
    if (best.applied) addDiscount(best.applied.label, (line.price - best.unitPrice) * BigInt(line.quantity));
    return {
      ...line,
      unitPrice: best.unitPrice,
      lineTotal: best.unitPrice * BigInt(line.quantity),
      applied: best.applied,
    };
  });
  let discountCode: PricedCart['discountCode'] = null;
  const code = input.code;
  if (code) {
    const eligible = lines.filter((l) => appliesTo(code, l.productId, l.category));
    const base = eligible.reduce((sum, l) => sum + l.lineTotal, 0n);
    const quantity = eligible.reduce((sum, l) => sum + l.quantity, 0);
    if (base > 0n && !hasBudgetFor(code, quantity)) {
      exhausted.set(code.id, { promotionId: code.id, kind: 'code', label: code.label });
    } else if (base > 0n) {
      const off = code.type === 'percentage' ? (base * code.value) / 10_000n : min(code.value, base);
      addDiscount(code.label, off);
      uses.set(code.id, (uses.get(code.id) ?? 0) + (code.budgetKind === 'units' ? quantity : 1));
      discountCode = { id: code.id, code: code.code, label: code.label };
    }
  }
  const discounts = [...discountByLabel].map(([label, amount]) => ({ label, amount }));
  const discountTotal = discounts.reduce((sum, d) => sum + d.amount, 0n);
  const total = subtotal - discountTotal;
  return {
    lines,
    subtotal,
    discounts,
    discountTotal,
    total,
    cashbackBps: input.cashbackBps,
    cashback: cashbackOn(total, input.cashbackBps),
    promotionUses: [...uses].map(([promotionId, amount]) => ({ promotionId, amount })),
    discountCode,
    // The cart's code first: it is the one the fan chose.
    exhausted: [...exhausted.values()].sort((a, b) => (a.kind === b.kind ? 0 : a.kind === 'code' ? -1 : 1)),
  };
}

/**
 * A flash sale as seen by a cart line after the cart's earlier lines took `taken` of its budget: units add to what
 * is used; a uses budget is taken once per order, so once taken the line needs none.
 */
function withCartUses(promotion: PricedPromotion, taken: number): PricedPromotion {
  if (taken === 0 || promotion.budget === null) return promotion;
  return promotion.budgetKind === 'uses'
    ? { ...promotion, budget: null }
    : { ...promotion, used: promotion.used + taken };
}

/** Cashback = rate × total, rounded down to the minor unit. */
export function cashbackOn(total: bigint, bps: number): bigint {
  return (total * BigInt(bps)) / 10_000n;
}

function min(a: bigint, b: bigint): bigint {
  return a < b ? a : b;
}

/** "0.05" ⇄ 500 basis points. */
export function rateToBps(rate: string): number {
  const match = /^(0|1)(?:\.(\d{1,4}))?$/.exec(rate);
  if (!match) return Number.NaN;
  return Number(match[1]) * 10_000 + Number((match[2] ?? '').padEnd(4, '0'));
}

export function bpsToRate(bps: number): string {
  const whole = Math.floor(bps / 10_000);
  const fraction = String(bps % 10_000)
    .padStart(4, '0')
    .replace(/0+$/, '');
  return fraction ? `${whole}.${fraction.length < 2 ? fraction.padEnd(2, '0') : fraction}` : `${whole}.00`;
}

/** "20" or "12.5" percent ⇄ basis points. */
export function percentToBps(percent: string): number {
  const match = /^(\d{1,3})(?:\.(\d{1,2}))?$/.exec(percent);
  if (!match) return Number.NaN;
  return Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
}

export function bpsToPercent(bps: bigint): string {
  const whole = bps / 100n;
  const fraction = (bps % 100n).toString().padStart(2, '0').replace(/0+$/, '');
  return fraction ? `${whole}.${fraction}` : whole.toString();
}

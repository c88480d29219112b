import { type FanQuestion, formatMoney, type PromptRow, type Requester, tc } from '@pcf/widget-kit';
import type { Locale } from '@pcf/widget-kit/protocol';
import type { Cart } from './shop-api.ts';
import { ratePercent } from './shop-logic.ts';
import { t } from './shop-messages.ts';

/**
 * The question shown to the fan before a checkout the host page asked for: every line, the discounts, the
 * cashback and the total, all as the API priced the cart just read (never figures from the host), the club and who
 * asks.
 */
export function checkoutQuestion(cart: Cart, requester: Requester, current: Locale): FanQuestion {
  const money = (value: { amount: string; asset: string }) => formatMoney(value.amount, value.asset, current);
  const lines: PromptRow[] = cart.items.map((item) => ({
    label: `${item.name} · ${item.variantLabel} × ${item.quantity}`,
    value: money(item.lineTotal),
  }));
  const discounts: PromptRow[] = cart.discounts.map((discount) => ({
    label: discount.label,
    value: `−${money(discount.amount)}`,
  }));
  const total = money(cart.total);
  return {
    kind: 'checkout',
    title: tc('checkoutTitle'),
    intro: tc('checkoutIntro', { ...requester, club: cart.club.name }),
    rows: [
      ...lines,
      ...discounts,
      {
        label: `${tc('cashback')} ${ratePercent(cart.cashback.rate)} %`,
        value: `+${money(cart.cashback.amount)}`,
      },
      { label: t('payFrom'), value: t('wallet') },
      { label: tc('total'), value: total, testId: 'fan-prompt-total', raw: cart.total.amount },
    ],
    confirmLabel: tc('payAmount', { amount: total }),
    cancelLabel: tc('cancel'),
  };
}

import { Button, useWidget } from '@pcf/widget-kit';
import { useEffect, useState } from 'preact/hooks';
import { money, ViewHeading } from './parts.tsx';
import { type Order, shopApi } from './shop-api.ts';
import { t } from './shop-messages.ts';
import type { ShopStore } from './shop-store.ts';

const POLL_MS = 2000;
const MAX_POLLS = 30;

/** The paid order: number, total, and the cashback followed from pending to credited. */
export function OrderView({ store, order: placed }: { store: ShopStore; order: Order }) {
  const { api } = useWidget();
  const [order, setOrder] = useState(placed);
  const cashback = order.cashback.status;

  useEffect(() => {
    if (cashback !== 'pending') return;
    let polls = 0;
    const timer = setInterval(async () => {
      if (++polls > MAX_POLLS) return clearInterval(timer);
      const latest = await shopApi.order(api, order.id).catch(() => null);
      if (latest && latest.cashback.status !== 'pending') {
        clearInterval(timer);
        setOrder(latest);
      }
    }, POLL_MS);
    return () => clearInterval(timer);
  }, [cashback, order.id, api]);

  const amount = money(order.cashback.amount);
  return (
    <section
      class="pcf-card"
      aria-labelledby="pcf-order-title"
      data-testid="order-confirmation"
      data-order-id={order.id}
      data-status={order.status}
      data-cashback={cashback}
    >
      <ViewHeading id="pcf-order-title" focus>
        {t('orderTitle')}
      </ViewHeading>
      <dl>
        <div class="pcf-row">
          <dt>{t('orderNumber')}</dt>
          <dd data-testid="order-number">{order.number}</dd>
        </div>
        {order.items.map((item) => (
          <div key={`${item.productId}-${item.variantLabel}`} class="pcf-row">
            <dt>
              {item.quantity} × {item.name} <span class="pcf-muted">{item.variantLabel}</span>
            </dt>
            <dd>{money(item.lineTotal)}</dd>
          </div>
        ))}
        <div class="pcf-row pcf-row--total">
          <dt>
            {t('total')} · {order.status === 'paid' ? t('orderPaid') : order.status}
          </dt>
          <dd data-testid="order-total" data-value={order.total.amount}>
            {money(order.total)}
          </dd>
        </div>
      </dl>
      <p
        class={`pcf-status pcf-status--${cashback}`}
        role="status"
        data-testid="order-cashback"
        data-status={cashback}
      >
        {cashback === 'pending' && <span class="pcf-spinner" aria-hidden="true" />}
        {cashback === 'credited'
          ? t('cashbackCredited', { amount })
          : cashback === 'reversed'
            ? t('cashbackReversed', { amount })
            : t('cashbackPending', { amount })}
      </p>
      <Button variant="secondary" onClick={() => (store.view.value = { name: 'catalogue' })}>
        {t('keepShopping')}
      </Button>
    </section>
  );
}

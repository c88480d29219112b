import {
  ApiError,
  announce,
  Button,
  ConfirmStep,
  EmptyState,
  ErrorState,
  Skeleton,
  TextField,
} from '@pcf/widget-kit';
import { useEffect, useRef, useState } from 'preact/hooks';
import { Stepper } from './ProductPage.tsx';
import { money, Price, ProductImage, ViewHeading } from './parts.tsx';
import type { Cart, CartItem } from './shop-api.ts';
import { keepsIdempotencyKey, type PriceChange, priceChangeOf, ratePercent } from './shop-logic.ts';
import { t } from './shop-messages.ts';
import { priceChangeText, problemText } from './shop-problems.ts';
import type { ShopStore } from './shop-store.ts';

const MAX_QUANTITY = 99;

function CartLine({ store, item }: { store: ShopStore; item: CartItem }) {
  const [busy, setBusy] = useState(false);
  const run = async (change: () => Promise<void>) => {
    setBusy(true);
    try {
      await change();
    } catch (error) {
      announce(problemText(error).message, 'error');
      void store.loadCart().catch(() => undefined);
    } finally {
      setBusy(false);
    }
  };
  return (
    <li class="pcf-line" data-testid="cart-item" data-item-id={item.id} data-product-id={item.productId}>
      <ProductImage src={item.image} alt="" size={56} />
      <div class="pcf-line-main">
        <span class="pcf-line-name">{item.name}</span>
        <span class="pcf-muted">{item.variantLabel}</span>
        <Price now={item.displayPrice.current} was={item.displayPrice.original} />
      </div>
      <div class="pcf-line-side">
        <Stepper
          label={t('qtyOf', { name: item.name })}
          value={item.quantity}
          max={Math.min(item.available, MAX_QUANTITY)}
          disabled={busy}
          onValue={(quantity) => void run(() => store.setQuantity(item.id, quantity))}
          testIds={['cart-qty-minus', 'cart-qty-plus']}
        />
        <strong>{money(item.lineTotal)}</strong>
        <button
          type="button"
          class="pcf-link"
          disabled={busy}
          data-testid="cart-remove"
          onClick={() => void run(() => store.remove(item.id, item.name))}
        >
          {t('remove', { name: '' }).trim()}
          <span class="pcf-sr"> {item.name}</span>
        </button>
      </div>
    </li>
  );
}

function DiscountField({ store, cart }: { store: ShopStore; cart: Cart }) {
  const [code, setCode] = useState('');
  const [busy, setBusy] = useState(false);
  const notice = store.notice.value;
  const apply = async (event: Event) => {
    event.preventDefault();
    if (!code.trim()) return;
    setBusy(true);
    await store.applyCode(code.trim());
    setBusy(false);
    if (store.notice.peek()?.ok) setCode('');
  };
  return (
    <form class="pcf-discount" onSubmit={apply}>
      <div class="pcf-inline">
        <TextField
          label={t('discountCode')}
          value={code}
          onValue={setCode}
          autoComplete="off"
          autoCapitalize="characters"
          maxLength={64}
          testId="discount-code"
        />
        <Button type="submit" variant="secondary" busy={busy} testId="discount-apply">
          {t('apply')}
        </Button>
      </div>
      {cart.discountCode && (
        <p class="pcf-muted">
          {cart.discountCode} ·{' '}
          <button
            type="button"
            class="pcf-link"
            onClick={() => void store.removeCode().catch(() => undefined)}
          >
            {t('removeCode')}
          </button>
        </p>
      )}
      {notice && (
        <p
          class={notice.ok ? 'pcf-ok' : 'pcf-form-error'}
          data-testid="discount-result"
          data-code={notice.code}
          role={notice.ok ? 'status' : 'alert'}
        >
          {notice.message}
        </p>
      )}
    </form>
  );
}

/** Subtotal, discounts, the cashback the fan will earn (shown before paying) and the total. */
export function Totals({ cart }: { cart: Cart }) {
  return (
    <dl class="pcf-totals">
      <div class="pcf-row">
        <dt>{t('subtotal')}</dt>
        <dd data-testid="cart-subtotal" data-value={cart.subtotal.amount}>
          {money(cart.subtotal)}
        </dd>
      </div>
      {cart.discounts.map((discount) => (
        <div key={discount.label} class="pcf-row">
          <dt>{discount.label}</dt>
          <dd class="pcf-ok">−{money(discount.amount)}</dd>
        </div>
      ))}
      <div class="pcf-row pcf-row--cashback">
        <dt>
          {t('cashback', { rate: ratePercent(cart.cashback.rate), amount: '' }).replace(/\s*$/, '')}
          <span class="pcf-hint"> {t('cashbackHint')}</span>
        </dt>
        <dd class="pcf-ok" data-testid="cart-cashback" data-value={cart.cashback.amount.amount}>
          +{money(cart.cashback.amount)}
        </dd>
      </div>
      <div class="pcf-row pcf-row--total">
        <dt>{t('total')}</dt>
        <dd data-testid="cart-total" data-value={cart.total.amount}>
          {money(cart.total)}
        </dd>
      </div>
    </dl>
  );
}

/**
 * The checkout refused because the total changed (a promotion ended, a price moved): the total shown and the new one,
 * why, and the fan's choice — pay the new total (a new attempt, with a new key) or go back to the cart.
 */
function PriceChangeStep(props: {
  change: PriceChange;
  busy: boolean;
  onAccept: () => void;
  onBack: () => void;
}) {
  const { change } = props;
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  return (
    <section
      class="pcf-confirm"
      aria-labelledby="pcf-price-change-title"
      data-testid="price-change"
      data-code={change.code}
      data-reason={change.reason ?? ''}
      data-total={change.total.amount}
    >
      <h3 id="pcf-price-change-title" ref={heading} tabIndex={-1}>
        {t('priceChangeTitle')}
      </h3>
      <p role="alert">
        {priceChangeText(change)} {t('nothingCharged')}
      </p>
      <dl>
        {change.shown && (
          <div class="pcf-row">
            <dt>{t('shownTotal')}</dt>
            <dd>
              <s data-testid="price-change-shown">{money(change.shown)}</s>
            </dd>
          </div>
        )}
        <div class="pcf-row pcf-row--total">
          <dt>{t('newTotal')}</dt>
          <dd data-testid="price-change-total">{money(change.total)}</dd>
        </div>
      </dl>
      <div class="pcf-actions">
        <Button variant="secondary" onClick={props.onBack} disabled={props.busy} testId="price-change-back">
          {t('backToCart')}
        </Button>
        <Button busy={props.busy} onClick={props.onAccept} testId="price-change-accept">
          {t('acceptNewTotal', { total: money(change.total) })}
        </Button>
      </div>
    </section>
  );
}

/**
 * Pay from the wallet: a confirmation step, then the order; a failed attempt keeps its key only for a retry. The
 * total shown is sent as expectedTotal: when it is no longer the price, the change is shown and the fan decides.
 */
function Checkout({ store, cart }: { store: ShopStore; cart: Cart }) {
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<{ code: string; message: string } | null>(null);
  const [change, setChange] = useState<PriceChange | null>(null);
  const key = useRef<string | null>(null);

  /** One attempt at paying `expectedTotal`, the total on screen (the cart's, or the new one the fan accepted). */
  const pay = async (expectedTotal: string) => {
    key.current ??= crypto.randomUUID();
    setBusy(true);
    setFailure(null);
    try {
      await store.checkout(key.current, expectedTotal);
      key.current = null;
      setChange(null);
    } catch (error) {
      const problem = error instanceof ApiError ? error : null;
      if (!problem || !keepsIdempotencyKey(problem.status, problem.code)) key.current = null;
      const changed = problem
        ? priceChangeOf(problem, { amount: expectedTotal, asset: cart.total.asset })
        : null;
      // A price change is shown (and read out: role="alert") by PriceChangeStep; any other failure here.
      setChange(changed);
      if (!changed) setFailure(problemText(error));
    } finally {
      setBusy(false);
    }
  };

  if (!confirming) {
    return (
      <Button
        testId="checkout-submit"
        disabled={cart.items.length === 0}
        onClick={() => {
          key.current = null;
          setFailure(null);
          setChange(null);
          setConfirming(true);
        }}
      >
        {t('checkout')}
      </Button>
    );
  }
  if (change) {
    return (
      <PriceChangeStep
        change={change}
        busy={busy}
        // Accepting is a new attempt: a new key (the refused one keeps its 409) and the new total.
        onAccept={() => {
          key.current = null;
          void pay(change.total.amount);
        }}
        onBack={() => {
          setChange(null);
          setConfirming(false);
        }}
      />
    );
  }
  return (
    <ConfirmStep
      title={t('confirmTitle')}
      rows={[
        [t('items'), String(cart.count)],
        [t('payFrom'), t('wallet')],
        [
          t('cashback', { rate: ratePercent(cart.cashback.rate), amount: '' }).replace(/\s*:?\s*$/, ''),
          `+${money(cart.cashback.amount)}`,
        ],
        [t('total'), money(cart.total)],
      ]}
      busy={busy}
      onConfirm={() => void pay(cart.total.amount)}
      onCancel={() => setConfirming(false)}
      confirmLabel={failure && key.current ? t('retry') : t('confirmPay', { total: money(cart.total) })}
      confirmTestId="checkout-confirm"
    >
      {failure && (
        <p class="pcf-form-error" role="alert" data-testid="checkout-error" data-code={failure.code}>
          {failure.message}
        </p>
      )}
    </ConfirmStep>
  );
}

/** The cart: lines with quantities, discount code, totals and checkout. */
export function CartView({ store }: { store: ShopStore }) {
  const cart = store.cart.value;
  const error = store.cartError.value;
  const keepShopping = (
    <Button variant="secondary" onClick={() => (store.view.value = { name: 'catalogue' })}>
      {t('keepShopping')}
    </Button>
  );
  return (
    <section class="pcf-card" aria-labelledby="pcf-cart-title">
      <ViewHeading id="pcf-cart-title" focus>
        {t('cart')}
      </ViewHeading>
      {!cart && error ? (
        <ErrorState
          code={error.code}
          message={t('cartFailed')}
          onRetry={() => void store.loadCart().catch(() => undefined)}
        />
      ) : !cart ? (
        <Skeleton />
      ) : cart.items.length === 0 ? (
        <>
          <EmptyState title={t('emptyCart')} />
          {keepShopping}
        </>
      ) : (
        <>
          <ul class="pcf-lines">
            {cart.items.map((item) => (
              <CartLine key={item.id} store={store} item={item} />
            ))}
          </ul>
          <DiscountField store={store} cart={cart} />
          <Totals cart={cart} />
          <Checkout store={store} cart={cart} />
          {keepShopping}
        </>
      )}
    </section>
  );
}

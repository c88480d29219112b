import { AccountStatus, Button, SignInForm, tc, useWidget } from '@pcf/widget-kit';
import { CartView } from './CartView.tsx';
import { Catalogue } from './Catalogue.tsx';
import { LiveBanner } from './LiveBanner.tsx';
import { OrderView } from './OrderView.tsx';
import { ProductPage } from './ProductPage.tsx';
import { t } from './shop-messages.ts';
import type { ShopStore } from './shop-store.ts';

/** The shop widget: header (club, cart, sign-in), LIVE banner, then the current view. Browsing needs no sign-in. */
export function ShopApp({ state: store }: { state: ShopStore }) {
  const { session, key } = useWidget();
  const view = store.view.value;
  const cart = store.cart.value;
  const count = cart?.count ?? 0;
  const signedIn = session.token.value !== null;
  const club = store.club.value;
  const clubName =
    club === key.partnerSlug
      ? key.partnerName
      : (store.products.value?.[0]?.club.name ?? cart?.club.name ?? club);
  const live = store.live.value[0];
  return (
    <>
      <header class="pcf-card pcf-shop-head">
        <h1>
          {t('title')} <span class="pcf-muted">· {clubName}</span>
        </h1>
        <div class="pcf-head-actions">
          {signedIn ? (
            <AccountStatus onSignedOut={() => (store.view.value = { name: 'catalogue' })} />
          ) : (
            view.name !== 'signin' && (
              <Button variant="ghost" testId="signin-open" onClick={() => store.requireFan()}>
                {t('signInButton')}
              </Button>
            )
          )}
          <button
            type="button"
            class="pcf-btn pcf-btn--secondary pcf-cart-btn"
            data-testid="cart-open"
            aria-current={view.name === 'cart' ? 'page' : undefined}
            onClick={() => {
              if (store.requireFan()) store.view.value = { name: 'cart' };
            }}
          >
            <svg width="20" height="20" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
              <path
                fill="currentColor"
                d="M7 18a2 2 0 1 0 0 4 2 2 0 0 0 0-4Zm10 0a2 2 0 1 0 0 4 2 2 0 0 0 0-4ZM3 2h2.2l.9 2H21l-3.4 8.2a2 2 0 0 1-1.8 1.3H8.4l-1 1.8V16h12v2H5.6a1 1 0 0 1-.9-1.5L6.3 13 3 4H1V2h2Z"
              />
            </svg>
            <span>{t('cart')}</span>
            <span class="pcf-count" data-testid="cart-count" data-value={count}>
              {count}
            </span>
            <span class="pcf-sr">{t('cartItems')}</span>
          </button>
        </div>
      </header>
      {live && view.name !== 'order' && <LiveBanner store={store} session={live} />}
      {view.name === 'signin' && (
        <section class="pcf-card" aria-label={t('signInToBuy')}>
          <p class="pcf-muted">{t('signInToBuy')}</p>
          <SignInForm />
          <Button variant="ghost" onClick={() => (store.view.value = view.back)}>
            {tc('back')}
          </Button>
        </section>
      )}
      {view.name === 'catalogue' && <Catalogue store={store} />}
      {view.name === 'product' && <ProductPage key={view.id} store={store} id={view.id} />}
      {view.name === 'cart' && <CartView store={store} />}
      {view.name === 'order' && <OrderView store={store} order={view.order} />}
    </>
  );
}

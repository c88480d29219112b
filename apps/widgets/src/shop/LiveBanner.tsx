import { ApiError, announce, Button, locale, useWidget } from '@pcf/widget-kit';
import { useEffect, useState } from 'preact/hooks';
import { money, ProductImage } from './parts.tsx';
import { type LiveSession, type Product, shopApi } from './shop-api.ts';
import { t } from './shop-messages.ts';
import { problemText } from './shop-problems.ts';
import type { ShopStore } from './shop-store.ts';

/** The pinned products of a live session, from the catalogue already loaded or read one by one. */
function usePinned(store: ShopStore, session: LiveSession): Record<string, Product> {
  const { api } = useWidget();
  const current = locale.value;
  const [found, setFound] = useState<Record<string, Product>>({});
  const ids = session.products.map((pin) => pin.productId).join();
  useEffect(() => {
    let alive = true;
    const loaded = store.products.peek() ?? [];
    for (const pin of session.products) {
      const known = loaded.find((product) => product.id === pin.productId);
      const read = known ? Promise.resolve(known) : shopApi.product(api, pin.productId, current);
      read
        .then((product) => alive && setFound((all) => ({ ...all, [product.id]: product })))
        .catch(() => undefined);
    }
    return () => {
      alive = false;
    };
  }, [ids, current]);
  return found;
}

/** LIVE banner while a session runs: the video slot, the pinned products at live prices, and "join". */
export function LiveBanner({ store, session }: { store: ShopStore; session: LiveSession }) {
  const pinned = usePinned(store, session);
  const viewers = store.joined.value[session.id];
  const [busy, setBusy] = useState(false);
  const join = async () => {
    setBusy(true);
    try {
      await store.joinLive(session.id);
    } catch (error) {
      announce(error instanceof ApiError ? problemText(error).message : String(error), 'error');
    } finally {
      setBusy(false);
    }
  };
  return (
    <section
      class="pcf-card pcf-live"
      data-testid="live-banner"
      data-live-id={session.id}
      aria-labelledby="pcf-live-title"
    >
      <div class="pcf-live-head">
        <span class="pcf-live-badge">
          <span class="pcf-live-dot" aria-hidden="true" />
          {t('live')}
        </span>
        <h2 id="pcf-live-title">{session.title}</h2>
      </div>
      {/* The live video comes with the social service: this slot keeps its place (16:9). */}
      <div class="pcf-live-video" data-slot="live-video">
        <p class="pcf-muted">{t('liveVideo')}</p>
      </div>
      {session.products.length > 0 && (
        <ul class="pcf-pins" aria-label={t('livePinned')}>
          {session.products.map((pin) => {
            const product = pinned[pin.productId];
            return (
              <li key={`${pin.productId}-${pin.variantId ?? ''}`} class="pcf-pin">
                <ProductImage src={product?.images[0]} alt="" size={48} />
                <button
                  type="button"
                  class="pcf-link"
                  onClick={() => (store.view.value = { name: 'product', id: pin.productId })}
                >
                  {product?.name ?? '…'}
                </button>
                <strong class="pcf-sale">{t('livePrice', { price: money(pin.livePrice) })}</strong>
              </li>
            );
          })}
        </ul>
      )}
      {viewers === undefined ? (
        <Button busy={busy} onClick={join} testId="live-join">
          {t('join')}
        </Button>
      ) : (
        <p class="pcf-ok" role="status">
          {t('joined', { viewers })}
        </p>
      )}
    </section>
  );
}

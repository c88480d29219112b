import { ApiError, Button, ErrorState, locale, Skeleton, useWidget } from '@pcf/widget-kit';
import { useEffect, useState } from 'preact/hooks';
import { FlashBadge, Price, ProductImage, ViewHeading } from './parts.tsx';
import { type Product, shopApi } from './shop-api.ts';
import { firstInStock } from './shop-logic.ts';
import { t } from './shop-messages.ts';
import { problemText } from './shop-problems.ts';
import type { ShopStore } from './shop-store.ts';

const LOW_STOCK = 5;
const MAX_QUANTITY = 10;

/** One product: image, description, variant picker (size / kit), stock state, quantity and add to cart. */
export function ProductPage({ store, id }: { store: ShopStore; id: string }) {
  const { api } = useWidget();
  const current = locale.value;
  const [product, setProduct] = useState<Product | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [attempt, setAttempt] = useState(0);
  const [variantId, setVariantId] = useState<string | null>(null);
  const [quantity, setQuantity] = useState(1);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<{ code: string; message: string } | null>(null);

  useEffect(() => {
    let alive = true;
    setError(null);
    shopApi
      .product(api, id, current)
      .then((loaded) => {
        if (!alive) return;
        setProduct(loaded);
        setVariantId((chosen) => chosen ?? firstInStock(loaded)?.id ?? loaded.variants[0]?.id ?? null);
      })
      .catch((failed: unknown) => alive && setError(failed instanceof ApiError ? failed : null));
    return () => {
      alive = false;
    };
  }, [api, id, current, attempt, store.prices.value]);

  const back = (
    <Button variant="ghost" onClick={() => (store.view.value = { name: 'catalogue' })}>
      ← {t('products')}
    </Button>
  );
  if (error || !product) {
    return (
      <section class="pcf-card" aria-labelledby="pcf-product-title">
        {back}
        <h2 id="pcf-product-title" class="pcf-sr">
          {t('products')}
        </h2>
        {error ? (
          <ErrorState
            code={error.code}
            message={t('productFailed')}
            onRetry={() => setAttempt(attempt + 1)}
          />
        ) : (
          <Skeleton lines={5} />
        )}
      </section>
    );
  }

  const variant = product.variants.find((item) => item.id === variantId) ?? product.variants[0];
  const price = variant?.displayPrice ?? null;
  const available = variant?.inStock ? variant.stock : 0;
  const add = async () => {
    if (!variant || !store.requireFan()) return;
    setBusy(true);
    setFailure(null);
    try {
      await store.addToCart(product.id, quantity, variant.id);
    } catch (failed) {
      setFailure(problemText(failed));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="pcf-card pcf-product-page" aria-labelledby="pcf-product-title">
      {back}
      <ProductImage src={product.images[0]} alt={product.name} size={320} />
      {product.promotion && <FlashBadge store={store} promotion={product.promotion} />}
      <ViewHeading id="pcf-product-title" focus>
        {product.name}
      </ViewHeading>
      {product.collectible && <span class="pcf-badge">{t('collectible')}</span>}
      {price && <Price now={price.current} was={price.original} testId="product-price" />}
      <p>{product.description}</p>
      {product.variants.length > 0 && (
        <fieldset class="pcf-chips">
          <legend class="pcf-label">{t('variants')}</legend>
          {product.variants.map((item) => (
            <button
              key={item.id}
              type="button"
              class={`pcf-chip${item.inStock ? '' : ' pcf-chip--out'}`}
              aria-pressed={item.id === variant?.id}
              data-testid="variant-option"
              data-variant-id={item.id}
              data-in-stock={String(item.inStock)}
              onClick={() => {
                setVariantId(item.id);
                setQuantity(1);
                setFailure(null);
              }}
            >
              {item.label}
              {!item.inStock && <span class="pcf-sr"> ({t('soldOut')})</span>}
            </button>
          ))}
        </fieldset>
      )}
      <p class={`pcf-stock${available > 0 ? '' : ' pcf-stock--out'}`} data-testid="stock-state" role="status">
        {available <= 0
          ? t('soldOut')
          : available <= LOW_STOCK
            ? t('lowStock', { count: available })
            : t('inStock')}
      </p>
      {available > 0 && (
        <Stepper
          label={t('quantity')}
          value={quantity}
          max={Math.min(available, MAX_QUANTITY)}
          onValue={setQuantity}
        />
      )}
      <Button busy={busy} disabled={available <= 0} onClick={add} testId="add-to-cart">
        {available > 0 ? t('addToCart') : t('soldOut')}
      </Button>
      {failure && (
        <p class="pcf-form-error" role="alert" data-testid="add-error" data-code={failure.code}>
          {failure.message}
        </p>
      )}
    </section>
  );
}

/** − value + with a visible label; the value is announced when it changes. */
export function Stepper(props: {
  label: string;
  value: number;
  max: number;
  onValue: (value: number) => void;
  min?: number;
  disabled?: boolean;
  testIds?: [minus: string, plus: string];
}) {
  const { label, value, max, onValue, min = 1, disabled, testIds } = props;
  return (
    <fieldset class="pcf-stepper">
      <legend class="pcf-sr">{label}</legend>
      <button
        type="button"
        class="pcf-btn pcf-btn--secondary"
        aria-label={t('less')}
        disabled={disabled || value <= min}
        data-testid={testIds?.[0]}
        onClick={() => onValue(value - 1)}
      >
        −
      </button>
      <output aria-live="polite">{value}</output>
      <button
        type="button"
        class="pcf-btn pcf-btn--secondary"
        aria-label={t('more')}
        disabled={disabled || value >= max}
        data-testid={testIds?.[1]}
        onClick={() => onValue(value + 1)}
      >
        +
      </button>
    </fieldset>
  );
}

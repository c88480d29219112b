import { Button, EmptyState, ErrorState, Skeleton, TextField } from '@pcf/widget-kit';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { FlashBadge, Price, ProductImage } from './parts.tsx';
import type { Product } from './shop-api.ts';
import { debounce } from './shop-logic.ts';
import { t } from './shop-messages.ts';
import type { ShopStore } from './shop-store.ts';

const SEARCH_DEBOUNCE_MS = 300;

function ProductCard({ store, product }: { store: ShopStore; product: Product }) {
  const titleId = `pcf-p-${product.id}`;
  return (
    <li class="pcf-product" data-testid="product-card" data-product-id={product.id}>
      <ProductImage src={product.images[0]} alt="" size={160} />
      {product.promotion && <FlashBadge store={store} promotion={product.promotion} />}
      <h3 id={titleId} class="pcf-product-name">
        <button
          type="button"
          class="pcf-link pcf-stretch"
          data-testid="product-open"
          onClick={() => {
            store.view.value = { name: 'product', id: product.id };
          }}
        >
          {product.name}
        </button>
      </h3>
      <span class="pcf-muted">
        {t('from', { price: '' })}
        <Price now={product.displayPrice.current} was={product.displayPrice.original} />
      </span>
    </li>
  );
}

/** An empty catalogue says "no match" only when the fan searched or filtered; else that nothing is on sale yet. */
export function emptyCatalogueMessage(query: string, category: string): 'noProducts' | 'noProductsYet' {
  return query.trim() !== '' || category !== '' ? 'noProducts' : 'noProductsYet';
}

/** Search (debounced), category filters and the product grid with infinite scroll. */
export function Catalogue({ store }: { store: ShopStore }) {
  const [text, setText] = useState(store.query.peek());
  const search = useMemo(
    () =>
      debounce((value: string) => {
        store.query.value = value;
      }, SEARCH_DEBOUNCE_MS),
    [store],
  );
  useEffect(() => search.cancel, [search]);
  const products = store.products.value;
  const error = store.catalogueError.value;
  const cursor = store.nextCursor.value;
  const sentinel = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const target = sentinel.current;
    if (cursor === null || !target || typeof IntersectionObserver === 'undefined') return;
    const observer = new IntersectionObserver((entries) => {
      if (entries.some((entry) => entry.isIntersecting)) void store.loadMore();
    });
    observer.observe(target);
    return () => observer.disconnect();
  }, [cursor, products !== null]);

  const chosen = store.category.value;
  const filters = [{ slug: '', name: t('all') }, ...store.categories.value];
  return (
    <section class="pcf-card" aria-labelledby="pcf-catalogue-title">
      <h2 id="pcf-catalogue-title" class="pcf-sr">
        {t('products')}
      </h2>
      <search>
        <form onSubmit={(event) => event.preventDefault()}>
          <TextField
            label={t('search')}
            type="search"
            value={text}
            placeholder={t('searchPlaceholder')}
            autoComplete="off"
            maxLength={100}
            onValue={(value) => {
              setText(value);
              search(value);
            }}
            testId="shop-search"
          />
        </form>
      </search>
      <fieldset class="pcf-chips">
        <legend class="pcf-sr">{t('categories')}</legend>
        {filters.map((category) => (
          <button
            key={category.slug}
            type="button"
            class="pcf-chip"
            aria-pressed={chosen === category.slug}
            data-testid="shop-category"
            data-category={category.slug}
            onClick={() => {
              store.category.value = category.slug;
            }}
          >
            {category.name}
          </button>
        ))}
      </fieldset>
      {error ? (
        <ErrorState
          code={error.code}
          message={t('catalogueFailed')}
          onRetry={() => void store.loadCatalogue().catch(() => undefined)}
        />
      ) : products === null ? (
        <Skeleton lines={4} />
      ) : products.length === 0 ? (
        <EmptyState title={t(emptyCatalogueMessage(store.query.value, store.category.value))} />
      ) : (
        <ul class="pcf-grid" aria-label={t('products')}>
          {products.map((product) => (
            <ProductCard key={product.id} store={store} product={product} />
          ))}
        </ul>
      )}
      {cursor !== null && products !== null && (
        <>
          <div ref={sentinel} aria-hidden="true" />
          <Button variant="secondary" busy={store.loadingMore.value} onClick={() => void store.loadMore()}>
            {t('loadMore')}
          </Button>
        </>
      )}
    </section>
  );
}

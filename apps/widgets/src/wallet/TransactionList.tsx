import {
  ApiError,
  Button,
  EmptyState,
  ErrorState,
  formatDateTime,
  formatMoney,
  isNegative,
  locale,
  Skeleton,
  useWidget,
} from '@pcf/widget-kit';
import { useEffect, useRef, useState } from 'preact/hooks';
import { describeActivity } from './activity-label.ts';
import { type Transaction, walletApi } from './wallet-api.ts';
import { hasMessage, t } from './wallet-messages.ts';
import type { WalletStore } from './wallet-store.ts';

const PAGE = 20;

interface History {
  items: Transaction[];
  nextCursor: string | null;
}

function TransactionItem({ tx }: { tx: Transaction }) {
  const current = locale.value;
  const statusKey = `status.${tx.status}`;
  const { title, detail } = describeActivity(tx);
  return (
    <li
      class={`pcf-tx pcf-tx--${tx.status}`}
      data-testid="tx-item"
      data-status={tx.status}
      data-type={tx.type}
      data-amount={tx.amount}
    >
      <span class="pcf-tx-main">
        <span class="pcf-tx-title">
          {title}
          {detail && <span class="pcf-muted"> · {detail}</span>}
        </span>
        {tx.note && (
          <q class="pcf-tx-note" data-testid="tx-note">
            {tx.note}
          </q>
        )}
        <span class="pcf-muted">
          {formatDateTime(tx.createdAt, current)}
          {tx.status !== 'completed' && hasMessage(statusKey) && ` · ${t(statusKey)}`}
        </span>
      </span>
      <span class={`pcf-tx-amount ${isNegative(tx.amount) ? '' : 'pcf-positive'}`}>
        {formatMoney(tx.amount, tx.asset, current, true)}
      </span>
    </li>
  );
}

/** History, newest first: the first page re-reads when the balance changes; more pages on scroll or on request. */
export function TransactionList({ store }: { store: WalletStore }) {
  const { api } = useWidget();
  const [history, setHistory] = useState<History | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);
  const sentinel = useRef<HTMLDivElement>(null);
  const inFlight = useRef(false);
  const revision = store.revision.value;

  useEffect(() => {
    let current = true;
    walletApi
      .transactions(api, PAGE)
      .then((page) => {
        if (!current) return;
        setHistory({ items: page.data, nextCursor: page.nextCursor });
        setError(null);
      })
      .catch((failure: unknown) => current && setError(failure instanceof ApiError ? failure : null));
    return () => {
      current = false;
    };
  }, [api, revision]);

  const loadMore = async () => {
    if (!history?.nextCursor || inFlight.current) return;
    inFlight.current = true;
    setLoadingMore(true);
    try {
      const page = await walletApi.transactions(api, PAGE, history.nextCursor);
      const known = new Set(history.items.map((item) => item.id));
      setHistory({
        items: [...history.items, ...page.data.filter((item) => !known.has(item.id))],
        nextCursor: page.nextCursor,
      });
    } catch (failure) {
      setError(failure instanceof ApiError ? failure : null);
    } finally {
      inFlight.current = false;
      setLoadingMore(false);
    }
  };
  const latestLoadMore = useRef(loadMore);
  latestLoadMore.current = loadMore;

  // Infinite scroll: the sentinel after the list loads the next page when it scrolls into the host's viewport.
  const cursor = history?.nextCursor ?? null;
  useEffect(() => {
    const target = sentinel.current;
    if (cursor === null || !target || typeof IntersectionObserver === 'undefined') return;
    const observer = new IntersectionObserver((entries) => {
      if (entries.some((entry) => entry.isIntersecting)) void latestLoadMore.current();
    });
    observer.observe(target);
    return () => observer.disconnect();
  }, [cursor]);

  return (
    <section class="pcf-card" aria-labelledby="pcf-history-title">
      <h2 id="pcf-history-title">{t('history')}</h2>
      {error && !history ? (
        <ErrorState
          code={error.code}
          message={t('historyFailed')}
          onRetry={() => (store.revision.value += 1)}
        />
      ) : !history ? (
        <Skeleton />
      ) : (
        <>
          <ul class="pcf-tx-list" data-testid="tx-list">
            {history.items.map((tx) => (
              <TransactionItem key={tx.id} tx={tx} />
            ))}
          </ul>
          {history.items.length === 0 && <EmptyState title={t('noTransactions')} />}
        </>
      )}
      {history?.nextCursor && (
        <>
          <div ref={sentinel} aria-hidden="true" />
          <Button variant="secondary" busy={loadingMore} onClick={loadMore}>
            {t('loadMore')}
          </Button>
        </>
      )}
    </section>
  );
}

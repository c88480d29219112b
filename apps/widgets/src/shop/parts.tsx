import { formatMoney, locale } from '@pcf/widget-kit';
import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import type { Promotion } from './shop-api.ts';
import { type Amount, compareDecimal, isOwnImage, timeLeft } from './shop-logic.ts';
import { t } from './shop-messages.ts';
import type { ShopStore } from './shop-store.ts';

export const money = (value: Amount): string => formatMoney(value.amount, value.asset, locale.value);

/** A price, with the former one crossed out (and read out as such) when there is one. */
export function Price({ now, was: before, testId }: { now: Amount; was?: Amount | null; testId?: string }) {
  const was = before && compareDecimal(before.amount, now.amount) > 0 ? before : null;
  return (
    <span class="pcf-price" data-testid={testId} data-value={now.amount}>
      {was && (
        <del>
          <span class="pcf-sr">{t('was', { price: '' })}</span>
          {money(was)}
        </del>
      )}
      <strong class={was ? 'pcf-sale' : undefined}>{money(now)}</strong>
    </span>
  );
}

/** A product image served by us, or a neutral placeholder (no image from any other origin is ever loaded). */
export function ProductImage({
  src,
  alt,
  size,
}: {
  src: string | null | undefined;
  alt: string;
  size: number;
}) {
  return isOwnImage(src) ? (
    <img class="pcf-img" src={src} alt={alt} width={size} height={size} loading="lazy" decoding="async" />
  ) : (
    <span class="pcf-img pcf-img--none" aria-hidden="true" />
  );
}

/**
 * The badge's title: the promotion's own label when it already says it is a flash sale ("Vente flash −20 %"),
 * else "Vente flash · <label>", or just "Vente flash" without a label — never the words twice.
 */
export function flashTitle(label: string | null | undefined, flashWord: string): string {
  const own = label?.trim();
  if (!own) return flashWord;
  return own.toLowerCase().includes(flashWord.toLowerCase()) ? own : `${flashWord} · ${own}`;
}

/** The flash-sale badge with a live countdown; when it reaches zero the store re-reads the prices. */
export function FlashBadge({ store, promotion }: { store: ShopStore; promotion: Promotion }) {
  const left = timeLeft(promotion.endsAt, store.now.value);
  useEffect(() => {
    if (left === null) store.promotionEnded(promotion.id);
  }, [left === null]);
  const time =
    left === null
      ? t('ended')
      : left.days > 0
        ? t('endsInDays', { days: left.days, time: left.clock })
        : t('endsIn', { time: left.clock });
  return (
    <span class="pcf-flash" data-testid="flash-badge" data-ends-at={promotion.endsAt}>
      <strong>{flashTitle(promotion.label, t('flash'))}</strong>
      <span class="pcf-flash-time">{time}</span>
    </span>
  );
}

/** A view's heading; focus moves to it when the view opens, so keyboard and screen-reader users land there. */
export function ViewHeading({
  id,
  focus,
  children,
}: {
  id: string;
  focus: boolean;
  children: ComponentChildren;
}) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (focus) heading.current?.focus();
  }, []);
  return (
    <h2 id={id} ref={heading} tabIndex={-1}>
      {children}
    </h2>
  );
}

import type { Transaction } from './wallet-api.ts';
import { hasMessage, t } from './wallet-messages.ts';

/** How a history line reads: what happened (translated) and with whom or what, never a raw server string. */
export interface ActivityText {
  title: string;
  /** The fan paid or paying, the exchange ("EUR → BTC"), or the translated label; null when it adds nothing. */
  detail: string | null;
}

/**
 * The fan-readable text of a history line in the current locale. A fan or the exchange is shown by name; anything
 * else by the API's `label` key, translated — an unknown key shows nothing rather than an internal id or an
 * English name; a detail that only repeats the title ("Cashback · Cashback") is dropped.
 */
export function describeActivity(tx: Pick<Transaction, 'type' | 'counterparty' | 'label'>): ActivityText {
  const typeKey = `type.${tx.type}`;
  const title = hasMessage(typeKey) ? t(typeKey) : t('type.other');
  const kind = tx.counterparty?.kind;
  const labelKey = `label.${tx.label}`;
  const detail =
    (kind === 'fan' || kind === 'exchange') && tx.counterparty
      ? tx.counterparty.name
      : tx.label && hasMessage(labelKey)
        ? t(labelKey)
        : null;
  const repeats = detail !== null && detail.trim().toLowerCase() === title.toLowerCase();
  return { title, detail: detail && !repeats ? detail : null };
}

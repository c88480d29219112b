import type { ActivityType, Counterparty } from './activity.repository.ts';

/**
 * What a history line is about when the other side is not a person, as a stable key the client translates:
 * `card`, `bank_transfer`, `crypto`, `welcome` (a deposit's method, or the demo's opening balance), `shop`,
 * `tickets`, `esim` (the merchant paid or refunding), `cashback`, or `other`. Null when the counterparty is a fan or
 * the exchange, whose `name` is already what the fan reads. Stored rows keep their counterparty as written (names
 * in English, merchant ids), so the key is derived here, in one place, rather than shown raw.
 */
export type ActivityLabel =
  | 'card'
  | 'bank_transfer'
  | 'crypto'
  | 'welcome'
  | 'shop'
  | 'tickets'
  | 'esim'
  | 'cashback'
  | 'other';

const DEPOSIT_METHODS: Record<string, ActivityLabel> = {
  Card: 'card',
  'Bank transfer': 'bank_transfer',
  'Crypto transfer': 'crypto',
};
const MERCHANTS: Record<string, ActivityLabel> = { shop: 'shop', tickets: 'tickets', esim: 'esim' };

/** The label key of a history line (see ActivityLabel); null for a fan or the exchange. */
export function activityLabel(type: ActivityType, counterparty: Counterparty | null): ActivityLabel | null {
  if (type === 'cashback') return 'cashback';
  if (counterparty === null) return 'other';
  switch (counterparty.kind) {
    case 'fan':
    case 'exchange':
      return null;
    case 'provider':
      return counterparty.id === 'demo' ? 'welcome' : (DEPOSIT_METHODS[counterparty.name] ?? 'other');
    case 'merchant':
      return MERCHANTS[counterparty.id ?? ''] ?? 'other';
    default:
      return 'other';
  }
}

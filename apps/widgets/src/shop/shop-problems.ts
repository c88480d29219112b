import { ApiError, tc } from '@pcf/widget-kit';
import { isKnownProblem, type PriceChange } from './shop-logic.ts';
import { t } from './shop-messages.ts';

/** What went wrong, in the fan's language, with the API's code (data-code for tests and support). */
export function problemText(error: unknown): { code: string; message: string } {
  if (!(error instanceof ApiError)) return { code: 'unknown', message: tc('networkError') };
  if (isKnownProblem(error.code)) return { code: error.code, message: t(error.code) };
  if (error.code === 'rate_limited') return { code: error.code, message: tc('rateLimited') };
  return { code: error.code, message: error.message };
}

/** Why the total changed, in the fan's language: the lost discount by name, or the way the price moved. */
export function priceChangeText(change: PriceChange): string {
  if (change.reason === null) return t(change.code);
  return t(`reason_${change.reason}`, { label: change.promotions.join(', ') || '' }).replace(/\s+/g, ' ');
}

import { ApiError, tc } from '@pcf/widget-kit';
import { hasMessage, t } from './wallet-messages.ts';

const FIELDS: Record<string, 'to' | 'amount' | 'asset' | 'note'> = {
  to: 'to',
  amount: 'amount',
  asset: 'asset',
  note: 'note',
};

/** What went wrong with a transfer, in the fan's language: funds, recipient, or the field at fault. */
export function sendErrorMessage(error: unknown): { code: string; message: string } {
  if (!(error instanceof ApiError)) return { code: 'unknown', message: tc('networkError') };
  if (error.code === 'network_error') return { code: error.code, message: tc('networkError') };
  if (error.code === 'rate_limited') return { code: error.code, message: tc('rateLimited') };
  if (hasMessage(error.code)) return { code: error.code, message: t(error.code) };
  const field = error.problem.errors[0];
  if (field) {
    const key = FIELDS[field.field.replace(/^\//, '')];
    return {
      code: error.code,
      message: t('fieldError', { field: key ? t(key) : field.field, message: field.message }),
    };
  }
  return { code: error.code, message: error.message };
}

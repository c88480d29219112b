import { ASSET_DECIMALS, parseAmount } from '@pcf/widget-kit';
import { t } from './wallet-messages.ts';

/** The typed amount as the API's decimal string, or the message explaining why it is not one. */
export function readAmount(input: string, asset: string): { amount: string } | { error: string } {
  const amount = parseAmount(input, asset);
  return amount === null
    ? { error: t('amountInvalid', { decimals: ASSET_DECIMALS[asset] ?? 2 }) }
    : { amount };
}

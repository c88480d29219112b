import { formatMoney, locale } from '@pcf/widget-kit';
import type { WalletBalance } from './wallet-api.ts';
import { t } from './wallet-messages.ts';

const NAMES: Record<string, string> = {
  EUR: 'Euro',
  USD: 'US Dollar',
  BTC: 'Bitcoin',
  ETH: 'Ether',
  USDC: 'USD Coin',
};

/** The total in the display currency and one row per asset. */
export function BalanceSummary({ balance }: { balance: WalletBalance }) {
  const current = locale.value;
  return (
    <div class="pcf-balance">
      <p class="pcf-muted" id="pcf-total-label">
        {t('total')}
      </p>
      <p
        class="pcf-total"
        data-testid="balance-total"
        data-value={balance.balance}
        data-currency={balance.currency}
        aria-describedby="pcf-total-label"
      >
        {formatMoney(balance.balance, balance.currency, current)}
      </p>
      <h2 class="pcf-sr">{t('assets')}</h2>
      <ul class="pcf-assets">
        {balance.assets.map((asset) => (
          <li key={asset.asset} class="pcf-asset" data-testid="asset-row" data-asset={asset.asset}>
            <span class="pcf-asset-code" aria-hidden="true">
              {asset.asset}
            </span>
            <span class="pcf-asset-name">
              {NAMES[asset.asset] ?? asset.asset}
              {!/^0(\.0+)?$/.test(asset.pending) && (
                <span class="pcf-muted">
                  {' '}
                  · {t('pendingAmount', { amount: formatMoney(asset.pending, asset.asset, current) })}
                </span>
              )}
            </span>
            <span class="pcf-asset-amounts">
              <span class="pcf-asset-balance">{formatMoney(asset.balance, asset.asset, current)}</span>
              {asset.asset !== balance.currency && (
                <span class="pcf-muted">
                  {formatMoney(asset.value.amount, asset.value.currency, current)}
                </span>
              )}
            </span>
          </li>
        ))}
      </ul>
    </div>
  );
}

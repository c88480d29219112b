import { AccountStatus, ErrorState, SignInForm, Skeleton, useWidget } from '@pcf/widget-kit';
import { ActionBar } from './ActionBar.tsx';
import { BalanceSummary } from './BalanceSummary.tsx';
import { DepositPanel } from './DepositPanel.tsx';
import { ReceivePanel } from './ReceivePanel.tsx';
import { SendPanel } from './SendPanel.tsx';
import { TransactionList } from './TransactionList.tsx';
import { t } from './wallet-messages.ts';
import type { WalletStore } from './wallet-store.ts';

/** The wallet widget: sign-in when no fan is signed in, else balances, actions and history. */
export function WalletApp({ state: store }: { state: WalletStore }) {
  const { session } = useWidget();
  if (session.token.value === null) {
    return (
      <div class="pcf-card">
        <h1>{t('title')}</h1>
        <SignInForm />
      </div>
    );
  }
  const balance = store.balance.value;
  const loadError = store.loadError.value;
  const panel = store.panel.value;
  return (
    <>
      <section class="pcf-card" aria-labelledby="pcf-wallet-title">
        <div class="pcf-wallet-head">
          <h1 id="pcf-wallet-title">{t('title')}</h1>
          <AccountStatus />
        </div>
        {balance ? (
          <BalanceSummary balance={balance} />
        ) : loadError ? (
          <ErrorState
            code={loadError.code}
            message={t('loadFailed')}
            onRetry={() => void store.refresh().catch(() => undefined)}
          />
        ) : (
          <Skeleton lines={4} />
        )}
        <ActionBar store={store} />
      </section>
      {panel === 'deposit' && <DepositPanel store={store} />}
      {panel === 'send' && <SendPanel store={store} />}
      {panel === 'receive' && <ReceivePanel />}
      <TransactionList store={store} />
    </>
  );
}

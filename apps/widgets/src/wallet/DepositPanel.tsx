import { ApiError, Button, formatMoney, locale, SelectField, TextField, useWidget } from '@pcf/widget-kit';
import { useEffect, useRef, useState } from 'preact/hooks';
import { readAmount } from './amount-input.ts';
import { DepositWatch } from './deposit-watch.ts';
import { Panel } from './Panel.tsx';
import { ASSETS, type Deposit, walletApi } from './wallet-api.ts';
import { hasMessage, t } from './wallet-messages.ts';
import type { WalletStore } from './wallet-store.ts';

const POLL_MS = 1000;
const MAX_POLLS = 60;

function DepositStatus({ deposit, timedOut }: { deposit: Deposit; timedOut: boolean }) {
  const amount = formatMoney(deposit.amount, deposit.asset, locale.value);
  const reason =
    deposit.failureCode && hasMessage(deposit.failureCode) ? t(deposit.failureCode) : t('declinedOther');
  const text =
    deposit.status === 'pending'
      ? timedOut
        ? t('depositTimeout')
        : t('depositPending', { amount })
      : deposit.status === 'confirmed'
        ? t('depositConfirmed', { amount })
        : t('depositDeclined', { amount, reason });
  return (
    <p
      class={`pcf-status pcf-status--${deposit.status}`}
      data-testid="deposit-status"
      data-status={deposit.status}
      role={deposit.status === 'declined' ? 'alert' : 'status'}
    >
      {deposit.status === 'pending' && !timedOut && <span class="pcf-spinner" aria-hidden="true" />}
      {text}
    </p>
  );
}

/** Card deposit (sandbox): submit, then follow the deposit from pending to confirmed or declined. */
export function DepositPanel({ store }: { store: WalletStore }) {
  const { api } = useWidget();
  const [input, setInput] = useState('');
  const [asset, setAsset] = useState('EUR');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [deposit, setDeposit] = useState<Deposit | null>(null);
  const [timedOut, setTimedOut] = useState(false);

  const pendingId = deposit?.status === 'pending' ? deposit.id : null;
  const watch = useRef<DepositWatch<Deposit> | null>(null);
  useEffect(() => {
    if (pendingId === null) return;
    const current = new DepositWatch<Deposit>(
      () => walletApi.depositStatus(api, pendingId),
      {
        settled: (latest) => {
          setDeposit(latest);
          void store.refresh().catch(() => undefined);
        },
        timedOut: () => setTimedOut(true),
      },
      { intervalMs: POLL_MS, maxPolls: MAX_POLLS },
    );
    watch.current = current;
    current.start();
    return () => current.stop();
  }, [pendingId, api, store]);
  // The wallet stream saw the balance change: the deposit's status is read now, not up to a second later.
  const revision = store.revision.value;
  useEffect(() => watch.current?.nudge(), [revision]);

  const submit = async (event: Event) => {
    event.preventDefault();
    const read = readAmount(input, asset);
    if ('error' in read) return setError(read.error);
    setError(null);
    setBusy(true);
    setTimedOut(false);
    try {
      setDeposit(await walletApi.deposit(api, read.amount, asset, crypto.randomUUID()));
    } catch (failure) {
      setError(failure instanceof ApiError ? failure.message : String(failure));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Panel id="deposit" title={t('depositTitle')}>
      <form onSubmit={submit}>
        <div class="pcf-inline-fields">
          <TextField
            label={t('amount')}
            value={input}
            onValue={setInput}
            inputMode="decimal"
            autoComplete="off"
            placeholder="100"
            required
            error={error}
            testId="deposit-amount"
          />
          <SelectField
            label={t('asset')}
            value={asset}
            options={ASSETS}
            onValue={setAsset}
            testId="deposit-asset"
          />
        </div>
        <Button type="submit" busy={busy || (pendingId !== null && !timedOut)} testId="deposit-submit">
          {t('depositSubmit')}
        </Button>
      </form>
      {deposit && <DepositStatus deposit={deposit} timedOut={timedOut} />}
    </Panel>
  );
}

import { Button, ConfirmStep, formatMoney, locale, SelectField, TextField, useWidget } from '@pcf/widget-kit';
import { useState } from 'preact/hooks';
import { readAmount } from './amount-input.ts';
import { Panel } from './Panel.tsx';
import { lookupRecipient, type Recipient, recipientText } from './recipient.ts';
import { sendErrorMessage } from './send-error.ts';
import { ASSETS, type SendRequest, walletApi } from './wallet-api.ts';
import { t } from './wallet-messages.ts';
import type { WalletStore } from './wallet-store.ts';

type Step =
  | { name: 'form' }
  | { name: 'confirm'; request: SendRequest; recipient: Recipient; idempotencyKey: string }
  | { name: 'done'; request: SendRequest; recipient: string };

/**
 * Send money to another fan: form, then the recipient is looked up (an unknown one is reported on the form), then
 * a confirmation step naming them ("Léa Martin (@lea-martin)"), then success or a clear error. A payment link
 * (/pay/@handle) opens it filled in.
 */
export function SendPanel({ store }: { store: WalletStore }) {
  const { api } = useWidget();
  const [draft] = useState(() => store.takeSendDraft());
  const [to, setTo] = useState(draft?.to ?? '');
  const [input, setInput] = useState(draft?.amount ?? '');
  const [asset, setAsset] = useState(draft?.asset ?? 'EUR');
  const [note, setNote] = useState(draft?.note ?? '');
  const [amountError, setAmountError] = useState<string | null>(null);
  const [toError, setToError] = useState<string | null>(null);
  const [step, setStep] = useState<Step>({ name: 'form' });
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<{ code: string; message: string } | null>(null);
  const current = locale.value;
  const available = store.balance.value?.assets.find((row) => row.asset === asset)?.available;

  const review = async (event: Event) => {
    event.preventDefault();
    const read = readAmount(input, asset);
    setAmountError('error' in read ? read.error : null);
    setToError(null);
    setFailure(null);
    if ('error' in read) return;
    setBusy(true);
    try {
      const recipient = await lookupRecipient(api, to.trim());
      const request: SendRequest = {
        // The id of the person the fan confirms, so the send pays exactly them.
        to: recipient.id,
        amount: read.amount,
        asset,
        ...(note.trim() ? { note: note.trim() } : {}),
      };
      setStep({ name: 'confirm', request, recipient, idempotencyKey: crypto.randomUUID() });
    } catch (error) {
      const { code, message } = sendErrorMessage(error);
      // The lookup's only validation failure is the fan naming themselves (the query itself is checked here).
      if (code === 'validation_failed') setToError(t('sendToSelf'));
      else if (code === 'recipient_not_found') setToError(message);
      else setFailure({ code, message });
    } finally {
      setBusy(false);
    }
  };

  const confirm = async () => {
    if (step.name !== 'confirm') return;
    setBusy(true);
    setFailure(null);
    try {
      const result = await walletApi.send(api, step.request, step.idempotencyKey);
      setStep({
        name: 'done',
        request: step.request,
        recipient: result.counterparty?.name ?? recipientText(step.recipient),
      });
      void store.refresh().catch(() => undefined);
    } catch (error) {
      setFailure(sendErrorMessage(error));
    } finally {
      setBusy(false);
    }
  };

  if (step.name === 'done') {
    return (
      <Panel id="send" title={t('sendTitle')}>
        <p class="pcf-status pcf-status--confirmed" role="status" data-testid="send-success">
          {t('sent', {
            amount: formatMoney(step.request.amount, step.request.asset, current),
            name: step.recipient,
          })}
        </p>
        <Button
          variant="secondary"
          onClick={() => {
            setInput('');
            setNote('');
            setStep({ name: 'form' });
          }}
        >
          {t('sendAnother')}
        </Button>
      </Panel>
    );
  }

  if (step.name === 'confirm') {
    const { request } = step;
    const rows: [string, string][] = [
      [t('to'), recipientText(step.recipient)],
      [t('amount'), formatMoney(request.amount, request.asset, current)],
    ];
    if (request.note) rows.push([t('note'), request.note]);
    return (
      <Panel id="send" title={t('sendTitle')}>
        <ConfirmStep
          title={t('confirmTitle')}
          rows={rows}
          busy={busy}
          onConfirm={confirm}
          onCancel={() => setStep({ name: 'form' })}
          confirmLabel={t('confirmSend')}
          confirmTestId="send-confirm"
        >
          {failure && (
            <p class="pcf-form-error" role="alert" data-testid="send-error" data-code={failure.code}>
              {failure.message}
            </p>
          )}
        </ConfirmStep>
      </Panel>
    );
  }

  return (
    <Panel id="send" title={t('sendTitle')}>
      <form onSubmit={review}>
        <TextField
          label={t('to')}
          hint={t('toHint')}
          value={to}
          onValue={setTo}
          autoComplete="off"
          spellcheck={false}
          required
          maxLength={254}
          error={toError}
          testId="send-to"
        />
        <div class="pcf-inline-fields">
          <TextField
            label={t('amount')}
            value={input}
            onValue={setInput}
            inputMode="decimal"
            autoComplete="off"
            required
            hint={available ? t('available', { amount: formatMoney(available, asset, current) }) : undefined}
            error={amountError}
            testId="send-amount"
          />
          <SelectField
            label={t('asset')}
            value={asset}
            options={ASSETS}
            onValue={setAsset}
            testId="send-asset"
          />
        </div>
        <TextField label={t('note')} value={note} onValue={setNote} maxLength={140} testId="send-note" />
        {failure && (
          <p class="pcf-form-error" role="alert" data-testid="send-error" data-code={failure.code}>
            {failure.message}
          </p>
        )}
        <Button type="submit" busy={busy} testId="send-submit">
          {t('sendReview')}
        </Button>
      </form>
    </Panel>
  );
}

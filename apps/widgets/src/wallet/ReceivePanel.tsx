import { ApiError, announce, Button, ErrorState, Skeleton, useWidget } from '@pcf/widget-kit';
import { useEffect, useState } from 'preact/hooks';
import { Panel } from './Panel.tsx';
import { type ReceiveInfo, walletApi } from './wallet-api.ts';
import { t } from './wallet-messages.ts';

/** The fan's handle, payment link and its QR code (an inline SVG image, no external request). */
export function ReceivePanel() {
  const { api } = useWidget();
  const [info, setInfo] = useState<ReceiveInfo | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    setError(null);
    walletApi
      .receive(api)
      .then(setInfo)
      .catch((failure: unknown) => setError(failure instanceof ApiError ? failure : null));
  }, [api, attempt]);

  const copy = async () => {
    if (!info) return;
    try {
      await navigator.clipboard.writeText(info.paymentLink);
      announce(t('copied'));
    } catch {
      document.querySelector<HTMLInputElement>('#pcf-receive-link')?.select();
    }
  };

  return (
    <Panel id="receive" title={t('receiveTitle')}>
      {error ? (
        <ErrorState code={error.code} message={error.message} onRetry={() => setAttempt(attempt + 1)} />
      ) : !info ? (
        <Skeleton />
      ) : (
        <div class="pcf-receive">
          <img
            class="pcf-qr"
            data-testid="receive-qr"
            src={`data:image/svg+xml;charset=utf-8,${encodeURIComponent(info.qrSvg)}`}
            alt={t('qrAlt', { handle: info.handle })}
            width={184}
            height={184}
          />
          <dl>
            <div class="pcf-row">
              <dt>{t('handle')}</dt>
              <dd>{info.handle}</dd>
            </div>
          </dl>
          <div class="pcf-field">
            <label for="pcf-receive-link">{t('link')}</label>
            <input id="pcf-receive-link" readOnly value={info.paymentLink} />
          </div>
          <Button variant="secondary" onClick={copy}>
            {t('copy')}
          </Button>
        </div>
      )}
    </Panel>
  );
}

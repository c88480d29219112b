import { useState } from 'preact/hooks';
import { tc } from '../common-messages.ts';
import { useWidget } from '../widget-context.ts';
import { announce } from './Announcer.tsx';
import { Button } from './Button.tsx';

/**
 * For a fan who signed in inside the widget and allowed the host page to read: says so, with a button that
 * withdraws the access (DELETE /v1/auth/consents/:partnerId). Renders nothing otherwise.
 */
export function HostAccessNotice() {
  const { consent, session, key } = useWidget();
  const [busy, setBusy] = useState(false);
  if (consent.granted.value !== true || session.token.value === null || session.tokenSource !== 'fan')
    return null;
  const partner = key.partnerName;
  const revoke = async () => {
    setBusy(true);
    try {
      await consent.revoke();
      announce(tc('hostAccessRevoked', { partner }));
    } catch {
      announce(tc('networkError'), 'error');
    } finally {
      setBusy(false);
    }
  };
  return (
    <p class="pcf-card pcf-host-access" data-testid="host-access">
      <span class="pcf-muted">{tc('hostAccess', { partner })}</span>
      <Button variant="ghost" busy={busy} onClick={revoke} testId="host-access-revoke">
        {tc('hostAccessRevoke')}
      </Button>
    </p>
  );
}

import { tc } from '../common-messages.ts';
import { useWidget } from '../widget-context.ts';
import { Button } from './Button.tsx';

/**
 * The signed-in fan's account control in a widget's header. A fan who signed in inside the widget gets "Sign out"
 * (every widget of the page follows, see session-share.ts); a partner's user (a partner-backend session) is signed
 * in through the partner's site, which alone signs them out: they see "Signed in through <partner>" instead.
 */
export function AccountStatus({ onSignedOut }: { onSignedOut?: () => void }) {
  const { session, bridge, key } = useWidget();
  if (session.token.value === null) return null;
  if (session.tokenSource === 'host') {
    return (
      <span class="pcf-badge pcf-via-partner" data-testid="via-partner">
        {tc('viaPartner', { partner: key.partnerName })}
      </span>
    );
  }
  const signOut = async () => {
    await session.signOut();
    onSignedOut?.();
    bridge.emit('WIDGET_ACTION', { action: 'signedOut' });
  };
  return (
    <Button variant="ghost" testId="signout" onClick={signOut}>
      {tc('signOut')}
    </Button>
  );
}

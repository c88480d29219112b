import { useState } from 'preact/hooks';
import { tc } from '../common-messages.ts';
import { ApiError } from '../problem.ts';
import { useWidget } from '../widget-context.ts';
import { Button } from './Button.tsx';
import { TextField } from './Field.tsx';

type Mode = 'signin' | 'signup';

function problemMessage(error: unknown): string {
  if (!(error instanceof ApiError)) return tc('networkError');
  switch (error.code) {
    case 'invalid_credentials':
      return tc('invalidCredentials');
    case 'email_taken':
      return tc('emailTaken');
    case 'weak_password':
      return tc('weakPassword');
    case 'rate_limited':
      return tc('rateLimited');
    case 'network_error':
      return tc('networkError');
    default: {
      const field = error.problem.errors[0];
      return field ? tc('fieldInvalid', { field: field.field, message: field.message }) : error.message;
    }
  }
}

/**
 * A partner's user whose partner-backend session ended (the host dropped its token, or it could not be renewed):
 * they have no PaieCashFan password, so instead of our form they are sent back to the partner's sign-in, and may
 * ask the host page for a new token.
 */
function PartnerSignedOut() {
  const { session, key } = useWidget();
  const [busy, setBusy] = useState(false);
  const partner = key.partnerName;
  const retry = async () => {
    setBusy(true);
    await session.askHostForToken();
    setBusy(false);
  };
  return (
    <section class="pcf-signin" data-testid="partner-signed-out" aria-labelledby="pcf-partner-title">
      <h2 id="pcf-partner-title">{tc('partnerSignedOutTitle', { partner })}</h2>
      <p class="pcf-muted">{tc('partnerSignedOut', { partner })}</p>
      <Button variant="secondary" busy={busy} onClick={retry} testId="partner-reconnect">
        {tc('partnerReconnect')}
      </Button>
    </section>
  );
}

/**
 * Email + password sign-in inside the widget, with a sign-up tab; tokens stay in memory. For a partner's user
 * (the host gave a partner-backend session before), the way back through the partner instead.
 */
export function SignInForm() {
  const { session } = useWidget();
  return session.viaHost.value ? <PartnerSignedOut /> : <FanSignInForm />;
}

function FanSignInForm() {
  const { session, bridge } = useWidget();
  const [mode, setMode] = useState<Mode>('signin');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async (event: Event) => {
    event.preventDefault();
    if (mode === 'signup' && password.length < 10) return setError(tc('passwordTooShort'));
    setBusy(true);
    setError(null);
    try {
      if (mode === 'signin') await session.signIn(email.trim(), password);
      else await session.signUp(email.trim(), password, displayName.trim());
      bridge.emit('WIDGET_ACTION', { action: mode === 'signin' ? 'signedIn' : 'signedUp' });
    } catch (failure) {
      setError(problemMessage(failure));
      setBusy(false);
    }
  };

  const tab = (value: Mode, label: string, testId?: string) => (
    <button
      type="button"
      role="tab"
      class="pcf-tab"
      aria-selected={mode === value}
      data-testid={testId}
      onClick={() => {
        setMode(value);
        setError(null);
      }}
    >
      {label}
    </button>
  );

  return (
    <section class="pcf-signin" aria-labelledby="pcf-signin-title">
      <h2 id="pcf-signin-title">{mode === 'signin' ? tc('signInTitle') : tc('signUpTitle')}</h2>
      <div class="pcf-tabs" role="tablist" aria-label={tc('signInTab')}>
        {tab('signin', tc('signInTab'))}
        {tab('signup', tc('signUpTab'), 'signup-tab')}
      </div>
      <form onSubmit={submit}>
        {mode === 'signup' && (
          <TextField
            label={tc('displayName')}
            value={displayName}
            onValue={setDisplayName}
            autoComplete="nickname"
            required
            maxLength={60}
            testId="signup-name"
          />
        )}
        <TextField
          label={tc('email')}
          type="email"
          value={email}
          onValue={setEmail}
          autoComplete="email"
          required
          testId="signin-email"
        />
        <TextField
          label={tc('password')}
          type="password"
          value={password}
          onValue={setPassword}
          autoComplete={mode === 'signin' ? 'current-password' : 'new-password'}
          hint={mode === 'signup' ? tc('passwordHint') : undefined}
          minLength={mode === 'signup' ? 10 : undefined}
          required
          testId="signin-password"
        />
        {error && (
          <p class="pcf-form-error" role="alert">
            {error}
          </p>
        )}
        <Button type="submit" busy={busy} testId="signin-submit">
          {mode === 'signin' ? tc('signIn') : tc('signUp')}
        </Button>
      </form>
    </section>
  );
}

import type { ComponentType } from 'preact';
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { observeHeight } from './auto-height.ts';
import { tc } from './common-messages.ts';
import { connect } from './connect.ts';
import { setLocale } from './i18n.ts';
import { reportedParentOrigin } from './origins.ts';
import type { WidgetName } from './protocol.ts';
import { fetchPublishableKey, type PublishableKeyInfo } from './publishable-key.ts';
import { shareChannelName, shareSession } from './session-share.ts';
import { applyAppearance } from './theme.ts';
import { Announcer } from './ui/Announcer.tsx';
import { ConfirmDialog } from './ui/ConfirmDialog.tsx';
import { ErrorState } from './ui/ErrorState.tsx';
import { HostAccessNotice } from './ui/HostAccessNotice.tsx';
import { Skeleton } from './ui/Skeleton.tsx';
import { readUrlHints, type UrlHints } from './url-hints.ts';
import './ui/base.css';
import { type WidgetContext, WidgetContextProvider } from './widget-context.ts';

export interface WidgetDefinition<State> {
  name: WidgetName;
  /**
   * Creates the widget's state and registers its bridge methods and host-message listeners. Runs once the key is
   * valid, before the handshake, so the host's first requests find their handlers.
   */
  setup: (context: WidgetContext) => State;
  App: ComponentType<{ state: State }>;
}

/**
 * Without a publishable key, a widget shown by the platform's own pages (top-level, or framed by a page of its own
 * origin, such as a payment link /pay/@handle) runs as PaieCashFan itself; framed by anyone else it stays an error.
 */
function firstPartyKey(): PublishableKeyInfo | null {
  const parent =
    window.parent === window
      ? location.origin
      : reportedParentOrigin(location.ancestorOrigins, document.referrer);
  if (parent !== location.origin) return null;
  return {
    partnerId: 'paiecashfan',
    partnerName: 'PaieCashFan',
    partnerSlug: '',
    mode: 'live',
    allowedOrigins: [location.origin],
  };
}

type BootState<State> =
  | { phase: 'loading' }
  | { phase: 'failed'; code: string }
  | { phase: 'ready'; context: WidgetContext; widgetState: State };

function Boot<State>({ definition, hints }: { definition: WidgetDefinition<State>; hints: UrlHints }) {
  const { pk } = hints;
  const [state, setState] = useState<BootState<State>>({ phase: 'loading' });
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    let stopHeight: (() => void) | undefined;
    let leaveShare: (() => void) | undefined;
    (async () => {
      const key = pk === null ? firstPartyKey() : await fetchPublishableKey(pk).catch(() => undefined);
      if (key === undefined) return setState({ phase: 'failed', code: 'network_error' });
      if (key === null) return setState({ phase: 'failed', code: 'PCF_INVALID_KEY' });
      const { context, status, settled } = connect(definition.name, key);
      if (status === 'denied') return setState({ phase: 'failed', code: 'PCF_ORIGIN_DENIED' });
      const channel = pk === null ? null : shareChannelName(pk, hints.group);
      if (channel !== null) leaveShare = shareSession(context.session, channel);
      const widgetState = definition.setup(context);
      const content = document.getElementById('app');
      if (content)
        stopHeight = observeHeight(content, (height) => context.bridge.emit('WIDGET_RESIZE', { height }));
      await settled;
      setState({ phase: 'ready', context, widgetState });
    })();
    return () => {
      stopHeight?.();
      leaveShare?.();
    };
  }, [attempt]);

  if (state.phase === 'loading') return <Skeleton />;
  if (state.phase === 'ready') {
    const { App } = definition;
    const { prompts } = state.context;
    // While the fan answers a question from the host, the question is all the widget shows.
    return (
      <WidgetContextProvider.Provider value={state.context}>
        <ConfirmDialog prompts={prompts} />
        <div class="pcf-app" hidden={prompts.current.value !== null}>
          <App state={state.widgetState} />
          <HostAccessNotice />
        </div>
      </WidgetContextProvider.Provider>
    );
  }
  if (state.code === 'PCF_INVALID_KEY' || state.code === 'PCF_ORIGIN_DENIED') {
    const invalid = state.code === 'PCF_INVALID_KEY';
    return (
      <ErrorState
        isPage
        testId="widget-error"
        code={state.code}
        title={invalid ? tc('invalidKeyTitle') : tc('originDeniedTitle')}
        message={invalid ? tc('invalidKey') : tc('originDenied')}
      />
    );
  }
  return (
    <ErrorState
      testId="widget-error"
      code={state.code}
      message={tc('networkError')}
      onRetry={() => {
        setState({ phase: 'loading' });
        setAttempt(attempt + 1);
      }}
    />
  );
}

/**
 * Starts a widget page: URL hints (pk, locale, theme), key check, handshake with the host, then the widget's App.
 * An unknown or revoked key, or a parent origin the key does not allow, renders an error and nothing else.
 */
export function bootWidget<State>(definition: WidgetDefinition<State>): void {
  const hints = readUrlHints(location.search);
  setLocale(hints.locale ?? 'fr');
  applyAppearance({ theme: hints.theme ?? 'dark' });
  // The SDK sizes its iframes to the content (WIDGET_RESIZE) and names its instance in the URL; a plain iframe
  // (or the page opened on its own) has a fixed size, so there the page scrolls instead of being cut.
  document.documentElement.dataset.framing = hints.group === null ? 'plain' : 'sdk';
  document.title = `${tc(`widget.${definition.name}`)} · PaieCashFan`;
  const root = document.getElementById('app');
  if (!root) return;
  render(
    <main class="pcf-widget">
      <Boot<State> definition={definition} hints={hints} />
      <Announcer />
    </main>,
    root,
  );
}

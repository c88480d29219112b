import { effect, signal } from '@preact/signals';
import { ApiClient } from './api.ts';
import { WidgetBridge } from './bridge.ts';
import { FanPrompts } from './fan-prompts.ts';
import { readHostConfig } from './hello.ts';
import { HostConsent } from './host-consent.ts';
import { setLocale } from './i18n.ts';
import { allowedOriginSet } from './origins.ts';
import type { HelloData, WidgetName } from './protocol.ts';
import type { PublishableKeyInfo } from './publishable-key.ts';
import { Session } from './session.ts';
import { applyAppearance } from './theme.ts';
import type { WidgetContext } from './widget-context.ts';

/** How long a framed widget waits for the host's PCF_HELLO (and its token) before showing a signed-out state. */
const HELLO_GRACE_MS = 800;

export interface Connection {
  context: WidgetContext;
  status: 'standalone' | 'connecting' | 'denied';
  /** Resolves at the first PCF_HELLO, or after a short grace period. */
  settled: Promise<void>;
}

/**
 * Wires a widget whose key is valid: session, API client and the bridge, which applies the host's config
 * (PCF_HELLO and `update`: locale, appearance, session token, options) and starts the handshake.
 */
export function connect(widget: WidgetName, key: PublishableKeyInfo): Connection {
  const options = signal<Record<string, unknown>>({});
  let greeted: () => void = () => undefined;
  const hello = new Promise<void>((resolve) => {
    greeted = resolve;
  });
  const apply = (config: Partial<HelloData>) => {
    if (config.locale) setLocale(config.locale);
    if (config.appearance) applyAppearance(config.appearance);
    if (config.sessionToken !== undefined) session.useHostToken(config.sessionToken);
    if (config.options) options.value = config.options;
  };
  const bridge: WidgetBridge = new WidgetBridge({
    widget,
    allowedOrigins: allowedOriginSet(key.allowedOrigins, location.origin),
    isAuthenticated: () => session.signedIn,
    onHello: (config) => {
      apply(config);
      greeted();
    },
  });
  const session = new Session(() => bridge.request('getSessionToken'));
  const api = new ApiClient(session);
  const prompts = new FanPrompts();
  const consent = new HostConsent({ session, api, key, prompts });
  // A question asked for a fan who has since signed out is withdrawn.
  effect(() => {
    if (session.token.value === null) prompts.cancel();
  });
  bridge.handle('update', async (params) => {
    apply(readHostConfig(params));
    return null;
  });
  const status = bridge.start();
  const settled =
    status === 'connecting'
      ? Promise.race([hello, new Promise<void>((resolve) => setTimeout(resolve, HELLO_GRACE_MS))])
      : Promise.resolve();
  return {
    context: { widget, bridge, session, api, key, options, prompts, consent },
    status,
    settled,
  };
}

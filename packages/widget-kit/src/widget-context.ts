import type { Signal } from '@preact/signals';
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { ApiClient } from './api.ts';
import type { WidgetBridge } from './bridge.ts';
import type { FanPrompts } from './fan-prompts.ts';
import type { HostConsent } from './host-consent.ts';
import type { WidgetName } from './protocol.ts';
import type { PublishableKeyInfo } from './publishable-key.ts';
import type { Session } from './session.ts';

/** What every part of a widget shares: its bridge to the host, the fan's session, the API client and the fan's questions. */
export interface WidgetContext {
  widget: WidgetName;
  bridge: WidgetBridge;
  session: Session;
  api: ApiClient;
  /** The publishable key's public facts (partner slug = the club, allowed origins). */
  key: PublishableKeyInfo;
  /** Widget-specific options from mount() / update(). */
  options: Signal<Record<string, unknown>>;
  /** The questions asked of the fan on behalf of the host (confirmations, consent), one at a time. */
  prompts: FanPrompts;
  /** What the host page may read about the signed-in fan (see host-consent.ts). */
  consent: HostConsent;
}

export const WidgetContextProvider = createContext<WidgetContext | null>(null);

export function useWidget(): WidgetContext {
  const context = useContext(WidgetContextProvider);
  if (context === null) throw new Error('useWidget() outside a booted widget');
  return context;
}

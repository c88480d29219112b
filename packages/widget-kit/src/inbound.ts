import { type Envelope, HELLO, isEnvelope, type WidgetName } from './protocol.ts';

export interface InboundEvent {
  data: unknown;
  origin: string;
  source: unknown;
}

export interface InboundContext {
  widget: WidgetName;
  /** window.parent: the only window the widget listens to. */
  parent: unknown;
  allowedOrigins: ReadonlySet<string>;
  /** The origin fixed by the handshake; null before it. */
  hostOrigin: string | null;
}

/**
 * The envelope of a message event if the widget may act on it, null for everything to ignore: non-envelopes,
 * messages for another widget, from another window than the parent, a PCF_HELLO from an origin the key does not
 * allow, and anything else from an origin other than the one fixed by the handshake.
 */
export function acceptInbound(event: InboundEvent, context: InboundContext): Envelope | null {
  if (event.source !== context.parent || !isEnvelope(event.data)) return null;
  const message = event.data;
  if (message.widget !== context.widget) return null;
  if (message.type === HELLO) return context.allowedOrigins.has(event.origin) ? message : null;
  return context.hostOrigin !== null && event.origin === context.hostOrigin ? message : null;
}

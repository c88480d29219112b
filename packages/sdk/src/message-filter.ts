import { type Envelope, isEnvelope, type WidgetName } from '@pcf/widget-kit/protocol';

/** The parts of a MessageEvent the filter looks at. */
export interface IncomingMessage {
  source: unknown;
  origin: string;
  data: unknown;
}

/**
 * The envelope of a message from our own iframe, or null: the message must come from that iframe's window,
 * from the widget origin, and be a valid envelope of the same widget. Everything else is ignored.
 */
export function acceptMessage(
  event: IncomingMessage,
  frameWindow: unknown,
  origin: string,
  widget: WidgetName,
): Envelope | null {
  if (frameWindow == null || event.source !== frameWindow || event.origin !== origin) return null;
  return isEnvelope(event.data) && event.data.widget === widget ? event.data : null;
}

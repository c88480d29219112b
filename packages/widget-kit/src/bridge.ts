import { BridgeError, toErrorPayload } from './bridge-error.ts';
import { readHostConfig } from './hello.ts';
import { acceptInbound } from './inbound.ts';
import { reportedParentOrigin } from './origins.ts';
import { PendingCalls } from './pending-calls.ts';
import {
  ACK,
  type AckData,
  type Envelope,
  envelope,
  HELLO,
  type HelloData,
  HOST_MESSAGES,
  type HostMessageData,
  type HostMessageType,
  type HostMethods,
  ORIGIN_DENIED,
  PENDING,
  REQUEST,
  RESPONSE,
  type RequestData,
  type ResponseData,
  SYN,
  type WidgetEventData,
  type WidgetEventType,
  type WidgetMethods,
  type WidgetName,
} from './protocol.ts';

/** standalone: not in an iframe; denied: the parent's origin is not allowed by the key; else waiting for PCF_HELLO. */
export type BridgeStatus = 'standalone' | 'connecting' | 'denied';

export interface BridgeOptions {
  widget: WidgetName;
  allowedOrigins: ReadonlySet<string>;
  /** Whether a fan is signed in (told to the host in PCF_ACK and WIDGET_READY). */
  isAuthenticated: () => boolean;
  /** Applies a new host's config (locale, appearance, token...) before its PCF_HELLO is acknowledged. */
  onHello: (config: Partial<HelloData>) => void;
}

/** The host request a handler is answering: its id, the host's origin, and a way to say "the fan is being asked". */
export interface IncomingCall {
  id: string;
  /** The exact origin of the host page (fixed by the handshake). */
  origin: string;
  /** Sends PCF_PENDING for this request: the host extends its timeout while the fan decides. */
  pending(): void;
}

type Handler = (params: unknown, call: IncomingCall) => Promise<unknown>;
const OUTBOX_LIMIT = 50;

/**
 * The widget side of the postMessage protocol (see protocol.ts): handshake with the parent page, requests in both
 * directions, widget events out and host messages in. After the handshake it posts only to the host's exact
 * origin; before it, events wait in a small outbox.
 */
export class WidgetBridge {
  private hostOrigin: string | null = null;
  private instanceId: string | null = null;
  private readonly handlers = new Map<string, Handler>();
  private readonly listeners = new Map<string, Set<(data: unknown) => void>>();
  private readonly outbox: Envelope[] = [];
  private lastResize: Envelope | null = null;
  private readonly calls = new PendingCalls();

  constructor(
    private readonly options: BridgeOptions,
    private readonly win: Window = window,
  ) {}

  get connected(): boolean {
    return this.hostOrigin !== null;
  }

  /**
   * Starts listening and sends PCF_SYN to the parent if the browser reports an allowed origin for it. A parent whose
   * origin is not allowed is told so once (PCF_ORIGIN_DENIED, no data) and then hears nothing more.
   */
  start(): BridgeStatus {
    if (this.win.parent === this.win) return 'standalone';
    const reported = reportedParentOrigin(this.win.location.ancestorOrigins, this.win.document.referrer);
    if (reported !== null && !this.options.allowedOrigins.has(reported)) {
      this.win.parent.postMessage(envelope(this.options.widget, ORIGIN_DENIED, {}), reported);
      return 'denied';
    }
    this.win.addEventListener('message', this.onMessage);
    if (reported !== null) this.win.parent.postMessage(envelope(this.options.widget, SYN, {}), reported);
    return 'connecting';
  }

  /** The host's origin once the handshake is done, else null. */
  get origin(): string | null {
    return this.hostOrigin;
  }

  /** Answers the host's PCF_REQUESTs for this method (the handler gets the params and the call it answers). */
  handle<M extends keyof WidgetMethods>(
    method: M,
    handler: (params: WidgetMethods[M]['params'], call: IncomingCall) => Promise<WidgetMethods[M]['result']>,
  ): void {
    this.handlers.set(method, handler as Handler);
  }

  on<T extends HostMessageType>(type: T, listener: (data: HostMessageData[T]) => void): () => void {
    const set = this.listeners.get(type) ?? new Set();
    this.listeners.set(type, set);
    const wrapped = listener as (data: unknown) => void;
    set.add(wrapped);
    return () => set.delete(wrapped);
  }

  emit<T extends WidgetEventType>(type: T, data: WidgetEventData[T]): void {
    const message = envelope(this.options.widget, type, data);
    if (type === 'WIDGET_RESIZE') this.lastResize = message;
    if (this.hostOrigin !== null) {
      this.post(message);
    } else if (type !== 'WIDGET_RESIZE') {
      this.outbox.push(message);
      if (this.outbox.length > OUTBOX_LIMIT) this.outbox.shift();
    }
  }

  /** Calls a host method; rejects with PCF_NOT_MOUNTED before the handshake and PCF_TIMEOUT after 10 s. */
  async request<M extends keyof HostMethods>(
    method: M,
    params?: HostMethods[M]['params'],
  ): Promise<HostMethods[M]['result']> {
    if (this.hostOrigin === null) throw new BridgeError('PCF_NOT_MOUNTED', 'No host page is connected');
    const id = crypto.randomUUID();
    const answer = this.calls.open(id);
    const data: RequestData = { method, params };
    this.post(envelope(this.options.widget, REQUEST, data, id));
    return (await answer) as HostMethods[M]['result'];
  }

  private readonly onMessage = (event: MessageEvent): void => {
    const message = acceptInbound(event, {
      widget: this.options.widget,
      parent: this.win.parent,
      allowedOrigins: this.options.allowedOrigins,
      hostOrigin: this.hostOrigin,
    });
    if (message === null) return;
    if (message.type === HELLO) this.receiveHello(message, event.origin);
    else if (message.type === REQUEST) void this.answer(message);
    else if (message.type === RESPONSE && message.id !== undefined)
      this.calls.settle(message.id, message.data);
    else if ((HOST_MESSAGES as readonly string[]).includes(message.type)) {
      for (const listener of this.listeners.get(message.type) ?? []) listener(message.data);
    }
  };

  private receiveHello(message: Envelope, origin: string): void {
    const config = readHostConfig(message.data);
    const instanceId = config.instanceId ?? '';
    const isNewHost = instanceId !== this.instanceId || origin !== this.hostOrigin;
    if (isNewHost) this.options.onHello(config);
    this.hostOrigin = origin;
    this.instanceId = instanceId;
    const authenticated = this.options.isAuthenticated();
    const ack: AckData = { instanceId, authenticated };
    this.post(envelope(this.options.widget, ACK, ack));
    if (!isNewHost) return;
    this.emit('WIDGET_READY', { widget: this.options.widget, authenticated });
    if (this.lastResize) this.post(this.lastResize);
    for (const queued of this.outbox.splice(0)) this.post(queued);
  }

  private async answer(message: Envelope): Promise<void> {
    const id = message.id;
    if (id === undefined) return;
    const origin = this.hostOrigin ?? '';
    const request = (
      typeof message.data === 'object' && message.data !== null ? message.data : {}
    ) as Partial<Record<keyof RequestData, unknown>>;
    let response: ResponseData;
    try {
      const method = typeof request.method === 'string' ? request.method : '';
      const handler = this.handlers.get(method);
      if (!handler) throw new BridgeError('PCF_NOT_AVAILABLE', `This widget has no method "${method}"`);
      const call: IncomingCall = {
        id,
        origin,
        pending: () => this.post(envelope(this.options.widget, PENDING, {}, id)),
      };
      response = { ok: true, result: (await handler(request.params, call)) ?? null };
    } catch (error) {
      response = { ok: false, error: toErrorPayload(error) };
    }
    this.post(envelope(this.options.widget, RESPONSE, response, id));
  }

  private post(message: Envelope): void {
    if (this.hostOrigin !== null) this.win.parent.postMessage(message, this.hostOrigin);
  }
}

import {
  ACK,
  type AckData,
  DEFAULT_TIMEOUT_MS,
  type Envelope,
  envelope,
  FAN_TIMEOUT_MS,
  HELLO,
  type HelloData,
  ORIGIN_DENIED,
  PENDING,
  REQUEST,
  RESPONSE,
  type RequestData,
  type ResponseData,
  SYN,
  WIDGET_EVENTS,
  type WidgetEventType,
  type WidgetName,
} from '@pcf/widget-kit/protocol';
import { errorText, PcfError } from './errors.ts';
import { randomId } from './random-id.ts';
import { createRequestTracker } from './request-tracker.ts';

export const HELLO_RETRY_MS = 250;

/** What a connection needs from its mount: how to post, the hello data, and where events go. */
export interface ConnectionHooks {
  widget: WidgetName;
  /** Posts to the iframe's window with targetOrigin = the widget origin. */
  post(message: Envelope): void;
  /** Runs before each handshake (gets a fresh token); must not reject. */
  prepare(): Promise<void>;
  /** PCF_HELLO data, read at every send so changes made meanwhile are included. */
  hello(): HelloData;
  /** Answers a widget → host PCF_REQUEST. */
  answer(method: string, params: unknown): Promise<unknown>;
  onEvent(type: WidgetEventType, data: unknown): void;
  onConnected(ack: AckData): void;
  /** The handshake failed: no PCF_ACK within 10 s (PCF_TIMEOUT), or the widget denied this origin (PCF_ORIGIN_DENIED). */
  onHandshakeFailed(error: PcfError): void;
}

/** The host side of one iframe: handshake, request/response with ids, events. */
export interface Connection {
  readonly connected: boolean;
  /** The iframe's load event: (re)starts the handshake, unless this document already did with its PCF_SYN. */
  onLoad(): void;
  /** Handles an envelope already checked to come from our iframe and the widget origin. */
  receive(message: Envelope): void;
  /**
   * Sends a PCF_REQUEST (queued until the handshake is done) and waits for its PCF_RESPONSE, 10 s (PCF_TIMEOUT),
   * or FAN_TIMEOUT_MS from each PCF_PENDING the widget sends while the fan is being asked.
   */
  call(method: string, params?: unknown): Promise<unknown>;
  /** Sends a fire-and-forget message (queued until the handshake is done). */
  notify(type: string, data: unknown): void;
  /** Stops everything and rejects pending requests, and every later call, with `error`. */
  close(error: PcfError): void;
}

const isEventType = (type: string): type is WidgetEventType => Object.keys(WIDGET_EVENTS).includes(type);

export function createConnection(hooks: ConnectionHooks): Connection {
  const requests = createRequestTracker();
  const queue: Envelope[] = [];
  const idPrefix = randomId();
  let nextId = 0;
  let connected = false;
  let closed: PcfError | undefined;
  let round = 0;
  let helloSent = false;
  let synced = false;
  let retry: ReturnType<typeof setInterval> | undefined;

  const send = (type: string, data: unknown, id?: string) =>
    hooks.post(envelope(hooks.widget, type, data, id));
  const stopRetry = () => {
    clearInterval(retry);
    retry = undefined;
  };

  const handshake = async () => {
    const current = ++round;
    connected = false;
    helloSent = false;
    stopRetry();
    await hooks.prepare();
    if (current !== round || closed) return;
    const sayHello = () => send(HELLO, hooks.hello());
    sayHello();
    helloSent = true;
    let tries = 0;
    retry = setInterval(() => {
      if (++tries * HELLO_RETRY_MS < DEFAULT_TIMEOUT_MS) return sayHello();
      stopRetry();
      hooks.onHandshakeFailed(new PcfError('PCF_TIMEOUT', 'No handshake'));
    }, HELLO_RETRY_MS);
  };

  const respond = async (id: string, request: unknown) => {
    let response: ResponseData;
    try {
      const { method, params } = request as RequestData;
      response = { ok: true, result: await hooks.answer(method, params) };
    } catch (error) {
      const code = error instanceof PcfError ? error.code : 'PCF_BAD_REQUEST';
      response = { ok: false, error: { code, message: errorText(error) } };
    }
    if (!closed) send(RESPONSE, response, id);
  };

  const close = (error: PcfError) => {
    closed = error;
    connected = false;
    round++;
    stopRetry();
    queue.length = 0;
    requests.rejectAll(error);
  };

  const onAck = (ack: AckData) => {
    if (connected || !helloSent || ack?.instanceId !== hooks.hello().instanceId) return;
    connected = true;
    stopRetry();
    // Requests sent to a page that has since reloaded were never answered: send them again.
    for (const message of [...requests.pending(), ...queue.splice(0)]) hooks.post(message);
    hooks.onConnected(ack);
  };

  return {
    get connected() {
      return connected;
    },
    onLoad() {
      if (!synced) void handshake();
      synced = false;
    },
    receive({ type, id, data }) {
      if (closed) return;
      if (type === ORIGIN_DENIED) {
        // The widget found that the key does not allow this page's origin: fail now rather than after 10 s.
        const denied = new PcfError(ORIGIN_DENIED, 'Origin not allowed by the key');
        close(denied);
        hooks.onHandshakeFailed(denied);
      } else if (type === SYN) {
        synced = true;
        void handshake();
      } else if (type === ACK) onAck(data as AckData);
      else if (type === RESPONSE && id) requests.settle(id, data);
      // The widget is asking the fan (a confirmation or a consent screen): wait for the fan's answer.
      else if (type === PENDING && id) requests.wait(id, FAN_TIMEOUT_MS);
      else if (type === REQUEST && id) void respond(id, data);
      else if (isEventType(type)) hooks.onEvent(type, data);
    },
    call(method, params) {
      if (closed) return Promise.reject(closed);
      const id = `${idPrefix}-${++nextId}`;
      const message = envelope<RequestData>(hooks.widget, REQUEST, { method, params }, id);
      const answer = requests.track(id, message, DEFAULT_TIMEOUT_MS);
      if (connected) hooks.post(message);
      return answer;
    },
    notify(type, data) {
      const message = envelope(hooks.widget, type, data);
      if (connected) hooks.post(message);
      else if (!closed) queue.push(message);
    },
    close,
  };
}

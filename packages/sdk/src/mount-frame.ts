import type { Envelope, HelloData, WidgetEventType, WidgetName } from '@pcf/widget-kit/protocol';
import { WIDGET_FILES } from '@pcf/widget-kit/protocol';
import { type Connection, createConnection } from './connection.ts';
import { createDisposables } from './disposables.ts';
import { errorText, PcfError } from './errors.ts';
import { createIframe, frameTitle, whenNearViewport } from './frame.ts';
import { acceptMessage } from './message-filter.ts';
import { listen } from './message-hub.ts';
import type { ResolvedOptions } from './options.ts';
import { randomId } from './random-id.ts';
import { refreshDelay, type TokenSource } from './token-source.ts';
import type { MountOptions } from './types.ts';

/** What the widget is configured with: sent in PCF_HELLO and changed by update(). */
export type WidgetConfig = Pick<HelloData, 'locale' | 'appearance' | 'options'>;

export interface FrameSetup {
  widget: WidgetName;
  container: Element;
  sdk: ResolvedOptions;
  tokens: TokenSource;
  mount: MountOptions;
  /** The current configuration (read at every hello). */
  config(): WidgetConfig;
  emit(type: WidgetEventType, data: unknown): void;
}

export interface MountedFrame {
  frame: HTMLIFrameElement;
  connection: Connection;
  /** Removes the iframe and releases every listener, timer and observer of this mount. */
  dispose(): void;
}

/** One random id per SDK instance (its options object): its widgets share the fan's sign-in (session-share.ts). */
const groups = new WeakMap<ResolvedOptions, string>();
const groupOf = (sdk: ResolvedOptions): string => {
  const group = groups.get(sdk) ?? randomId();
  groups.set(sdk, group);
  return group;
};

/** Creates the iframe, lazy-loads it and connects to the widget inside; every resource is in one disposable set. */
export function mountFrame(setup: FrameSetup): MountedFrame {
  const { widget, sdk, tokens, emit } = setup;
  const { lazy = true, height = 320, maxHeight = 2000, title } = setup.mount;
  const config = setup.config();
  const resources = createDisposables();
  const instanceId = randomId();
  let token: string | null = null;
  let refreshTimer: ReturnType<typeof setTimeout> | undefined;

  const frame = createIframe(widget, title ?? frameTitle(widget, config.locale), height);
  setup.container.appendChild(frame);
  resources.add(() => frame.remove());

  const fail = (error: unknown) =>
    emit('WIDGET_ERROR', {
      code: error instanceof PcfError ? error.code : 'PCF_UNAUTHENTICATED',
      message: errorText(error),
    });

  const scheduleRefresh = () => {
    clearTimeout(refreshTimer);
    const delay = token && refreshDelay(token);
    if (!delay || resources.disposed) return;
    refreshTimer = setTimeout(async () => {
      const previous = token;
      try {
        token = await tokens.get(previous);
        if (token !== previous && connection.connected)
          await connection.call('update', { sessionToken: token });
      } catch (error) {
        if (!resources.disposed) fail(error);
      }
      scheduleRefresh();
    }, delay);
  };
  resources.add(() => clearTimeout(refreshTimer));

  const connection = createConnection({
    widget,
    post: (message: Envelope) => frame.contentWindow?.postMessage(message, sdk.origin),
    prepare: async () => {
      try {
        token = await tokens.get();
      } catch (error) {
        fail(error);
      }
    },
    hello: () => ({ instanceId, ...setup.config(), sessionToken: token }),
    answer: async (method) => {
      if (method !== 'getSessionToken')
        throw new PcfError('PCF_BAD_REQUEST', `Unknown host method ${method}`);
      token = await tokens.get(token);
      scheduleRefresh();
      return token;
    },
    onEvent(type, data) {
      const reported = (data as { height?: unknown } | null)?.height;
      if (type === 'WIDGET_RESIZE' && typeof reported === 'number' && reported >= 0) {
        frame.style.height = `${Math.min(Math.ceil(reported), maxHeight)}px`;
      }
      emit(type, data);
    },
    onConnected: scheduleRefresh,
    onHandshakeFailed: fail,
  });
  resources.add(() => connection.close(new PcfError('PCF_NOT_MOUNTED', `pcf.${widget} was unmounted`)));

  resources.add(
    listen((event) => {
      const message = acceptMessage(event, frame.contentWindow, sdk.origin, widget);
      if (message) connection.receive(message);
    }),
  );

  const query = new URLSearchParams({
    pk: sdk.apiKey,
    locale: config.locale,
    theme: config.appearance.theme ?? 'dark',
    group: groupOf(sdk),
  });
  const start = () => {
    // Listen from here only: the about:blank load of an iframe without src must not start a handshake.
    frame.addEventListener('load', connection.onLoad);
    frame.src = `${sdk.baseUrl}/widgets/${WIDGET_FILES[widget]}?${query}`;
  };
  resources.add(() => frame.removeEventListener('load', connection.onLoad));
  if (lazy) resources.add(whenNearViewport(frame, start));
  else start();

  return { frame, connection, dispose: resources.dispose };
}

import {
  HOST_MESSAGES,
  WIDGET_EVENTS,
  type WidgetEventType,
  type WidgetName,
} from '@pcf/widget-kit/protocol';
import { createEmitter } from './emitter.ts';
import { PcfError } from './errors.ts';
import { frameTitle } from './frame.ts';
import { type MountedFrame, mountFrame, type WidgetConfig } from './mount-frame.ts';
import { checkAppearance, checkLocale, type ResolvedOptions } from './options.ts';
import type { TokenSource } from './token-source.ts';
import type { PcfEvent, UpdateOptions, WidgetModule } from './types.ts';

/** What every module of one SDK instance shares. */
export interface ModuleContext {
  sdk: ResolvedOptions;
  tokens: TokenSource;
  /** Instance-level fan-out (pcf.on). */
  broadcast(event: PcfEvent): void;
}

/** A module plus what the service methods built on it need. */
export interface ModuleInternals<N extends WidgetName = WidgetName> {
  module: WidgetModule<N>;
  /** Throws PCF_DESTROYED after destroy(). */
  assertAlive(): void;
  /** Calls a method of the mounted widget (PCF_REQUEST, e.g. `wallet.getBalance`); rejects PCF_NOT_MOUNTED if there is none. */
  request(method: string, params: unknown): Promise<unknown>;
}

/** Applies update()/mount() options to a configuration, validating them. */
function applyOptions(config: WidgetConfig, options: UpdateOptions): WidgetConfig {
  return {
    locale: options.locale === undefined ? config.locale : checkLocale(options.locale),
    appearance: options.appearance === undefined ? config.appearance : checkAppearance(options.appearance),
    options: options.options ?? config.options,
  };
}

/** The generic widget module (mount/update/unmount/destroy/on/off/send), one per widget name. */
export function createWidgetModule<N extends WidgetName>(
  name: N,
  context: ModuleContext,
): ModuleInternals<N> {
  const events = createEmitter();
  let config: WidgetConfig = { locale: context.sdk.locale, appearance: context.sdk.appearance, options: {} };
  let live: MountedFrame | null = null;
  let customTitle: string | undefined;
  let destroyed = false;

  const assertAlive = () => {
    if (destroyed) throw new PcfError('PCF_DESTROYED', `pcf.${name} was destroyed`);
  };
  const emit = (type: WidgetEventType, data: unknown) => {
    const event = WIDGET_EVENTS[type];
    events.emit(event, data);
    context.broadcast({ widget: name, type, event, data } as PcfEvent);
  };
  const notMounted = () => new PcfError('PCF_NOT_MOUNTED', `pcf.${name} is not mounted`);
  const unmount = () => {
    live?.dispose();
    live = null;
  };

  const module: WidgetModule<N> = {
    name,
    get mounted() {
      return live !== null;
    },
    get connected() {
      return live?.connection.connected === true;
    },
    mount(target, options = {}) {
      assertAlive();
      const container = typeof target === 'string' ? document.querySelector(target) : target;
      if (!container?.appendChild) {
        throw new PcfError('PCF_BAD_REQUEST', `pcf.${name}.mount: no element ${String(target)}`);
      }
      config = applyOptions(config, options);
      unmount();
      customTitle = options.title;
      live = mountFrame({
        widget: name,
        container,
        sdk: context.sdk,
        tokens: context.tokens,
        mount: options,
        config: () => config,
        emit,
      });
    },
    async update(options) {
      assertAlive();
      config = applyOptions(config, options);
      const { sessionToken } = options;
      if (sessionToken !== undefined) context.tokens.set(sessionToken);
      if (!live) return;
      if (!customTitle) live.frame.title = frameTitle(name, config.locale);
      const sent = live.connection.call('update', { ...options });
      // Before the handshake the change is queued (and in the next PCF_HELLO): don't wait for it.
      if (live.connection.connected) await sent;
      else sent.catch(() => {});
    },
    unmount() {
      assertAlive();
      unmount();
    },
    destroy() {
      unmount();
      events.clear();
      destroyed = true;
    },
    on(event, listener) {
      assertAlive();
      events.on(event, listener);
    },
    off(event, listener) {
      assertAlive();
      events.off(event, listener);
    },
    send(type, data) {
      assertAlive();
      if (!HOST_MESSAGES.includes(type))
        throw new PcfError('PCF_BAD_REQUEST', `Unknown host message ${type}`);
      if (!live) throw notMounted();
      live.connection.notify(type, data);
    },
  };

  return {
    module,
    assertAlive,
    async request(method, params) {
      assertAlive();
      if (!live) throw notMounted();
      return live.connection.call(method, params);
    },
  };
}

import type { PublishableKeyInfo } from '@pcf/identity/contract';
import { WIDGET_NAMES } from '@pcf/widget-kit/protocol';
import { createApiClient } from './api-client.ts';
import { createEmitter } from './emitter.ts';
import { PcfError } from './errors.ts';
import type { RestContext } from './method-spec.ts';
import { MODULE_SPECS, type Modules } from './modules.ts';
import { type PaieCashFanOptions, parseOptions } from './options.ts';
import { bindMethods } from './router.ts';
import { createTokenSource } from './token-source.ts';
import type { PcfEvent, PcfEventListener, SdkEvent, UpdateOptions, WidgetModule } from './types.ts';
import { createWidgetModule, type ModuleContext } from './widget-module.ts';

/** Everything a PaieCashFan instance exposes. */
export interface Instance extends Modules {
  on<E extends SdkEvent | '*'>(event: E, listener: PcfEventListener<E>): void;
  off<E extends SdkEvent | '*'>(event: E, listener: PcfEventListener<E>): void;
  update(options: UpdateOptions): Promise<void>;
  destroy(): void;
}

/** Builds the six modules (lifecycle + their routed methods) and the instance-level event log around validated options. */
export function createInstance(options: PaieCashFanOptions): Instance {
  const sdk = parseOptions(options);
  const tokens = createTokenSource(sdk.fetchSessionToken);
  const events = createEmitter();
  let destroyed = false;
  const assertAlive = () => {
    if (destroyed) throw new PcfError('PCF_DESTROYED', 'PaieCashFan was destroyed');
  };
  const context: ModuleContext = {
    sdk,
    tokens,
    broadcast(event: PcfEvent) {
      events.emit(event.event, event);
      events.emit('*', event);
    },
  };
  const api = createApiClient(sdk.baseUrl, tokens);
  let slug: Promise<string> | undefined;
  const rest: RestContext = {
    api,
    clubSlug: () =>
      (slug ??= api<PublishableKeyInfo>('GET', `/v1/partners/publishable-keys/${sdk.apiKey}`).then(
        (key) => key.partnerSlug,
      )),
  };
  const modules = {} as Modules;
  for (const name of WIDGET_NAMES) {
    const internals = createWidgetModule(name, context);
    const methods = bindMethods(internals, MODULE_SPECS[name], rest, !!sdk.fetchSessionToken);
    (modules as unknown as Record<string, WidgetModule>)[name] = Object.assign(internals.module, methods);
  }
  modules.wallet.refresh = () => modules.wallet.send('UPDATE_WALLET_BALANCE', {});
  const all: WidgetModule[] = Object.values(modules);

  return {
    ...modules,
    on(event, listener) {
      assertAlive();
      events.on(event, listener);
    },
    off(event, listener) {
      assertAlive();
      events.off(event, listener);
    },
    async update(changes) {
      assertAlive();
      await Promise.all(all.map((module) => module.update(changes)));
    },
    destroy() {
      for (const module of all) module.destroy();
      events.clear();
      destroyed = true;
    },
  };
}

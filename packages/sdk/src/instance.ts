import { WIDGET_NAMES, type WidgetName } from '@pcf/widget-kit/protocol';
import { createApiClient } from './api-client.ts';
import { createEmitter } from './emitter.ts';
import { PcfError } from './errors.ts';
import { type PaieCashFanOptions, parseOptions } from './options.ts';
import { serviceMethods } from './service-methods.ts';
import { createRoute } from './service-route.ts';
import { createTokenSource } from './token-source.ts';
import type {
  AiModule,
  EsimModule,
  PcfEvent,
  PcfEventListener,
  SdkEvent,
  ShopModule,
  SocialModule,
  TicketsModule,
  UpdateOptions,
  WalletModule,
  WidgetModule,
} from './types.ts';
import { PENDING_SERVICES, unavailable } from './unavailable.ts';
import { createWidgetModule, type ModuleContext, type ModuleInternals } from './widget-module.ts';

/** Everything a PaieCashFan instance exposes. */
export interface Instance {
  wallet: WalletModule;
  social: SocialModule;
  ai: AiModule;
  esim: EsimModule;
  shop: ShopModule;
  tickets: TicketsModule;
  on<E extends SdkEvent | '*'>(event: E, listener: PcfEventListener<E>): void;
  off<E extends SdkEvent | '*'>(event: E, listener: PcfEventListener<E>): void;
  update(options: UpdateOptions): Promise<void>;
  destroy(): void;
}

/** Builds the six modules and the instance-level event log around validated options. */
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
  const internals = {} as { [N in WidgetName]: ModuleInternals<N> };
  const modules = {} as Pick<Instance, WidgetName>;
  for (const name of WIDGET_NAMES) {
    const module = createWidgetModule(name, context);
    (internals as Record<string, ModuleInternals<WidgetName>>)[name] = module;
    (modules as Record<string, WidgetModule>)[name] = module.module as WidgetModule;
  }
  const route = (name: WidgetName) => createRoute(internals[name], !!sdk.fetchSessionToken);
  const methods = serviceMethods(modules.wallet, route('wallet'), route('shop'), api, sdk.apiKey);
  Object.assign(modules.wallet, methods.wallet);
  Object.assign(modules.shop, methods.shop);
  for (const [name, method] of Object.entries(PENDING_SERVICES) as [
    keyof typeof PENDING_SERVICES,
    string,
  ][]) {
    Object.assign(modules[name], unavailable(internals[name].assertAlive, name, method));
  }
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

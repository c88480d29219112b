import type { WidgetName } from '@pcf/widget-kit/protocol';
import { createApiClient } from './api-client.ts';
import { createEmitter } from './emitter.ts';
import { PcfError } from './errors.ts';
import { type PaieCashFanOptions, parseOptions } from './options.ts';
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
import { walletMethods } from './wallet-methods.ts';
import { createWidgetModule, type ModuleContext } from './widget-module.ts';

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
    if (destroyed) throw new PcfError('PCF_DESTROYED', 'This PaieCashFan instance was destroyed');
  };
  const context: ModuleContext = {
    sdk,
    tokens,
    broadcast(event: PcfEvent) {
      events.emit(event.event, event);
      events.emit('*', event);
    },
  };
  const wallet = createWidgetModule('wallet', context);
  const modules: Record<string, WidgetModule> = {
    wallet: Object.assign(
      wallet.module,
      walletMethods(wallet, createApiClient(sdk.baseUrl, tokens), !!sdk.fetchSessionToken),
    ),
  };
  for (const [name, methods] of Object.entries(PENDING_SERVICES)) {
    const pending = createWidgetModule(name as WidgetName, context);
    modules[name] = Object.assign(pending.module, unavailable(pending.assertAlive, name, methods));
  }
  const all = Object.values(modules);

  return {
    ...(modules as Pick<Instance, WidgetName>),
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

import { rememberScriptUrl } from './environment.ts';

// Loaded as /sdk/paiecashfan-sdk.mjs, the default environment is the origin it came from.
rememberScriptUrl(import.meta.url);

export type { Appearance, ErrorCode, Locale, WidgetName } from '@pcf/widget-kit/protocol';
export { ENVIRONMENTS, type Environment } from './environment.ts';
export { PcfError, type PcfErrorDetails } from './errors.ts';
export type { PaieCashFanOptions } from './options.ts';
export { PaieCashFan } from './sdk.ts';
export type {
  AiModule,
  CheckoutOptions,
  EsimModule,
  MountOptions,
  PcfEvent,
  PcfEventListener,
  ProductQuery,
  SdkEvent,
  SdkEvents,
  SendPaymentOptions,
  ShopModule,
  SocialModule,
  TicketsModule,
  Transaction,
  UpdateOptions,
  WalletModule,
  WidgetModule,
} from './types.ts';

import { rememberScriptUrl } from './environment.ts';

// Loaded as /sdk/paiecashfan-sdk.mjs, the default environment is the origin it came from.
rememberScriptUrl(import.meta.url);

export type { Cart, Order, Product } from '@pcf/shop/contract';
export type { ActivityItem } from '@pcf/wallet/contract';
export type { Appearance, ErrorCode, Locale, WidgetName } from '@pcf/widget-kit/protocol';
export { ENVIRONMENTS, type Environment } from './environment.ts';
export { PcfError, type PcfErrorDetails } from './errors.ts';
export type {
  AiModule,
  FanInsight,
  Prediction,
  Recommendation,
} from './modules/ai.ts';
export type { EsimActivation, EsimModule, EsimPlan } from './modules/esim.ts';
export type { CheckoutOptions, ProductQuery, ShopModule } from './modules/shop.ts';
export type {
  ChatMessage,
  ChatParticipant,
  Conversation,
  SocialModule,
  VideoCall,
} from './modules/social.ts';
export type { TicketEvent, TicketPurchase, TicketsModule } from './modules/tickets.ts';
export type { SendPaymentOptions, Transaction, Transfer, WalletModule } from './modules/wallet.ts';
export type { PaieCashFanOptions } from './options.ts';
export { PaieCashFan } from './sdk.ts';
export type {
  Money,
  MountOptions,
  PaymentOptions,
  PcfEvent,
  PcfEventListener,
  SdkEvent,
  SdkEvents,
  UpdateOptions,
  WidgetModule,
} from './types.ts';

import { PcfError } from './errors.ts';
import { createInstance } from './instance.ts';
import type { AiModule } from './modules/ai.ts';
import type { EsimModule } from './modules/esim.ts';
import type { ShopModule } from './modules/shop.ts';
import type { SocialModule } from './modules/social.ts';
import type { TicketsModule } from './modules/tickets.ts';
import type { WalletModule } from './modules/wallet.ts';
import type { PaieCashFanOptions } from './options.ts';
import type { PcfEventListener, SdkEvent, UpdateOptions } from './types.ts';

/** The PaieCashFan SDK: `new PaieCashFan({ apiKey: 'pk_test_…' })`, then `pcf.wallet.mount('#wallet')`. */
export class PaieCashFan {
  /** The SDK's error class, for `error instanceof PaieCashFan.PcfError` with the script tag. */
  declare static PcfError: typeof PcfError;
  /** The wallet widget and API (getBalance, sendPayment, getTransactions, refresh). */
  declare readonly wallet: WalletModule;
  /** The chat / video / feed widget (getConversations, sendMessage, startVideoCall). */
  declare readonly social: SocialModule;
  /** The recommendations widget (getRecommendations, getInsights, getPredictions). */
  declare readonly ai: AiModule;
  /** The eSIM widget (getPlans, activatePlan). */
  declare readonly esim: EsimModule;
  /** The shop widget (getProducts, addToCart, getCart, checkout). */
  declare readonly shop: ShopModule;
  /** The tickets widget (getEvents, purchaseTicket). */
  declare readonly tickets: TicketsModule;
  /** Listens to one camelCase event of every widget, or to all with '*'; gets { widget, type, event, data }. */
  declare readonly on: <E extends SdkEvent | '*'>(event: E, listener: PcfEventListener<E>) => void;
  /** Stops listening. */
  declare readonly off: <E extends SdkEvent | '*'>(event: E, listener: PcfEventListener<E>) => void;
  /** Changes locale, appearance, token or options of every widget without remounting. */
  declare readonly update: (options: UpdateOptions) => Promise<void>;
  /** Destroys every module; afterwards every method throws or rejects PCF_DESTROYED. */
  declare readonly destroy: () => void;

  /** Creates an instance; throws PcfError (PCF_INVALID_KEY, PCF_BAD_REQUEST) on invalid options. */
  constructor(options: PaieCashFanOptions) {
    Object.assign(this, createInstance(options));
  }
}

PaieCashFan.PcfError = PcfError;

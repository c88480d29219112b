import type {
  Appearance,
  HostMessageData,
  HostMessageType,
  Locale,
  WIDGET_EVENTS,
  WidgetEventData,
  WidgetEventType,
  WidgetName,
} from '@pcf/widget-kit/protocol';

/** camelCase event name → payload, for pcf.<widget>.on(name, cb) (e.g. balanceUpdated). */
export type SdkEvents = { [K in WidgetEventType as (typeof WIDGET_EVENTS)[K]]: WidgetEventData[K] };
/** A camelCase event name. */
export type SdkEvent = keyof SdkEvents;

/** What pcf.on(name | '*', cb) receives: the widget, the seed event type, its camelCase name and payload. */
export type PcfEvent = {
  [K in WidgetEventType]: {
    widget: WidgetName;
    type: K;
    event: (typeof WIDGET_EVENTS)[K];
    data: WidgetEventData[K];
  };
}[WidgetEventType];

/** Options of mount(target, options). */
export interface MountOptions {
  /** UI language of this widget (default: the instance's). */
  locale?: Locale;
  /** Appearance of this widget (default: the instance's). */
  appearance?: Appearance;
  /** Widget-specific options, handed to the widget in the handshake. */
  options?: Record<string, unknown>;
  /** Load the iframe only when it comes within 200 px of the viewport (default true). */
  lazy?: boolean;
  /** Initial height in px before the widget reports its own (default 320). */
  height?: number;
  /** Highest height in px the widget may grow to (default 2000). */
  maxHeight?: number;
  /** The iframe's accessible title (default: "PaieCashFan — <widget>", localized). */
  title?: string;
}

/** Options of update(options): applied to the live widget without remounting. */
export interface UpdateOptions {
  locale?: Locale;
  /** Replaces the appearance (theme and variables). */
  appearance?: Appearance;
  /** A widget session token to use from now on (when you manage tokens yourself). */
  sessionToken?: string | null;
  /** Replaces the widget-specific options. */
  options?: Record<string, unknown>;
}

/** The lifecycle and events shared by every widget module. */
export interface WidgetModule<N extends WidgetName = WidgetName> {
  /** The widget's name. */
  readonly name: N;
  /** Whether an iframe is currently mounted. */
  readonly mounted: boolean;
  /** Whether the handshake with the mounted widget is done. */
  readonly connected: boolean;
  /** Mounts the widget's iframe in the element (or CSS selector); mounting again remounts cleanly. */
  mount(target: string | Element, options?: MountOptions): void;
  /** Changes locale, appearance, token or options of the live widget without remounting (and of later mounts). */
  update(options: UpdateOptions): Promise<void>;
  /** Removes the iframe and releases its listeners and timers; the module can be mounted again. */
  unmount(): void;
  /** Unmounts and drops all listeners; afterwards every method throws or rejects PCF_DESTROYED. */
  destroy(): void;
  /** Listens to a widget event by its camelCase name. */
  on<E extends SdkEvent>(event: E, listener: (data: SdkEvents[E]) => void): void;
  /** Stops listening. */
  off<E extends SdkEvent>(event: E, listener: (data: SdkEvents[E]) => void): void;
  /** Sends a fire-and-forget host message (e.g. 'UPDATE_WALLET_BALANCE'); throws PCF_NOT_MOUNTED if not mounted. */
  send<T extends HostMessageType>(type: T, data: HostMessageData[T]): void;
}

/** A wallet transaction as the API returns it. */
export type Transaction = Record<string, unknown>;

/** Options of wallet.sendPayment. */
export interface SendPaymentOptions {
  /** Asset to send (default 'EUR'). */
  asset?: string;
  /** A note for the recipient. */
  note?: string;
  /** Makes retries safe: the same key never pays twice (default: a random key per call). */
  idempotencyKey?: string;
}

/** pcf.wallet: the wallet widget and its API. */
export interface WalletModule extends WidgetModule<'wallet'> {
  /**
   * The total balance in the display currency (through the mounted widget, else the REST API). For a fan who signed
   * in inside the widget, the first read of your pages asks the fan's consent (refused: PCF_USER_CANCELLED).
   */
  getBalance(): Promise<number>;
  /**
   * Sends `amount` (a decimal string or number, e.g. '10.50') to a fan; resolves with the transfer. Needs the mounted
   * wallet widget: the fan confirms the payment there with a click (PCF_USER_CANCELLED when cancelled or unanswered
   * within 120 s, PCF_BUSY while the widget asks something else, PCF_NOT_MOUNTED without a widget).
   */
  sendPayment(
    to: string,
    amount: string | number,
    options?: SendPaymentOptions,
  ): Promise<Record<string, unknown>>;
  /** The latest transactions, newest first (limit 1–100, default 20); consent as for getBalance, no notes. */
  getTransactions(limit?: number): Promise<Transaction[]>;
  /** Asks the mounted widget to re-read its balance (UPDATE_WALLET_BALANCE). */
  refresh(): void;
}

/** pcf.social (service not available yet: methods reject PCF_NOT_AVAILABLE). */
export interface SocialModule extends WidgetModule<'social'> {
  /** The fan's conversations. */
  getConversations(): Promise<Record<string, unknown>[]>;
}

/** pcf.ai (service not available yet: methods reject PCF_NOT_AVAILABLE). */
export interface AiModule extends WidgetModule<'ai'> {
  /** Personalized recommendations. */
  getRecommendations(): Promise<Record<string, unknown>[]>;
}

/** pcf.esim (service not available yet: methods reject PCF_NOT_AVAILABLE). */
export interface EsimModule extends WidgetModule<'esim'> {
  /** Data plans on sale. */
  getPlans(): Promise<Record<string, unknown>[]>;
}

/** What shop.getProducts() filters on (the club defaults to the publishable key's partner). */
export interface ProductQuery {
  /** A club's partner slug (REST path only; the mounted widget shows its own club). */
  club?: string;
  /** Full-text search (French and English, accents and typos tolerated). */
  q?: string;
  /** A category slug: 'maillots', 'accessoires', 'nft'. */
  category?: string;
  /** At most this many products (1–100, default 20). */
  limit?: number;
}

/** Options of shop.checkout(). */
export interface CheckoutOptions {
  /** Makes retries safe: the same key never pays twice (default: a random key per call). */
  idempotencyKey?: string;
}

/** pcf.shop: the club shop widget and its API (products, cart, checkout paid from the wallet). */
export interface ShopModule extends WidgetModule<'shop'> {
  /** The club's catalogue, first page (no sign-in needed). */
  getProducts(query?: ProductQuery): Promise<Record<string, unknown>[]>;
  /** Adds `quantity` (default 1) of a product to the fan's cart (the first in-stock variant unless given); resolves with the cart. */
  addToCart(productId: string, quantity?: number, variantId?: string): Promise<Record<string, unknown>>;
  /** The fan's cart, read fresh from the API (items, subtotal, discounts, cashback, total); consent as for getBalance. */
  getCart(): Promise<Record<string, unknown>>;
  /**
   * Pays the cart from the fan's wallet; resolves with the paid order. Sends an Idempotency-Key. Needs the mounted
   * shop widget: the fan sees the cart as the API prices it and confirms with a click (errors as for sendPayment).
   */
  checkout(options?: CheckoutOptions): Promise<Record<string, unknown>>;
}

/** pcf.tickets (service not available yet: methods reject PCF_NOT_AVAILABLE). */
export interface TicketsModule extends WidgetModule<'tickets'> {
  /** Upcoming events. */
  getEvents(query?: { club?: string }): Promise<Record<string, unknown>[]>;
}

/** The listener of pcf.on(name | '*', listener). */
export type PcfEventListener<E extends SdkEvent | '*'> = (
  event: E extends '*' ? PcfEvent : Extract<PcfEvent, { event: E }>,
) => void;

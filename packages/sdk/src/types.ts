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

/** An amount on the wire: a decimal string and its asset, e.g. `{ amount: '12.50', asset: 'EUR' }`. */
export interface Money {
  amount: string;
  asset: string;
}

/** Options of a request that moves money (checkout, activatePlan, purchaseTicket). */
export interface PaymentOptions {
  /** Makes retries safe: the same key never pays twice (default: a random key per call). */
  idempotencyKey?: string;
}

/** The listener of pcf.on(name | '*', listener). */
export type PcfEventListener<E extends SdkEvent | '*'> = (
  event: E extends '*' ? PcfEvent : Extract<PcfEvent, { event: E }>,
) => void;

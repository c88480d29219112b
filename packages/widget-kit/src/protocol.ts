/**
 * The postMessage protocol between a host page (the SDK) and a widget iframe. Shared by both sides; documented in
 * docs/embedding.md and docs/events.md. Every message is an Envelope; anything else is ignored.
 *
 * Handshake (works whichever side loads first, and again after the iframe reloads):
 *   1. widget → parent  PCF_SYN     { }                 sent on load, to the parent origin the browser reports
 *                                                       (location.ancestorOrigins / document.referrer) only if
 *                                                       that origin is allowed by the pk; otherwise not at all.
 *   2. host → iframe    PCF_HELLO   HelloData           sent by the SDK on the iframe's load event, on every
 *                                                       PCF_SYN from its own iframe, and retried every 250 ms
 *                                                       until acknowledged (targetOrigin = the widget origin).
 *   3. widget → host    PCF_ACK     AckData             only if event.source === window.parent and event.origin
 *                                                       is in the pk's allowed origins; from then on the widget
 *                                                       posts only to that exact origin, never '*'.
 * A widget that reloads starts again at 1; the host answers with a fresh PCF_HELLO (same config, fresh token).
 * A widget whose parent's origin the key does not allow sends that parent, once, PCF_ORIGIN_DENIED (no data but the
 * code itself) and nothing else; the host then rejects its calls with PCF_ORIGIN_DENIED instead of waiting 10 s.
 *
 * Requests: either side sends { type: 'PCF_REQUEST', id, data: { method, params } } and the other answers
 * { type: 'PCF_RESPONSE', id, data: { ok: true, result } | { ok: false, error: { code, message, status?, apiCode? } } }.
 * Default timeout 10 s (PCF_TIMEOUT). A request that waits for the fan (a confirmation or a consent screen inside the
 * widget) is answered first by { type: 'PCF_PENDING', id, data: {} }: the host then waits FAN_TIMEOUT_MS more
 * (each PCF_PENDING restarts that wait), and the widget itself gives up after FAN_PROMPT_TIMEOUT_MS with
 * PCF_USER_CANCELLED.
 */

export const NS = 'pcf';
export const PROTOCOL_VERSION = 1;

export const WIDGET_NAMES = ['wallet', 'social', 'ai', 'esim', 'shop', 'tickets'] as const;
export type WidgetName = (typeof WIDGET_NAMES)[number];

/** The widget page of each widget (file names are part of the public contract). */
export const WIDGET_FILES: Record<WidgetName, string> = {
  wallet: 'wallet-widget.html',
  social: 'chat-video-widget.html',
  ai: 'ai-personalization-widget.html',
  esim: 'esim-widget.html',
  shop: 'shop-widget.html',
  tickets: 'tickets-widget.html',
};

export interface Envelope<Data = unknown> {
  ns: typeof NS;
  v: typeof PROTOCOL_VERSION;
  widget: WidgetName;
  type: string;
  id?: string;
  data: Data;
}

/** A message of this protocol; `id` (requests, responses, PCF_PENDING) is left undefined for the others. */
export function envelope<Data>(widget: WidgetName, type: string, data: Data, id?: string): Envelope<Data> {
  return { ns: NS, v: PROTOCOL_VERSION, widget, type, id, data };
}

/** True for a well-formed envelope of this protocol version; everything else must be ignored. */
export function isEnvelope(value: unknown): value is Envelope {
  if (typeof value !== 'object' || value === null) return false;
  const m = value as Record<string, unknown>;
  return (
    m.ns === NS &&
    m.v === PROTOCOL_VERSION &&
    typeof m.type === 'string' &&
    typeof m.widget === 'string' &&
    (WIDGET_NAMES as readonly string[]).includes(m.widget) &&
    (m.id === undefined || typeof m.id === 'string') &&
    'data' in m
  );
}

// ---- handshake -------------------------------------------------------------------------------------------

export const SYN = 'PCF_SYN';
export const HELLO = 'PCF_HELLO';
export const ACK = 'PCF_ACK';
/**
 * Widget → parent, once, when the key does not allow the parent's origin (data: {}). Posted to that origin only,
 * carries nothing but its type (which is also the error code the host rejects with); the widget then stays silent.
 */
export const ORIGIN_DENIED = 'PCF_ORIGIN_DENIED';

export type Locale = 'fr' | 'en';

/** Appearance API: a theme plus CSS custom properties the widget applies on :root (names must start with --pcf-). */
export interface Appearance {
  /** `auto` follows the host page's `prefers-color-scheme`. */
  theme?: 'dark' | 'light' | 'auto';
  variables?: Record<`--pcf-${string}`, string>;
}

export interface HelloData {
  /** Random per mount; lets the widget tell one host instance from another. */
  instanceId: string;
  locale: Locale;
  appearance: Appearance;
  /** A widget session token from the partner's backend (fetchSessionToken), if the host has one. */
  sessionToken: string | null;
  /** Widget-specific options passed to mount(). */
  options: Record<string, unknown>;
}

export interface AckData {
  instanceId: string;
  /** Whether a fan is signed in inside the widget. */
  authenticated: boolean;
}

// ---- request / response ----------------------------------------------------------------------------------

export const REQUEST = 'PCF_REQUEST';
export const RESPONSE = 'PCF_RESPONSE';
export const DEFAULT_TIMEOUT_MS = 10_000;
/** Widget → host, with the id of a request: "the fan is being asked"; the host extends that request's timeout. */
export const PENDING = 'PCF_PENDING';
/** How long the widget leaves a confirmation or consent screen open before it rejects PCF_USER_CANCELLED. */
export const FAN_PROMPT_TIMEOUT_MS = 120_000;
/** How long the host waits after a PCF_PENDING: the fan's time plus the API call that follows the click (10 s). */
export const FAN_TIMEOUT_MS = 130_000;

export interface RequestData {
  method: string;
  params?: unknown;
}

/** A failed call: a protocol code, and for a failure of the REST API behind it, its HTTP status and problem code. */
export interface ResponseError {
  code: ErrorCode;
  message: string;
  /** HTTP status of the API call that failed (PCF_API_ERROR, PCF_UNAUTHENTICATED). */
  status?: number;
  /** The API's problem+json `code` (e.g. insufficient_funds, price_changed). */
  apiCode?: string;
}

export type ResponseData = { ok: true; result: unknown } | { ok: false; error: ResponseError };

export const ERROR_CODES = [
  'PCF_TIMEOUT',
  'PCF_ORIGIN_DENIED',
  'PCF_UNAUTHENTICATED',
  'PCF_NOT_MOUNTED',
  'PCF_NOT_AVAILABLE',
  'PCF_INVALID_KEY',
  'PCF_BAD_REQUEST',
  'PCF_API_ERROR',
  'PCF_DESTROYED',
  /** The fan cancelled a confirmation, refused a consent, or did not answer within FAN_PROMPT_TIMEOUT_MS. */
  'PCF_USER_CANCELLED',
  /** Another confirmation or consent screen is already open in this widget: one question at a time. */
  'PCF_BUSY',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** Methods the host may call on a widget through PCF_REQUEST (widget-side names). */
export interface WidgetMethods {
  /** Any widget: apply new locale / appearance / session token without remounting. */
  update: {
    params: Partial<Pick<HelloData, 'locale' | 'appearance' | 'sessionToken' | 'options'>>;
    result: null;
  };
  /** Reads need the host's access: a partner-backend session, or the consent of a fan signed in inside the widget. */
  'wallet.getBalance': { params: undefined; result: { balance: string; currency: string } };
  /** Shown to the fan, paid only after the fan's trusted click inside the widget (else PCF_USER_CANCELLED). */
  'wallet.sendPayment': {
    /** idempotencyKey: sent by the SDK so a request re-sent after an iframe reload never pays twice (pass it as Idempotency-Key). */
    params: { to: string; amount: string; asset?: string; note?: string; idempotencyKey?: string };
    result: Record<string, unknown>;
  };
  /** The history as the API gives it, without the free-text `note` of each item. */
  'wallet.getTransactions': { params: { limit: number }; result: Record<string, unknown>[] };
  /** The widget's club catalogue (GET /v1/shop/products): the products of the first page. */
  'shop.getProducts': {
    params: { q?: string; category?: string; limit?: number } | undefined;
    result: Record<string, unknown>[];
  };
  /** Adds to the fan's cart; without variantId the first in-stock variant is taken. Resolves with the cart. */
  'shop.addToCart': {
    params: { productId: string; quantity: number; variantId?: string };
    result: Record<string, unknown>;
  };
  /** The fan's cart for the widget's club, read fresh from the API. */
  'shop.getCart': { params: undefined; result: Record<string, unknown> };
  /**
   * Pays the cart from the wallet once the fan confirmed it inside the widget (the cart as the API prices it);
   * idempotencyKey (sent by the SDK) makes a re-sent request replay, not pay twice.
   */
  'shop.checkout': { params: { idempotencyKey?: string } | undefined; result: Record<string, unknown> };
}

/** Methods a widget may call on the host. */
export interface HostMethods {
  /** Asks the host for a fresh session token (the SDK calls fetchSessionToken); null when it has none. */
  getSessionToken: { params: undefined; result: string | null };
}

// ---- events (seed names) ---------------------------------------------------------------------------------

/** Widget → host events and the SDK's camelCase name for each (pcf.<widget>.on(name, cb)). */
export const WIDGET_EVENTS = {
  WIDGET_READY: 'ready',
  WIDGET_ERROR: 'error',
  WIDGET_ACTION: 'action',
  WIDGET_RESIZE: 'resize',
  WALLET_BALANCE_UPDATED: 'balanceUpdated',
  NEW_MESSAGE_RECEIVED: 'newMessage',
  VIDEO_CALL_STARTED: 'videoCallStarted',
  VIDEO_CALL_ENDED: 'videoCallEnded',
  AI_RECOMMENDATION_CLICKED: 'recommendationClicked',
  ESIM_PLAN_PURCHASE: 'planPurchase',
  ESIM_ACTIVATED: 'esimActivated',
  PRODUCT_ADDED_TO_CART: 'productAddedToCart',
  CHECKOUT_INITIATED: 'checkoutInitiated',
  LIVE_SHOPPING_JOINED: 'liveShoppingJoined',
  TICKET_PURCHASE_INITIATED: 'ticketPurchaseInitiated',
  TICKET_PURCHASED: 'ticketPurchased',
} as const;
export type WidgetEventType = keyof typeof WIDGET_EVENTS;
export type SdkEventName = (typeof WIDGET_EVENTS)[WidgetEventType];

/** Payload of each widget → host event. */
export interface WidgetEventData {
  WIDGET_READY: { widget: WidgetName; authenticated: boolean };
  WIDGET_ERROR: { code: ErrorCode | string; message: string };
  WIDGET_ACTION: { action: string; [key: string]: unknown };
  WIDGET_RESIZE: { height: number };
  /** balance: the total in `currency`, a decimal string; assets as GET /v1/wallet/balance returns them. */
  WALLET_BALANCE_UPDATED: {
    balance: string;
    currency: string;
    assets: { asset: string; balance: string; available: string }[];
  };
  NEW_MESSAGE_RECEIVED: { conversationId: string; messageId: string; from: string; preview: string };
  VIDEO_CALL_STARTED: { callId: string; conversationId: string };
  VIDEO_CALL_ENDED: { callId: string; durationSeconds: number };
  AI_RECOMMENDATION_CLICKED: { recommendationId: string; kind: string; targetId: string };
  ESIM_PLAN_PURCHASE: { planId: string; price: { amount: string; asset: string } };
  ESIM_ACTIVATED: { esimId: string; planId: string };
  PRODUCT_ADDED_TO_CART: { productId: string; cartCount: number };
  CHECKOUT_INITIATED: { total: { amount: string; asset: string }; items: number };
  LIVE_SHOPPING_JOINED: { liveId: string };
  TICKET_PURCHASE_INITIATED: { eventId: string; quantity: number };
  TICKET_PURCHASED: { ticketIds: string[] };
}

/** Host → widget messages (fire and forget; answered, if at all, by a widget event). */
export const HOST_MESSAGES = [
  'UPDATE_DATA',
  'EXECUTE_ACTION',
  'UPDATE_WALLET_BALANCE',
  'UPDATE_CART',
  'APPLY_DISCOUNT',
] as const;
export type HostMessageType = (typeof HOST_MESSAGES)[number];

export interface HostMessageData {
  /** Widget-specific data to show (never trusted for money: the widget re-reads the API). */
  UPDATE_DATA: Record<string, unknown>;
  /** e.g. { action: 'refresh' } or { action: 'openDeposit' }. */
  EXECUTE_ACTION: { action: string; params?: Record<string, unknown> };
  /** Asks the wallet widget to re-read its balance; any balance in the payload is ignored. */
  UPDATE_WALLET_BALANCE: Record<string, unknown>;
  UPDATE_CART: Record<string, unknown>;
  APPLY_DISCOUNT: { code: string };
}

import type { Asset } from '@pcf/kernel';

export type DepositMethod = 'card' | 'bank_transfer' | 'crypto';

export interface ProviderPaymentRequest {
  depositId: string;
  amount: string;
  asset: Asset;
  method: DepositMethod;
}

/** What a verified provider webhook tells us about a payment. */
export interface ProviderEvent {
  /** The provider's unique event id (deduplicates redeliveries). */
  eventId: string;
  type: 'payment.succeeded' | 'payment.failed';
  depositId: string;
  providerRef: string;
  amount: string;
  asset: Asset;
  failureCode: string | null;
}

/**
 * A card processor / on-ramp. Real ones (Stripe, Adyen, an exchange) plug in behind this interface; the built-in
 * sandbox implementation behaves like them: asynchronous confirmation through signed webhooks, and failures.
 */
export interface PaymentProvider {
  readonly name: string;
  /** Starts a payment; the outcome arrives later through the webhook. */
  createPayment(request: ProviderPaymentRequest): Promise<{ providerRef: string }>;
  /**
   * Verifies the webhook's signature and freshness over the raw body (throws invalidSignature otherwise), then
   * reads the event (throws malformedWebhook, a 400, when a signed body is not a valid event).
   */
  verifyWebhook(rawBody: string, headers: Record<string, string | string[] | undefined>): ProviderEvent;
  stop?(): Promise<void>;
}

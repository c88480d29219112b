import { randomUUID } from 'node:crypto';
import type { SelfRequest } from '@pcf/kernel';
import { invalidSignature } from '../wallet.errors.ts';
import type { PaymentProvider, ProviderEvent, ProviderPaymentRequest } from './payment-provider.ts';
import { parseProviderEvent } from './provider-event.ts';
import { SIGNATURE_HEADER, signPayload, verifySignature } from './webhook-signature.ts';

export const SANDBOX_WEBHOOK_PATH = '/v1/wallet/webhooks/sandbox';

/**
 * Documented test amounts (like a card processor's test cards): the last two digits of the amount in minor
 * units decide the outcome. …13 → card_declined, …66 → processing_error; anything else succeeds.
 */
export function sandboxOutcome(minorUnits: bigint): { ok: true } | { ok: false; code: string } {
  const lastTwo = minorUnits % 100n;
  if (lastTwo === 13n) return { ok: false, code: 'card_declined' };
  if (lastTwo === 66n) return { ok: false, code: 'processing_error' };
  return { ok: true };
}

export interface SandboxOptions {
  secret: string;
  confirmAfterMs: number;
  /** Sends the signed webhook to us (through our own HTTP stack). */
  send(request: SelfRequest): Promise<{ statusCode: number }>;
  minorUnits(amount: string, asset: ProviderPaymentRequest['asset']): bigint;
  /** Delivery attempts before giving up (like a processor's retry schedule, compressed). */
  maxAttempts?: number;
  onError?(error: unknown): void;
}

/**
 * The built-in sandbox card processor: accepts the payment, then confirms or declines it asynchronously by
 * calling our webhook with an HMAC-signed body, retrying with back-off until we answer 2xx.
 */
export class SandboxPaymentProvider implements PaymentProvider {
  readonly name = 'sandbox';
  readonly #timers = new Set<NodeJS.Timeout>();
  #stopped = false;

  constructor(private readonly options: SandboxOptions) {}

  async createPayment(request: ProviderPaymentRequest): Promise<{ providerRef: string }> {
    const providerRef = `sbx_${randomUUID().replaceAll('-', '')}`;
    const outcome = sandboxOutcome(this.options.minorUnits(request.amount, request.asset));
    const event: ProviderEvent = {
      eventId: `evt_${randomUUID().replaceAll('-', '')}`,
      type: outcome.ok ? 'payment.succeeded' : 'payment.failed',
      depositId: request.depositId,
      providerRef,
      amount: request.amount,
      asset: request.asset,
      failureCode: outcome.ok ? null : outcome.code,
    };
    this.#schedule(event, 1, this.options.confirmAfterMs);
    return { providerRef };
  }

  verifyWebhook(rawBody: string, headers: Record<string, string | string[] | undefined>): ProviderEvent {
    const header = headers[SIGNATURE_HEADER];
    if (typeof header !== 'string' || !verifySignature(this.options.secret, rawBody, header))
      throw invalidSignature();
    return parseProviderEvent(rawBody);
  }

  /** Signs and sends an event now (also used by tests to replay deliveries). */
  async deliver(event: ProviderEvent, timestamp?: number): Promise<number> {
    const body = JSON.stringify(event);
    const response = await this.options.send({
      method: 'POST',
      url: SANDBOX_WEBHOOK_PATH,
      headers: {
        'content-type': 'application/json',
        [SIGNATURE_HEADER]: signPayload(this.options.secret, body, timestamp),
      },
      body,
    });
    return response.statusCode;
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
  }

  #schedule(event: ProviderEvent, attempt: number, delayMs: number): void {
    if (this.#stopped) return;
    const timer = setTimeout(async () => {
      this.#timers.delete(timer);
      const status = await this.deliver(event).catch((error: unknown) => {
        this.options.onError?.(error);
        return 0;
      });
      if ((status < 200 || status >= 300) && attempt < (this.options.maxAttempts ?? 8)) {
        this.#schedule(event, attempt + 1, Math.min(30_000, 250 * 2 ** attempt));
      }
    }, delayMs);
    this.#timers.add(timer);
  }
}

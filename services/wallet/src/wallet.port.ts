import { DomainError, type InternalHttpClient } from '@pcf/kernel';

export interface HoldRequest {
  /** Chosen by the caller; the same key returns the first result. */
  idempotencyKey: string;
  userId: string;
  amount: string;
  asset: 'EUR' | 'USD' | 'USDC' | 'BTC' | 'ETH';
  /** Who is paid on capture, e.g. "shop" or "tickets". */
  merchant: string;
  reference?: string;
  /** Defaults to PCF_HOLD_TTL_SECONDS (15 min). */
  ttlSeconds?: number;
}

export interface HoldView {
  holdId: string;
  userId: string;
  status: 'active' | 'captured' | 'voided' | 'expired';
  amount: string;
  captured: string;
  refunded: string;
  asset: string;
  merchant: string;
  reference: string | null;
  expiresAt: string;
  transactionId: string | null;
}

export interface CreditRequest {
  idempotencyKey: string;
  userId: string;
  amount: string;
  asset: HoldRequest['asset'];
  /** Paid from the cashback pool of this partner (or the platform's when absent). */
  partnerId?: string;
  reason: 'cashback';
  reference?: string;
}

export interface CreditView {
  transactionId: string;
  userId: string;
  amount: string;
  asset: string;
}

/** The payment port other services use: authorize, then capture or void; refund; credit. */
export interface WalletPort {
  hold(request: HoldRequest): Promise<HoldView>;
  capture(request: { idempotencyKey: string; holdId: string; amount?: string }): Promise<HoldView>;
  void(request: { idempotencyKey: string; holdId: string }): Promise<HoldView>;
  refund(request: {
    idempotencyKey: string;
    holdId: string;
    amount: string;
    reason?: string;
  }): Promise<HoldView>;
  credit(request: CreditRequest): Promise<CreditView>;
  getHold(holdId: string): Promise<HoldView | null>;
}

export function walletHttpPort(client: InternalHttpClient): WalletPort {
  return {
    hold: (request) => client.call('POST', '/holds', request),
    capture: (request) => client.call('POST', '/captures', request),
    void: (request) => client.call('POST', '/voids', request),
    refund: (request) => client.call('POST', '/refunds', request),
    credit: (request) => client.call('POST', '/credits', request),
    getHold: (holdId) =>
      client.call<HoldView>('GET', `/holds/${encodeURIComponent(holdId)}`).catch((error: unknown) => {
        if (error instanceof DomainError && error.code === 'hold_not_found') return null;
        throw error;
      }),
  };
}

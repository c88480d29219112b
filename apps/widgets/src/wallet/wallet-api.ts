import type { ApiClient } from '@pcf/widget-kit';

/** Shapes of the wallet API (services/wallet/src/wallet.schema.ts) the widget reads. */
export const ASSETS = ['EUR', 'USD', 'BTC', 'ETH', 'USDC'] as const;

export interface AssetBalance {
  asset: string;
  balance: string;
  available: string;
  pending: string;
  value: { amount: string; currency: string };
}

export interface WalletBalance {
  balance: string;
  currency: string;
  assets: AssetBalance[];
}

export interface Transaction {
  id: string;
  type: string;
  amount: string;
  asset: string;
  status: string;
  counterparty: { kind: string; id: string | null; name: string } | null;
  createdAt: string;
  reference: string | null;
  note: string | null;
}

export interface TransactionsPage {
  data: Transaction[];
  nextCursor: string | null;
}

export interface Deposit {
  id: string;
  status: 'pending' | 'confirmed' | 'declined';
  amount: string;
  asset: string;
  failureCode: string | null;
}

export interface SendRequest {
  to: string;
  amount: string;
  asset: string;
  note?: string;
}

export interface ReceiveInfo {
  handle: string;
  displayName: string;
  paymentLink: string;
  qrSvg: string;
}

export const walletApi = {
  balance: (api: ApiClient) => api.get<WalletBalance>('/v1/wallet/balance'),
  transactions: (api: ApiClient, limit: number, cursor?: string | null) =>
    api.get<TransactionsPage>(
      `/v1/wallet/transactions?limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
    ),
  deposit: (api: ApiClient, amount: string, asset: string, idempotencyKey: string) =>
    api.postMoney<Deposit>('/v1/wallet/deposit', { amount, asset, method: 'card' }, idempotencyKey),
  depositStatus: (api: ApiClient, id: string) =>
    api.get<Deposit>(`/v1/wallet/deposits/${encodeURIComponent(id)}`),
  send: (api: ApiClient, request: SendRequest, idempotencyKey?: string) =>
    api.postMoney<Record<string, unknown>>('/v1/wallet/send', request, idempotencyKey),
  receive: (api: ApiClient) => api.get<ReceiveInfo>('/v1/wallet/receive'),
};

/** The balance event payload for the host: total, currency and each asset's balance and available amount. */
export const balanceEvent = (balance: WalletBalance) => ({
  balance: balance.balance,
  currency: balance.currency,
  assets: balance.assets.map(({ asset, balance: posted, available }) => ({
    asset,
    balance: posted,
    available,
  })),
});

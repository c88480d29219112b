import type {
  ActivityItem,
  AssetBalance,
  AssetCode,
  BalanceResponse,
  Deposit,
  DepositBody,
  ReceiveResponse,
  SendBody,
  TransactionsPage,
} from '@pcf/wallet/contract';
import type { ApiClient } from '@pcf/widget-kit';

/**
 * The wallet API as the widget calls it. Its shapes are the wallet's contract (@pcf/wallet/contract, derived from
 * services/wallet/src/wallet.schema.ts), imported type-only: nothing of the server reaches the bundle.
 */
export type { AssetBalance, AssetCode, Deposit, TransactionsPage };
export type WalletBalance = BalanceResponse;
export type Transaction = ActivityItem;
/**
 * A send as the widget builds it: SendBody with the asset as the fan picked it (a string the widget checked against
 * ASSETS; the server answers 400 for any other). The wallet's own components may narrow it to AssetCode.
 */
export type SendRequest = Omit<SendBody, 'asset'> & { asset: string };
export type ReceiveInfo = ReceiveResponse;

/** The assets the wallet holds, in the order the widget lists them. */
export const ASSETS = ['EUR', 'USD', 'BTC', 'ETH', 'USDC'] as const satisfies readonly AssetCode[];

export const walletApi = {
  balance: (api: ApiClient) => api.get<BalanceResponse>('/v1/wallet/balance'),
  transactions: (api: ApiClient, limit: number, cursor?: string | null) =>
    api.get<TransactionsPage>(
      `/v1/wallet/transactions?limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
    ),
  /** A card deposit of `amount` (decimal string) in `asset` (one of ASSETS). */
  deposit: (api: ApiClient, amount: string, asset: string, idempotencyKey: string) =>
    api.postMoney<Deposit>(
      '/v1/wallet/deposit',
      { amount, asset, method: 'card' } satisfies Omit<DepositBody, 'asset'> & { asset: string },
      idempotencyKey,
    ),
  depositStatus: (api: ApiClient, id: string) =>
    api.get<Deposit>(`/v1/wallet/deposits/${encodeURIComponent(id)}`),
  /** Sends money; answers the sender's history line. */
  send: (api: ApiClient, request: SendRequest, idempotencyKey?: string) =>
    api.postMoney<ActivityItem>('/v1/wallet/send', request, idempotencyKey),
  receive: (api: ApiClient) => api.get<ReceiveResponse>('/v1/wallet/receive'),
};

/** The balance event payload for the host: total, currency and each asset's balance and available amount. */
export const balanceEvent = (balance: BalanceResponse) => ({
  balance: balance.balance,
  currency: balance.currency,
  assets: balance.assets.map(({ asset, balance: posted, available }) => ({
    asset,
    balance: posted,
    available,
  })),
});

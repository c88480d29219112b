import type { ActivityItem, BalanceResponse } from '@pcf/wallet/contract';
import type { ModuleSpec } from '../method-spec.ts';
import { randomId } from '../random-id.ts';
import type { WidgetModule } from '../types.ts';

/**
 * A line of the fan's history as the wallet API gives it (`amount` signed, a decimal string). Read through the widget
 * it has no free-text `note`: notes are what fans write to each other, not something the page may read.
 */
export type Transaction = Omit<ActivityItem, 'note'> & Partial<Pick<ActivityItem, 'note'>>;

/** What wallet.sendPayment resolves with: the sender's line of history for the transfer. */
export type Transfer = ActivityItem;

/** Options of wallet.sendPayment. */
export interface SendPaymentOptions {
  /** Asset to send (default 'EUR'). */
  asset?: string;
  /** A note for the recipient. */
  note?: string;
  /** Makes retries safe: the same key never pays twice (default: a random key per call). */
  idempotencyKey?: string;
}

/** The routed methods of pcf.wallet (refresh() is a host message, see WalletModule). */
export interface WalletMethods {
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
  sendPayment(to: string, amount: string | number, options?: SendPaymentOptions): Promise<Transfer>;
  /** The latest transactions, newest first (limit 1–100, default 20); consent as for getBalance, no notes. */
  getTransactions(limit?: number): Promise<Transaction[]>;
}

/** pcf.wallet: the wallet widget and its API. */
export interface WalletModule extends WidgetModule<'wallet'>, WalletMethods {
  /** Asks the mounted widget to re-read its balance (UPDATE_WALLET_BALANCE); throws PCF_NOT_MOUNTED if none. */
  refresh(): void;
}

const AMOUNT = /^\d{1,30}(\.\d{1,18})?$/;

/** How the wallet's methods reach the wallet: widget method `wallet.<name>`, REST fallback for the reads. */
export const wallet: ModuleSpec<WalletMethods> = {
  getBalance: {
    rest: (_, { api }) => api('GET', '/v1/wallet/balance'),
    result: (answer: Pick<BalanceResponse, 'balance'>) => Number(answer.balance),
  },
  // Widget only: the fan confirms the payment inside the iframe (which takes EUR when asset is undefined).
  sendPayment: {
    valid: (to, amount) =>
      typeof to === 'string' && !!to && AMOUNT.test(String(amount)) && Number(amount) > 0,
    params: (to, amount, { asset, note, idempotencyKey = randomId() } = {}) => ({
      to,
      amount: String(amount),
      asset,
      note,
      idempotencyKey,
    }),
  },
  getTransactions: {
    valid: (limit = 20) => Number.isInteger(limit) && limit > 0 && limit < 101,
    params: (limit = 20) => ({ limit }),
    rest: ({ limit }: { limit: number }, { api }) =>
      api<{ data: Transaction[] }>('GET', `/v1/wallet/transactions?limit=${limit}`).then((page) => page.data),
  },
};

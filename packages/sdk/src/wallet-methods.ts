import type { ApiClient } from './api-client.ts';
import { PcfError } from './errors.ts';
import { randomId } from './random-id.ts';
import type { WalletModule } from './types.ts';
import type { ModuleInternals } from './widget-module.ts';

type WalletMethods = Pick<WalletModule, 'getBalance' | 'sendPayment' | 'getTransactions' | 'refresh'>;

const AMOUNT = /^\d{1,30}(\.\d{1,18})?$/;

/**
 * The wallet API. Each call goes to the mounted wallet widget when it is connected (or mounted and there is no
 * fetchSessionToken), else to the REST API with the session token, else rejects PCF_NOT_MOUNTED.
 */
export function walletMethods(
  wallet: ModuleInternals<'wallet'>,
  api: ApiClient,
  hasTokens: boolean,
): WalletMethods {
  const viaWidget = () => wallet.module.connected || (wallet.module.mounted && !hasTokens);
  const route = async <T>(widget: () => Promise<T>, rest: () => Promise<T>): Promise<T> => {
    wallet.assertAlive();
    if (viaWidget()) return widget();
    if (hasTokens) return rest();
    throw new PcfError('PCF_NOT_MOUNTED', 'pcf.wallet is not mounted (and no fetchSessionToken)');
  };

  return {
    getBalance: () =>
      route(
        () => wallet.request('wallet.getBalance', undefined),
        () => api<{ balance: string }>('GET', '/v1/wallet/balance'),
      ).then(({ balance }) => Number(balance)),

    async sendPayment(to, amount, options = {}) {
      const value = String(amount);
      if (typeof to !== 'string' || !to || !AMOUNT.test(value) || !(Number(value) > 0)) {
        throw new PcfError('PCF_BAD_REQUEST', 'sendPayment: bad recipient or amount');
      }
      const { asset = 'EUR', note, idempotencyKey = randomId() } = options;
      const payment = note === undefined ? { to, amount: value, asset } : { to, amount: value, asset, note };
      return route(
        () => wallet.request('wallet.sendPayment', { ...payment, idempotencyKey }),
        () => api('POST', '/v1/wallet/send', payment, idempotencyKey),
      );
    },

    async getTransactions(limit = 20) {
      if (!Number.isInteger(limit) || limit < 1 || limit > 100) {
        throw new PcfError('PCF_BAD_REQUEST', 'getTransactions: limit from 1 to 100');
      }
      return route(
        () => wallet.request('wallet.getTransactions', { limit }),
        () =>
          api<{ data: Record<string, unknown>[] }>('GET', `/v1/wallet/transactions?limit=${limit}`).then(
            (r) => r.data,
          ),
      );
    },

    refresh: () => wallet.module.send('UPDATE_WALLET_BALANCE', {}),
  };
}

import { BridgeError, type WidgetContext } from '@pcf/widget-kit';
import { walletApi } from './wallet-api.ts';
import type { Panel, WalletStore } from './wallet-store.ts';

const PANELS: Record<string, Panel> = { openDeposit: 'deposit', openSend: 'send', openReceive: 'receive' };

function requireFan(context: WidgetContext): void {
  if (!context.session.signedIn) throw new BridgeError('PCF_UNAUTHENTICATED', 'No fan is signed in');
}

function text(value: unknown, name: string): string {
  if (typeof value !== 'string' || value.trim() === '')
    throw new BridgeError('PCF_BAD_REQUEST', `${name} is required`);
  return value.trim();
}

/** The wallet's bridge methods (wallet.getBalance, wallet.sendPayment, wallet.getTransactions) and host messages. */
export function registerWalletMethods(context: WidgetContext, store: WalletStore): void {
  const { bridge, api } = context;
  bridge.handle('wallet.getBalance', async () => {
    requireFan(context);
    const { balance, currency } = await store.refresh();
    return { balance, currency };
  });
  bridge.handle('wallet.sendPayment', async (params) => {
    requireFan(context);
    const request = (params ?? {}) as Partial<Record<keyof typeof params, unknown>>;
    const note = typeof request.note === 'string' && request.note !== '' ? request.note : undefined;
    // The SDK's key makes a request re-sent after an iframe reload replay instead of paying twice.
    const key = typeof request.idempotencyKey === 'string' ? request.idempotencyKey : undefined;
    const payment = {
      to: text(request.to, 'to'),
      amount: typeof request.amount === 'number' ? String(request.amount) : text(request.amount, 'amount'),
      asset: typeof request.asset === 'string' ? request.asset : 'EUR',
      ...(note ? { note } : {}),
    };
    const result = await walletApi.send(api, payment, key);
    void store.refresh().catch(() => undefined);
    return result;
  });
  bridge.handle('wallet.getTransactions', async (params) => {
    requireFan(context);
    const limit = Math.min(100, Math.max(1, Math.trunc(Number(params?.limit ?? 20)) || 20));
    return (await walletApi.transactions(api, limit)).data as unknown as Record<string, unknown>[];
  });

  const refresh = () => {
    if (context.session.signedIn) void store.refresh().catch(() => undefined);
  };
  bridge.on('UPDATE_WALLET_BALANCE', refresh);
  bridge.on('UPDATE_DATA', refresh);
  bridge.on('EXECUTE_ACTION', (data) => {
    const action = typeof data === 'object' && data !== null ? data.action : undefined;
    if (action === 'refresh') refresh();
    const panel = typeof action === 'string' ? PANELS[action] : undefined;
    if (panel && context.session.signedIn) store.panel.value = panel;
  });
}

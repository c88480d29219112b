import {
  BridgeError,
  confirmWithFan,
  formatMoney,
  locale,
  parseAmount,
  tc,
  type WidgetContext,
} from '@pcf/widget-kit';
import { ASSETS, type SendRequest, walletApi } from './wallet-api.ts';
import type { Panel, WalletStore } from './wallet-store.ts';

const PANELS: Record<string, Panel> = { openDeposit: 'deposit', openSend: 'send', openReceive: 'receive' };

function requireFan(context: WidgetContext): void {
  if (!context.session.signedIn) throw new BridgeError('PCF_UNAUTHENTICATED', 'No fan is signed in');
}

/** Control and bidi-override characters: they could make the fan read something else than what is sent. */
const UNSHOWABLE = /[\p{Cc}\u202a-\u202e\u2066-\u2069]/u;

function text(value: unknown, name: string, maxLength = 320): string {
  if (typeof value !== 'string' || value.trim() === '')
    throw new BridgeError('PCF_BAD_REQUEST', `${name} is required`);
  if (value.length > maxLength || UNSHOWABLE.test(value))
    throw new BridgeError('PCF_BAD_REQUEST', `${name} is too long or has control characters`);
  return value.trim();
}

/**
 * The payment a host asks for, checked before it is shown to the fan: the amount in the asset's decimals, and texts
 * the fan can read as they will be sent (no control or bidi characters; the note at most 140 characters, as the API).
 */
function readPayment(params: unknown): SendRequest {
  const request = (params ?? {}) as Record<string, unknown>;
  const note =
    typeof request.note === 'string' && request.note.trim() !== ''
      ? text(request.note, 'note', 140)
      : undefined;
  const asset = typeof request.asset === 'string' ? request.asset : 'EUR';
  if (!(ASSETS as readonly string[]).includes(asset))
    throw new BridgeError('PCF_BAD_REQUEST', `asset must be one of ${ASSETS.join(', ')}`);
  const raw = typeof request.amount === 'number' ? String(request.amount) : text(request.amount, 'amount');
  const amount = parseAmount(raw, asset);
  if (amount === null) throw new BridgeError('PCF_BAD_REQUEST', 'amount must be a positive decimal amount');
  return { to: text(request.to, 'to'), amount, asset, ...(note ? { note } : {}) };
}

/**
 * The wallet's bridge methods (wallet.getBalance, wallet.sendPayment, wallet.getTransactions) and host messages.
 * Reads need the host's access (HostConsent: a partner-backend session, or the fan's consent); a payment is shown
 * to the fan and made only after a trusted click on confirm (confirmWithFan). The history given to the host never
 * carries the free-text notes fans write to each other.
 */
export function registerWalletMethods(context: WidgetContext, store: WalletStore): void {
  const { bridge, api, consent } = context;
  bridge.handle('wallet.getBalance', async (_params, call) => {
    requireFan(context);
    await consent.requireForHost(call);
    const { balance, currency } = await store.refresh();
    return { balance, currency };
  });
  bridge.handle('wallet.sendPayment', async (params, call) => {
    requireFan(context);
    const payment = readPayment(params);
    // The SDK's key makes a request re-sent after an iframe reload replay instead of paying twice.
    const request = (params ?? {}) as Record<string, unknown>;
    const key = typeof request.idempotencyKey === 'string' ? request.idempotencyKey : undefined;
    await confirmWithFan(context, call, ({ partner, origin }) => {
      const amount = formatMoney(payment.amount, payment.asset, locale.peek());
      return {
        kind: 'payment',
        title: tc('paymentTitle'),
        intro: tc('paymentIntro', { partner, origin }),
        rows: [
          { label: tc('amount'), value: amount, testId: 'fan-prompt-amount', raw: payment.amount },
          { label: tc('recipient'), value: payment.to, testId: 'fan-prompt-recipient' },
          ...(payment.note ? [{ label: tc('message'), value: payment.note }] : []),
        ],
        confirmLabel: tc('payAmount', { amount }),
        cancelLabel: tc('cancel'),
      };
    });
    const result = await walletApi.send(api, payment, key);
    void store.refresh().catch(() => undefined);
    return result;
  });
  bridge.handle('wallet.getTransactions', async (params, call) => {
    requireFan(context);
    await consent.requireForHost(call);
    const limit = Math.min(100, Math.max(1, Math.trunc(Number(params?.limit ?? 20)) || 20));
    const page = await walletApi.transactions(api, limit);
    return page.data.map(({ note: _note, ...item }) => item) as unknown as Record<string, unknown>[];
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

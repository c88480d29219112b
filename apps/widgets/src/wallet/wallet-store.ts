import {
  ApiError,
  announce,
  followEventStream,
  formatMoney,
  locale,
  type PayIntent,
  type WidgetContext,
} from '@pcf/widget-kit';
import { computed, effect, signal } from '@preact/signals';
import { balanceEvent, type WalletBalance, walletApi } from './wallet-api.ts';
import { t } from './wallet-messages.ts';

export type Panel = 'deposit' | 'send' | 'receive' | null;

/** A send to fill in (from a payment link); the fan reviews and confirms it. */
export interface SendDraft {
  to: string;
  amount?: string;
  asset?: string;
  note?: string;
}

/**
 * The signed-in fan's wallet: the balance as last read from the API (never from the host), kept live by the
 * wallet stream, and told to the host (WALLET_BALANCE_UPDATED) every time it changes — once the host may read it
 * (a partner-backend session, or the fan's consent: see HostConsent).
 */
export class WalletStore {
  readonly balance = signal<WalletBalance | null>(null);
  readonly loadError = signal<ApiError | null>(null);
  /** Bumped whenever the balance changes, so the history re-reads. */
  readonly revision = signal(0);
  readonly panel = signal<Panel>(null);
  private lastSent: string | null = null;
  /** The last balance event the host heard. */
  private told: string | null = null;
  private reads = 0;
  private sendDraft: SendDraft | null;

  /** `pay`: the payment link that opened the widget, if any — its send opens once the fan is signed in. */
  constructor(
    private readonly context: WidgetContext,
    pay: PayIntent | null = null,
  ) {
    this.sendDraft = pay && {
      to: pay.to,
      ...(pay.amount ? { amount: pay.amount } : {}),
      ...(pay.asset ? { asset: pay.asset } : {}),
    };
    const signedIn = computed(() => context.session.token.value !== null);
    effect(() => {
      if (!signedIn.value) {
        this.reset();
        return;
      }
      const stop = new AbortController();
      if (this.sendDraft) this.panel.value = 'send';
      void this.refresh().catch(() => undefined);
      void followEventStream(
        context.api,
        '/v1/wallet/stream',
        (event) => {
          if (event.event === 'snapshot') this.apply(JSON.parse(event.data) as WalletBalance);
          else if (event.event === 'balance') void this.refresh().catch(() => undefined);
        },
        stop.signal,
      );
      return () => stop.abort();
    });
    effect(() => {
      if (context.consent.granted.value === true) this.tellHost();
    });
  }

  /** The send to fill in, once (the send panel takes it when it opens). */
  takeSendDraft(): SendDraft | null {
    const draft = this.sendDraft;
    this.sendDraft = null;
    return draft;
  }

  /** Re-reads the balance from the API; the newest read wins if several overlap. */
  async refresh(): Promise<WalletBalance> {
    const read = ++this.reads;
    try {
      const balance = await walletApi.balance(this.context.api);
      if (read === this.reads) this.apply(balance);
      return balance;
    } catch (error) {
      if (read === this.reads && error instanceof ApiError && error.status !== 401) {
        this.loadError.value = error;
        this.context.bridge.emit('WIDGET_ERROR', { code: error.code, message: error.message });
      }
      throw error;
    }
  }

  private apply(balance: WalletBalance): void {
    const first = this.balance.peek() === null;
    this.balance.value = balance;
    this.loadError.value = null;
    const event = balanceEvent(balance);
    const key = JSON.stringify(event);
    if (key === this.lastSent) return;
    this.lastSent = key;
    this.revision.value += 1;
    this.tellHost();
    if (!first)
      announce(t('newBalance', { amount: formatMoney(balance.balance, balance.currency, locale.peek()) }));
  }

  /** WALLET_BALANCE_UPDATED with the current balance, if the host may read it and has not heard it yet. */
  private tellHost(): void {
    const balance = this.balance.peek();
    if (!balance || !this.context.consent.hostMayRead) return;
    const event = balanceEvent(balance);
    const key = JSON.stringify(event);
    if (key === this.told) return;
    this.told = key;
    this.context.bridge.emit('WALLET_BALANCE_UPDATED', event);
  }

  private reset(): void {
    this.reads += 1;
    this.balance.value = null;
    this.loadError.value = null;
    this.panel.value = null;
    this.lastSent = null;
    this.told = null;
  }
}

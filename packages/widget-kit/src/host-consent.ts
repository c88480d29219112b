import { effect, signal } from '@preact/signals';
import type { ApiClient } from './api.ts';
import type { IncomingCall } from './bridge.ts';
import { tc } from './common-messages.ts';
import { askSignedInFan } from './confirm-with-fan.ts';
import type { FanPrompts } from './fan-prompts.ts';
import { ApiError } from './problem.ts';
import type { PublishableKeyInfo } from './publishable-key.ts';
import type { Session } from './session.ts';
import { tokenSubject } from './token-expiry.ts';

export interface HostConsentDeps {
  session: Session;
  api: ApiClient;
  key: PublishableKeyInfo;
  prompts: FanPrompts;
}

/**
 * What the host page may read about the signed-in fan (balance, history, cart, through the SDK or events such as
 * WALLET_BALANCE_UPDATED). A partner-backend session (token from the host) is consented by construction; a fan who
 * signed in inside the widget grants the key's partner once, on a consent screen, and the grant is kept by the API
 * (/v1/auth/consents, per fan and partner, revocable). `granted` is true when the host may read, false when not
 * (yet), null while unknown or signed out.
 */
export class HostConsent {
  readonly granted = signal<boolean | null>(null);
  private asking: Promise<void> | null = null;
  private checkedFor: string | null = null;

  constructor(private readonly deps: HostConsentDeps) {
    effect(() => {
      const fan = tokenSubject(deps.session.token.value);
      if (fan === this.checkedFor) return;
      this.checkedFor = fan;
      this.granted.value = fan === null ? null : deps.session.tokenSource === 'host' ? true : null;
      if (fan !== null && deps.session.tokenSource === 'fan') void this.check().catch(() => undefined);
    });
  }

  private get path(): string {
    return `/v1/auth/consents/${encodeURIComponent(this.deps.key.partnerId)}`;
  }

  /** Whether the host may read right now without asking (a host session, or a consent already read as granted). */
  get hostMayRead(): boolean {
    return this.deps.session.tokenSource === 'host' || this.granted.peek() === true;
  }

  /**
   * Runs before a host read of the fan's data. Returns at once for a partner-backend session or a consent on
   * record (asked of the API each time, so a revocation elsewhere takes effect at the next read); otherwise shows
   * the consent screen (one for all reads arriving meanwhile) and stores the grant. Throws BridgeError
   * PCF_USER_CANCELLED when the fan refuses or does not answer, PCF_BUSY when another question is open.
   */
  async requireForHost(call: IncomingCall): Promise<void> {
    if (this.deps.session.tokenSource !== 'fan') return;
    if (await this.check()) return;
    call.pending();
    this.asking ??= this.ask(call.origin).finally(() => {
      this.asking = null;
    });
    await this.asking;
  }

  /** Withdraws the partner's access (the fan's button in the widget). */
  async revoke(): Promise<void> {
    await this.deps.api.call('DELETE', this.path).catch((error: unknown) => {
      if (!(error instanceof ApiError && error.status === 404)) throw error;
    });
    this.granted.value = false;
  }

  /** Reads the consent from the API; true when it is on record. */
  private async check(): Promise<boolean> {
    const fan = tokenSubject(this.deps.session.token.peek());
    try {
      await this.deps.api.get(this.path);
      if (fan === this.checkedFor) this.granted.value = true;
      return true;
    } catch (error) {
      if (!(error instanceof ApiError && error.status === 404)) throw error;
      if (fan === this.checkedFor) this.granted.value = false;
      return false;
    }
  }

  private async ask(origin: string): Promise<void> {
    const partner = this.deps.key.partnerName;
    await askSignedInFan(this.deps, {
      kind: 'consent',
      title: tc('consentTitle', { partner }),
      intro: tc('consentIntro', { partner, origin }),
      rows: [],
      note: tc('consentNote'),
      confirmLabel: tc('allow'),
      cancelLabel: tc('deny'),
    });
    await this.deps.api.call('PUT', this.path, { origin });
    this.granted.value = true;
  }
}

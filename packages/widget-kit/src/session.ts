import { signal } from '@preact/signals';
import { jsonInit, readJson, send } from './http.ts';
import { renewalDelay, tokenExpiresAt } from './token-expiry.ts';

interface TokenPair {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
}

/** Who gave the widget its token: the host page (partner backend session) or the fan signing in inside the widget. */
export type TokenSource = 'host' | 'fan';

/**
 * The fan's session, in memory only (never in a URL, storage or cookie). Renews tokens before they expire and on
 * demand (after a 401): host tokens by asking the host page, the fan's own tokens with the refresh token.
 */
export class Session {
  readonly token = signal<string | null>(null);
  private source: TokenSource | null = null;
  private refreshToken: string | null = null;
  private renewing: Promise<string | null> | null = null;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly askHost: () => Promise<string | null>) {}

  get signedIn(): boolean {
    return this.token.value !== null;
  }

  get tokenSource(): TokenSource | null {
    return this.source;
  }

  /** A token from the host (PCF_HELLO or `update`); null ends a host session but keeps a fan's own sign-in. */
  useHostToken(token: string | null): void {
    if (token === null) {
      if (this.source === 'host') this.clear();
      return;
    }
    this.set(token, 'host', null);
  }

  async signIn(email: string, password: string): Promise<void> {
    const pair = await readJson<TokenPair>(
      await send('/v1/auth/login', jsonInit('POST', { email, password })),
    );
    this.set(pair.accessToken, 'fan', pair.refreshToken);
  }

  async signUp(email: string, password: string, displayName: string): Promise<void> {
    const pair = await readJson<TokenPair>(
      await send('/v1/auth/signup', jsonInit('POST', { email, password, displayName })),
    );
    this.set(pair.accessToken, 'fan', pair.refreshToken);
  }

  /** Ends the session here; a fan's own session is also ended on the server (its refresh token stops working). */
  async signOut(): Promise<void> {
    const token = this.token.value;
    const wasFan = this.source === 'fan';
    this.clear();
    if (wasFan && token) {
      await send('/v1/auth/logout', { method: 'POST', headers: { authorization: `Bearer ${token}` } }).catch(
        () => undefined,
      );
    }
  }

  /** A fresh token (one renewal at a time), or null when the session cannot be renewed. */
  renew(): Promise<string | null> {
    this.renewing ??= this.fetchFreshToken().finally(() => {
      this.renewing = null;
    });
    return this.renewing;
  }

  clear(): void {
    clearTimeout(this.timer);
    this.source = null;
    this.refreshToken = null;
    this.token.value = null;
  }

  private async fetchFreshToken(): Promise<string | null> {
    if (this.source === 'host') {
      const token = await this.askHost().catch(() => undefined);
      if (token === undefined) return null;
      this.useHostToken(token);
      return token;
    }
    if (this.source === 'fan' && this.refreshToken) {
      try {
        const pair = await readJson<TokenPair>(
          await send('/v1/auth/refresh', jsonInit('POST', { refreshToken: this.refreshToken })),
        );
        this.set(pair.accessToken, 'fan', pair.refreshToken);
        return pair.accessToken;
      } catch {
        this.clear();
      }
    }
    return null;
  }

  private set(token: string, source: TokenSource, refreshToken: string | null): void {
    clearTimeout(this.timer);
    this.source = source;
    this.refreshToken = refreshToken;
    this.token.value = token;
    const expiresAt = tokenExpiresAt(token);
    if (expiresAt !== null)
      this.timer = setTimeout(() => void this.renew(), renewalDelay(expiresAt, Date.now()));
  }
}

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

/** A fan's own session as the widgets of one page share it (see session-share.ts). */
export interface FanTokens {
  accessToken: string;
  refreshToken: string;
}

/**
 * How a Session shares the fan's own sign-in with the other widgets of its SDK instance (session-share.ts).
 * Host tokens are not shared: each widget gets them from the host.
 */
export interface SessionPeers {
  /** The fan signed in here, or this widget renewed the tokens: the others adopt them. */
  publish(tokens: FanTokens): void;
  /** The fan signed out here: the others sign out too. */
  signedOut(): void;
  /** Whether this widget renews the shared tokens (one widget does, or the rotated refresh token would be reused). */
  renewsTokens(): boolean;
  /**
   * Asks the widget that renews for tokens fresher than `stale` (it renews only if it holds no fresher ones);
   * resolves when they arrived (true) or after a timeout (false).
   */
  askRenewal(stale: string | null): Promise<boolean>;
}

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
  private peers: SessionPeers | null = null;
  /**
   * True once the host gave this widget a token (a partner-backend session): the fan is the partner's user, so a
   * sign-out must not leave them on a PaieCashFan sign-in form they have no password for.
   */
  readonly viaHost = signal(false);

  constructor(private readonly askHost: () => Promise<string | null>) {}

  /** Shares the fan's own sign-in with the other widgets of the page (session-share.ts). */
  sharedWith(peers: SessionPeers): void {
    this.peers = peers;
  }

  /** The fan's own tokens, to hand to a widget that joins the page; null for a host session or none. */
  get fanTokens(): FanTokens | null {
    const accessToken = this.token.value;
    if (this.source !== 'fan' || accessToken === null || this.refreshToken === null) return null;
    return { accessToken, refreshToken: this.refreshToken };
  }

  /** Tokens another widget of the page got (sign-in or renewal); ignored while the host's session is in use. */
  adopt(tokens: FanTokens): void {
    if (this.source === 'host') return;
    if (this.token.value === tokens.accessToken && this.refreshToken === tokens.refreshToken) return;
    this.set(tokens.accessToken, 'fan', tokens.refreshToken);
  }

  /** This widget now renews the shared tokens (the one that did has gone): keep the current ones fresh. */
  resumeRenewal(): void {
    const token = this.token.value;
    if (this.source === 'fan' && token !== null) this.set(token, 'fan', this.refreshToken);
  }

  /** Another widget of the page signed the fan out: end the fan's own session here (a host session stays). */
  adoptSignOut(): void {
    if (this.source === 'fan') this.clear();
  }

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
    this.viaHost.value = true;
    this.set(token, 'host', null);
  }

  async signIn(email: string, password: string): Promise<void> {
    const pair = await readJson<TokenPair>(
      await send('/v1/auth/login', jsonInit('POST', { email, password })),
    );
    this.setFan(pair);
  }

  async signUp(email: string, password: string, displayName: string): Promise<void> {
    const pair = await readJson<TokenPair>(
      await send('/v1/auth/signup', jsonInit('POST', { email, password, displayName })),
    );
    this.setFan(pair);
  }

  /** Ends the session here; a fan's own session is also ended on the server (its refresh token stops working). */
  async signOut(): Promise<void> {
    const token = this.token.value;
    const wasFan = this.source === 'fan';
    this.clear();
    if (wasFan) this.peers?.signedOut();
    if (wasFan && token) {
      await send('/v1/auth/logout', { method: 'POST', headers: { authorization: `Bearer ${token}` } }).catch(
        () => undefined,
      );
    }
  }

  /** Asks the host page for a token (a partner's user back from the partner's sign-in); true when one came. */
  async askHostForToken(): Promise<boolean> {
    const token = await this.askHost().catch(() => null);
    if (token) this.useHostToken(token);
    return !!token;
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
    if (this.source === 'fan' && this.peers && !this.peers.renewsTokens()) {
      const before = this.token.value;
      await this.peers.askRenewal(before);
      const after = this.token.value;
      return after !== before ? after : null;
    }
    if (this.source === 'fan' && this.refreshToken) {
      try {
        const pair = await readJson<TokenPair>(
          await send('/v1/auth/refresh', jsonInit('POST', { refreshToken: this.refreshToken })),
        );
        this.setFan(pair);
        return pair.accessToken;
      } catch {
        this.clear();
        this.peers?.signedOut();
      }
    }
    return null;
  }

  /** A pair obtained here (sign-in, sign-up, renewal): used, and told to the other widgets of the page. */
  private setFan(pair: TokenPair): void {
    this.set(pair.accessToken, 'fan', pair.refreshToken);
    this.peers?.publish({ accessToken: pair.accessToken, refreshToken: pair.refreshToken });
  }

  private set(token: string, source: TokenSource, refreshToken: string | null): void {
    clearTimeout(this.timer);
    this.source = source;
    this.refreshToken = refreshToken;
    this.token.value = token;
    const expiresAt = tokenExpiresAt(token);
    // Of the widgets sharing a fan's session, only the one that renews keeps a timer (it publishes the new pair).
    const renews = source === 'host' || !this.peers || this.peers.renewsTokens();
    if (expiresAt !== null && renews)
      this.timer = setTimeout(() => void this.renew(), renewalDelay(expiresAt, Date.now()));
  }
}

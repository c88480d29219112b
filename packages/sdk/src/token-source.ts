import { errorText, PcfError } from './errors.ts';
import { tokenExpiry } from './jwt.ts';

/** A token closer than this to its expiry is replaced before use, and refreshed this long before it expires. */
export const EARLY_MS = 30_000;
const MAX_DELAY_MS = 2_147_483_647;

/** The widget session token shared by all modules of an instance. */
export interface TokenSource {
  /** A token not about to expire, cached when possible; pass the token found stale to force a new one. */
  get(stale?: string | null): Promise<string | null>;
  /** Replaces the cached token (update({ sessionToken })). */
  set(token: string | null): void;
}

/** How long to wait before refreshing this token; null when it has no exp or is already expired. */
export function refreshDelay(token: string, now = Date.now()): number | null {
  const exp = tokenExpiry(token);
  if (exp === null || exp <= now) return null;
  const remaining = exp - now;
  return Math.min(Math.max(remaining - EARLY_MS, remaining / 2, 1000), MAX_DELAY_MS);
}

export function createTokenSource(fetchToken?: () => Promise<string>): TokenSource {
  let cached: string | null = null;
  let inflight: Promise<string | null> | null = null;
  const usable = (token: string) => {
    const exp = tokenExpiry(token);
    return exp === null || exp - Date.now() > EARLY_MS;
  };
  const fetchFresh = async (fetcher: () => Promise<string>) => {
    try {
      const token: unknown = await fetcher();
      if (typeof token !== 'string' || !token) throw new Error('no token');
      cached = token;
      return token;
    } catch (error) {
      throw new PcfError('PCF_UNAUTHENTICATED', `fetchSessionToken: ${errorText(error)}`);
    }
  };
  return {
    get(stale) {
      if (!fetchToken || (cached && cached !== stale && usable(cached))) return Promise.resolve(cached);
      inflight ??= fetchFresh(fetchToken).finally(() => {
        inflight = null;
      });
      return inflight;
    },
    set(token) {
      cached = token;
    },
  };
}

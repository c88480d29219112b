/** The claims of a JWT, read without verifying it (the API verifies); null if unreadable. */
function readClaims(token: string): Record<string, unknown> | null {
  const payload = token.split('.')[1];
  if (!payload) return null;
  try {
    const base64 = payload.replace(/-/g, '+').replace(/_/g, '/');
    const claims: unknown = JSON.parse(atob(base64.padEnd(Math.ceil(base64.length / 4) * 4, '=')));
    return typeof claims === 'object' && claims !== null ? (claims as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** When a JWT expires (ms since the epoch), read from its `exp` claim without verifying it; null if unreadable. */
export function tokenExpiresAt(token: string): number | null {
  const exp = readClaims(token)?.exp;
  return typeof exp === 'number' ? exp * 1000 : null;
}

/** Whom a JWT is about (its `sub` claim, unverified); null for no token or an unreadable one. */
export function tokenSubject(token: string | null): string | null {
  const sub = token === null ? undefined : readClaims(token)?.sub;
  return typeof sub === 'string' ? sub : null;
}

const MARGIN_MS = 60_000;
const MIN_DELAY_MS = 5_000;

/** How long to wait before renewing a token that expires at `expiresAt`: at 80 % of its life, at least a minute early. */
export function renewalDelay(expiresAt: number, now: number): number {
  const lifetime = expiresAt - now;
  return Math.max(MIN_DELAY_MS, Math.min(lifetime - MARGIN_MS, lifetime * 0.8));
}

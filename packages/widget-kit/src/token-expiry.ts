/** When a JWT expires (ms since the epoch), read from its `exp` claim without verifying it; null if unreadable. */
export function tokenExpiresAt(token: string): number | null {
  const payload = token.split('.')[1];
  if (!payload) return null;
  try {
    const base64 = payload.replace(/-/g, '+').replace(/_/g, '/');
    const claims: unknown = JSON.parse(atob(base64.padEnd(Math.ceil(base64.length / 4) * 4, '=')));
    const exp = (claims as Record<string, unknown> | null)?.exp;
    return typeof exp === 'number' ? exp * 1000 : null;
  } catch {
    return null;
  }
}

const MARGIN_MS = 60_000;
const MIN_DELAY_MS = 5_000;

/** How long to wait before renewing a token that expires at `expiresAt`: at 80 % of its life, at least a minute early. */
export function renewalDelay(expiresAt: number, now: number): number {
  const lifetime = expiresAt - now;
  return Math.max(MIN_DELAY_MS, Math.min(lifetime - MARGIN_MS, lifetime * 0.8));
}

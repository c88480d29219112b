import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PcfError } from '../src/errors.ts';
import { tokenExpiry } from '../src/jwt.ts';
import { createTokenSource, EARLY_MS, refreshDelay } from '../src/token-source.ts';

/** An unsigned JWT with this payload (the SDK never verifies; the API does). */
const jwt = (payload: object) =>
  `eyJhbGciOiJFZERTQSJ9.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.c2ln`;

describe('tokenExpiry', () => {
  it('decodes exp in milliseconds without verifying', () => {
    expect(tokenExpiry(jwt({ sub: 'fan', exp: 1_900_000_000 }))).toBe(1_900_000_000_000);
  });

  it('is null for tokens without exp or that are not JWTs', () => {
    expect(tokenExpiry(jwt({ sub: 'fan' }))).toBeNull();
    expect(tokenExpiry('opaque-token')).toBeNull();
    expect(tokenExpiry('a.%%%.b')).toBeNull();
    expect(tokenExpiry(jwt({ exp: 'soon' }))).toBeNull();
  });
});

describe('refreshDelay', () => {
  const now = 1_000_000_000_000;
  it('refreshes 30 s before expiry, or halfway through a short token', () => {
    expect(refreshDelay(jwt({ exp: (now + 900_000) / 1000 }), now)).toBe(900_000 - EARLY_MS);
    expect(refreshDelay(jwt({ exp: (now + 20_000) / 1000 }), now)).toBe(10_000);
    expect(refreshDelay(jwt({ exp: (now + 1_000) / 1000 }), now)).toBe(1_000);
  });

  it('is null without exp or once expired', () => {
    expect(refreshDelay('opaque', now)).toBeNull();
    expect(refreshDelay(jwt({ exp: (now - 1) / 1000 }), now)).toBeNull();
  });
});

describe('createTokenSource', () => {
  beforeEach(() => vi.useFakeTimers({ now: 1_000_000_000_000 }));
  afterEach(() => vi.useRealTimers());

  it('is null without fetchSessionToken, or what update({ sessionToken }) set', async () => {
    const tokens = createTokenSource();
    expect(await tokens.get()).toBeNull();
    tokens.set('manual');
    expect(await tokens.get('manual')).toBe('manual');
  });

  it('caches a valid token, dedupes concurrent fetches and refetches when asked or near expiry', async () => {
    let n = 0;
    const fetchToken = vi.fn(async () => jwt({ n: ++n, exp: Date.now() / 1000 + 120 }));
    const tokens = createTokenSource(fetchToken);
    const [a, b] = await Promise.all([tokens.get(), tokens.get()]);
    expect(a).toBe(b);
    expect(fetchToken).toHaveBeenCalledTimes(1);
    expect(await tokens.get()).toBe(a);
    const forced = await tokens.get(a);
    expect(forced).not.toBe(a);
    expect(await tokens.get(a)).toBe(forced);
    vi.advanceTimersByTime(100_000);
    expect(await tokens.get()).not.toBe(forced);
    expect(fetchToken).toHaveBeenCalledTimes(3);
  });

  it('turns a failing or empty fetchSessionToken into PCF_UNAUTHENTICATED', async () => {
    const failing = createTokenSource(async () => {
      throw new Error('backend down');
    });
    await expect(failing.get()).rejects.toMatchObject({ code: 'PCF_UNAUTHENTICATED' });
    const empty = createTokenSource(async () => '');
    await expect(empty.get()).rejects.toBeInstanceOf(PcfError);
  });
});

import { describe, expect, it } from 'vitest';
import { allowedOriginSet, reportedParentOrigin, toOrigin } from '../src/origins.ts';
import { safeVariables } from '../src/theme.ts';
import { renewalDelay, tokenExpiresAt } from '../src/token-expiry.ts';
import { readUrlHints } from '../src/url-hints.ts';

const jwt = (claims: object) => `e30.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.signature`;

describe('token expiry', () => {
  it('reads exp from a JWT and renews at 80 % of its life, and at least a minute early', () => {
    expect(tokenExpiresAt(jwt({ exp: 1_800_000_000 }))).toBe(1_800_000_000_000);
    expect(tokenExpiresAt('opaque')).toBeNull();
    expect(renewalDelay(15 * 60_000, 0)).toBe(12 * 60_000);
    expect(renewalDelay(2 * 60_000, 0)).toBe(60_000);
    expect(renewalDelay(60_000, 0)).toBe(5_000);
  });
});

describe('origins', () => {
  it('normalises origins and rejects opaque ones', () => {
    expect(toOrigin('https://club.example/page?x=1')).toBe('https://club.example');
    expect(toOrigin('null')).toBeNull();
    expect(toOrigin('')).toBeNull();
  });

  it('prefers ancestorOrigins over the referrer', () => {
    expect(reportedParentOrigin(['https://a.example'], 'https://b.example/x')).toBe('https://a.example');
    expect(reportedParentOrigin(undefined, 'https://b.example/x')).toBe('https://b.example');
    expect(reportedParentOrigin([], '')).toBeNull();
  });

  it('allows the key origins plus the widget origin', () => {
    expect([...allowedOriginSet(['http://localhost:8080/', 'bad'], 'http://localhost:18090')]).toEqual([
      'http://localhost:8080',
      'http://localhost:18090',
    ]);
  });
});

describe('safeVariables', () => {
  it('keeps --pcf-* variables and drops anything that could load or break out', () => {
    expect(
      safeVariables({
        '--pcf-accent': '#0057b8',
        '--other': 'red',
        '--pcf-bg': 'url(https://evil.example/x.png)',
        '--pcf-text': 'red; } body { display: none',
      }),
    ).toEqual([['--pcf-accent', '#0057b8']]);
  });
});

describe('readUrlHints', () => {
  it('reads the pk and the locale/theme hints, ignoring bad values', () => {
    expect(readUrlHints('?pk=pk_test_monacoDemo2026&locale=en&theme=light')).toEqual({
      pk: 'pk_test_monacoDemo2026',
      locale: 'en',
      theme: 'light',
      group: null,
      pay: null,
    });
    expect(readUrlHints('?pk=sk_live_secret123&locale=de&theme=pink')).toEqual({
      pk: null,
      locale: null,
      theme: null,
      group: null,
      pay: null,
    });
  });
});

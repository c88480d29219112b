import { describe, expect, it } from 'vitest';
import { ENVIRONMENTS, rememberScriptUrl, resolveBaseUrl } from '../src/environment.ts';
import { PcfError } from '../src/errors.ts';
import { checkAppearance, parseOptions } from '../src/options.ts';

const apiKey = 'pk_test_abcdEFGH1234';

const codeOf = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    return error instanceof PcfError ? error.code : 'not a PcfError';
  }
  return 'no error';
};

describe('parseOptions', () => {
  it('fills in the defaults', () => {
    const options = parseOptions({ apiKey, environment: 'sandbox' });
    expect(options).toMatchObject({
      apiKey,
      baseUrl: ENVIRONMENTS.sandbox,
      origin: ENVIRONMENTS.sandbox,
      locale: 'fr',
      appearance: {},
      fetchSessionToken: undefined,
    });
  });

  it.each([
    undefined,
    '',
    'sk_test_abcdefgh',
    'pk_test_short',
    'pk_prod_abcdefgh12',
    'pk_live_abc-def-ghi',
    42,
  ])('rejects the api key %j with PCF_INVALID_KEY', (key) => {
    expect(codeOf(() => parseOptions({ apiKey: key }))).toBe('PCF_INVALID_KEY');
  });

  it('rejects missing options, bad locales, environments and token callbacks', () => {
    expect(codeOf(() => parseOptions(undefined))).toBe('PCF_INVALID_KEY');
    expect(codeOf(() => parseOptions({ apiKey, locale: 'de' }))).toBe('PCF_BAD_REQUEST');
    expect(codeOf(() => parseOptions({ apiKey, environment: 'staging' }))).toBe('PCF_BAD_REQUEST');
    expect(codeOf(() => parseOptions({ apiKey, fetchSessionToken: 'abc' }))).toBe('PCF_BAD_REQUEST');
  });

  it('accepts only --pcf-* string variables and a known theme', () => {
    expect(checkAppearance({ theme: 'light', variables: { '--pcf-primary': '#c00' } })).toEqual({
      theme: 'light',
      variables: { '--pcf-primary': '#c00' },
    });
    expect(codeOf(() => checkAppearance({ theme: 'blue' }))).toBe('PCF_BAD_REQUEST');
    expect(codeOf(() => checkAppearance({ variables: { color: 'red' } }))).toBe('PCF_BAD_REQUEST');
    expect(codeOf(() => checkAppearance({ variables: { '--pcf-x': 3 } }))).toBe('PCF_BAD_REQUEST');
    expect(codeOf(() => checkAppearance(null))).toBe('PCF_BAD_REQUEST');
    expect(codeOf(() => checkAppearance({ variables: null }))).toBe('PCF_BAD_REQUEST');
  });
});

describe('resolveBaseUrl', () => {
  it('maps named environments and base URLs', () => {
    expect(resolveBaseUrl('production')).toBe('https://api.paiecashfan.com');
    expect(resolveBaseUrl('sandbox')).toBe('https://sandbox.paiecashfan.com');
    expect(resolveBaseUrl({ baseUrl: 'http://localhost:8080/' })).toBe('http://localhost:8080');
    expect(resolveBaseUrl({ baseUrl: 'https://partner.example/pcf/' })).toBe('https://partner.example/pcf');
    expect(codeOf(() => resolveBaseUrl({ baseUrl: 'javascript:alert(1)' }))).toBe('PCF_BAD_REQUEST');
    expect(codeOf(() => resolveBaseUrl({ baseUrl: 'not a url' }))).toBe('PCF_BAD_REQUEST');
  });

  it('defaults to the origin the SDK script was loaded from, else production', () => {
    expect(resolveBaseUrl(undefined, undefined)).toBe(ENVIRONMENTS.production);
    rememberScriptUrl('https://bundle.partner.example/assets/app-123.js');
    expect(resolveBaseUrl(undefined)).toBe(ENVIRONMENTS.production);
    rememberScriptUrl('http://127.0.0.1:8080/sdk/paiecashfan-sdk.js?v=2');
    expect(resolveBaseUrl(undefined)).toBe('http://127.0.0.1:8080');
    expect(parseOptions({ apiKey }).origin).toBe('http://127.0.0.1:8080');
  });
});

import { describe, expect, it } from 'vitest';
import { readUrlHints } from '../src/url-hints.ts';

describe('what a widget URL may carry', () => {
  it('reads locale and theme (dark, light or auto) for a plain iframe', () => {
    const hints = readUrlHints('?pk=pk_test_monacoDemo2026&locale=en&theme=auto');
    expect(hints).toMatchObject({ pk: 'pk_test_monacoDemo2026', locale: 'en', theme: 'auto', group: null });
    expect(readUrlHints('?theme=light').theme).toBe('light');
    expect(readUrlHints('?theme=neon&locale=de')).toMatchObject({ theme: null, locale: null });
  });

  it('reads the SDK instance group (a plain iframe has none)', () => {
    expect(readUrlHints('?group=0123456789abcdef01234567').group).toBe('0123456789abcdef01234567');
    expect(readUrlHints('?group=<script>').group).toBeNull();
  });

  it('reads a payment link send: a handle, and only a well-formed amount and asset', () => {
    expect(readUrlHints('?pay=%40lea-martin&amount=12.50&asset=EUR').pay).toEqual({
      to: '@lea-martin',
      amount: '12.50',
      asset: 'EUR',
    });
    expect(readUrlHints('?pay=%40lea&amount=1e9&asset=euro!').pay).toEqual({
      to: '@lea',
      amount: null,
      asset: null,
    });
    expect(readUrlHints('?pay=lea@example.com').pay).toBeNull();
  });
});

import { describe, expect, it } from 'vitest';
import { formatDateTime, interpolate, locale, translator } from '../src/i18n.ts';

describe('i18n', () => {
  it('interpolates placeholders and leaves unknown ones', () => {
    expect(interpolate('{amount} envoyés à {name}', { amount: '10 €', name: 'Léa' })).toBe(
      '10 € envoyés à Léa',
    );
    expect(interpolate('Hello {who}')).toBe('Hello {who}');
  });

  it('translates in the current locale, French by default', () => {
    const t = translator({ fr: { hello: 'Bonjour {name}' }, en: { hello: 'Hello {name}' } });
    expect(locale.value).toBe('fr');
    expect(t('hello', { name: 'Léa' })).toBe('Bonjour Léa');
    locale.value = 'en';
    expect(t('hello', { name: 'Léa' })).toBe('Hello Léa');
    locale.value = 'fr';
  });

  it('formats dates per locale', () => {
    expect(formatDateTime('2026-05-01T18:30:00Z', 'fr')).toMatch(/2026/);
    expect(formatDateTime('2026-05-01T18:30:00Z', 'en')).toMatch(/May 2026/);
  });
});

import { isLocale } from './hello.ts';
import type { Locale } from './protocol.ts';

export interface UrlHints {
  pk: string | null;
  locale: Locale | null;
  theme: 'dark' | 'light' | null;
}

const PK = /^pk_(live|test)_[A-Za-z0-9]{8,64}$/;

/** What the widget's URL may carry: the publishable key and initial locale/theme hints (never a token). */
export function readUrlHints(search: string): UrlHints {
  const params = new URLSearchParams(search);
  const pk = params.get('pk');
  const locale = params.get('locale');
  const theme = params.get('theme');
  return {
    pk: pk !== null && PK.test(pk) ? pk : null,
    locale: isLocale(locale) ? locale : null,
    theme: theme === 'dark' || theme === 'light' ? theme : null,
  };
}

import { isLocale } from './hello.ts';
import type { Locale } from './protocol.ts';
import { isThemeChoice, type ThemeChoice } from './theme.ts';

export interface UrlHints {
  pk: string | null;
  locale: Locale | null;
  theme: ThemeChoice | null;
  /** The SDK instance the widget belongs to (random, not a secret): its widgets share the fan's sign-in. */
  group: string | null;
  /** A payment link (/pay/@handle?amount=&asset=) opened this widget: the send it asks for, to fill in. */
  pay: PayIntent | null;
}

/** A send to prepare from a payment link; the fan still reviews and confirms it. */
export interface PayIntent {
  /** `@handle` */
  to: string;
  amount: string | null;
  asset: string | null;
}

const HANDLE = /^@[A-Za-z0-9._-]{1,60}$/;
const AMOUNT = /^\d{1,12}(\.\d{1,18})?$/;
const ASSET = /^[A-Z]{3,5}$/;

function readPayIntent(params: URLSearchParams): PayIntent | null {
  const to = params.get('pay');
  if (to === null || !HANDLE.test(to)) return null;
  const amount = params.get('amount');
  const asset = params.get('asset');
  return {
    to,
    amount: amount !== null && AMOUNT.test(amount) ? amount : null,
    asset: asset !== null && ASSET.test(asset) ? asset : null,
  };
}

const PK = /^pk_(live|test)_[A-Za-z0-9]{8,64}$/;
const GROUP = /^[A-Za-z0-9_-]{8,64}$/;

/**
 * What the widget's URL may carry: the publishable key, initial locale and theme (`dark`, `light` or `auto`) and
 * the SDK instance's group id, and a payment link's send (`pay`, `amount`, `asset`) — never a token. Anything malformed reads as absent.
 */
export function readUrlHints(search: string): UrlHints {
  const params = new URLSearchParams(search);
  const pk = params.get('pk');
  const locale = params.get('locale');
  const theme = params.get('theme');
  const group = params.get('group');
  return {
    pk: pk !== null && PK.test(pk) ? pk : null,
    locale: isLocale(locale) ? locale : null,
    theme: isThemeChoice(theme) ? theme : null,
    group: group !== null && GROUP.test(group) ? group : null,
    pay: readPayIntent(params),
  };
}

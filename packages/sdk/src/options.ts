import type { Appearance, Locale } from '@pcf/widget-kit/protocol';
import { type Environment, resolveBaseUrl } from './environment.ts';
import { PcfError } from './errors.ts';

/** Options of `new PaieCashFan(options)`. */
export interface PaieCashFanOptions {
  /** Publishable key, `pk_live_…` or `pk_test_…`. */
  apiKey: string;
  /** Default: the origin the SDK script was loaded from, else 'production'. */
  environment?: Environment;
  /** UI language of every widget (default 'fr'). */
  locale?: Locale;
  /** Theme and `--pcf-*` CSS variables applied inside every widget. */
  appearance?: Appearance;
  /** Returns a widget session token from your backend (POST /v1/auth/widget-sessions); called again before it expires. */
  fetchSessionToken?: () => Promise<string>;
}

/** Options validated and defaulted. */
export interface ResolvedOptions {
  apiKey: string;
  baseUrl: string;
  /** The origin of the widgets (and the only origin messages are accepted from). */
  origin: string;
  locale: Locale;
  appearance: Appearance;
  fetchSessionToken: (() => Promise<string>) | undefined;
}

export const API_KEY = /^pk_(live|test)_[A-Za-z0-9]{8,64}$/;

const bad = (message: string) => new PcfError('PCF_BAD_REQUEST', message);

/** Throws PCF_BAD_REQUEST unless the locale is 'fr' or 'en'. */
export function checkLocale(locale: unknown): Locale {
  if (locale === 'fr' || locale === 'en') return locale;
  throw bad('bad locale');
}

/** Throws PCF_BAD_REQUEST unless the appearance has a known theme and only `--pcf-*` string variables. */
export function checkAppearance(appearance: unknown): Appearance {
  const { theme, variables = {} } = (appearance ?? 0) as Record<string, unknown>;
  const valid =
    !!appearance &&
    typeof appearance === 'object' &&
    [undefined, 'dark', 'light', 'auto'].includes(theme as string) &&
    !!variables &&
    typeof variables === 'object' &&
    Object.entries(variables).every(
      ([name, value]) => name.startsWith('--pcf-') && typeof value === 'string',
    );
  if (!valid) throw bad('bad appearance');
  return appearance as Appearance;
}

/** Validates the constructor options and fills in the defaults. */
export function parseOptions(raw: unknown): ResolvedOptions {
  const o = (raw ?? {}) as Partial<Record<keyof PaieCashFanOptions, unknown>>;
  if (typeof o.apiKey !== 'string' || !API_KEY.test(o.apiKey)) {
    throw new PcfError('PCF_INVALID_KEY', 'apiKey: pk_live_… or pk_test_…');
  }
  if (o.fetchSessionToken !== undefined && typeof o.fetchSessionToken !== 'function') {
    throw bad('fetchSessionToken: a function');
  }
  const baseUrl = resolveBaseUrl(o.environment);
  return {
    apiKey: o.apiKey,
    baseUrl,
    origin: new URL(baseUrl).origin,
    locale: checkLocale(o.locale ?? 'fr'),
    appearance: checkAppearance(o.appearance ?? {}),
    fetchSessionToken: o.fetchSessionToken as ResolvedOptions['fetchSessionToken'],
  };
}

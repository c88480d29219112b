import { PcfError } from './errors.ts';

/** Base URLs of the named environments (placeholders until hosting exists). */
export const ENVIRONMENTS = {
  production: 'https://api.paiecashfan.com',
  sandbox: 'https://sandbox.paiecashfan.com',
} as const;

/** Where the SDK talks to: a named environment or any base URL (e.g. http://localhost:8080). */
export type Environment = keyof typeof ENVIRONMENTS | { baseUrl: string };

/** Our own file names: only a script with such a name tells where the platform is (bundlers rename files). */
const SDK_FILE = /\/paiecashfan-sdk[\w.-]*\.m?js$/;

let scriptOrigin: string | undefined;

/** Remembers the origin the SDK file was loaded from (document.currentScript.src or import.meta.url). */
export function rememberScriptUrl(url: string | undefined): void {
  try {
    const parsed = new URL(url ?? '');
    if (/^https?:$/.test(parsed.protocol) && SDK_FILE.test(parsed.pathname)) scriptOrigin = parsed.origin;
  } catch {
    // not a URL: keep the default
  }
}

/** The base URL (no trailing slash) for an environment option; default: where the SDK script came from. */
export function resolveBaseUrl(environment: unknown, fallback = scriptOrigin): string {
  if (environment === undefined) return fallback ?? ENVIRONMENTS.production;
  if (environment === 'production' || environment === 'sandbox') return ENVIRONMENTS[environment];
  const baseUrl = (environment as { baseUrl?: unknown } | null)?.baseUrl;
  if (typeof baseUrl === 'string') {
    try {
      const url = new URL(baseUrl);
      if (/^https?:$/.test(url.protocol)) return (url.origin + url.pathname).replace(/\/+$/, '');
    } catch {
      // reported below
    }
  }
  throw new PcfError('PCF_BAD_REQUEST', 'bad environment');
}

import type { Appearance, HelloData, Locale } from './protocol.ts';

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export const isLocale = (value: unknown): value is Locale => value === 'fr' || value === 'en';

export function toAppearance(value: unknown): Appearance | undefined {
  if (!isRecord(value)) return undefined;
  const appearance: Appearance = {};
  if (value.theme === 'dark' || value.theme === 'light' || value.theme === 'auto') {
    appearance.theme = value.theme;
  }
  if (isRecord(value.variables)) {
    const variables: Record<`--pcf-${string}`, string> = {};
    for (const [name, css] of Object.entries(value.variables)) {
      if (name.startsWith('--pcf-') && typeof css === 'string') variables[name as `--pcf-${string}`] = css;
    }
    appearance.variables = variables;
  }
  return appearance;
}

/** The parts of a PCF_HELLO or `update` payload that are well-formed; anything malformed is dropped. */
export function readHostConfig(value: unknown): Partial<HelloData> {
  if (!isRecord(value)) return {};
  const config: Partial<HelloData> = {};
  if (typeof value.instanceId === 'string') config.instanceId = value.instanceId;
  if (isLocale(value.locale)) config.locale = value.locale;
  const appearance = toAppearance(value.appearance);
  if (appearance) config.appearance = appearance;
  if (typeof value.sessionToken === 'string' || value.sessionToken === null) {
    config.sessionToken = value.sessionToken;
  }
  if (isRecord(value.options)) config.options = value.options;
  return config;
}

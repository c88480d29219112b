import { signal } from '@preact/signals';
import { localeTag } from './money.ts';
import type { Locale } from './protocol.ts';

/** The widget's language: French by default, English on request (URL hint, PCF_HELLO or `update`). */
export const locale = signal<Locale>('fr');

export type Dictionary = Record<string, string>;
/** A widget's messages: French is the reference, English must have the same keys. */
export interface Messages<D extends Dictionary> {
  fr: D;
  en: Record<keyof D, string>;
}

/** Replaces {name} placeholders; unknown placeholders are left as they are. */
export function interpolate(template: string, vars: Record<string, string | number> = {}): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = vars[name];
    return value === undefined ? whole : String(value);
  });
}

export type Translate<D extends Dictionary> = (
  key: keyof D & string,
  vars?: Record<string, string | number>,
) => string;

/** A translation function for these messages in the current locale (reading it subscribes components to it). */
export function translator<D extends Dictionary>(messages: Messages<D>): Translate<D> {
  return (key, vars) => interpolate(messages[locale.value][key], vars);
}

export function formatDateTime(iso: string, current: Locale): string {
  return new Intl.DateTimeFormat(localeTag(current), { dateStyle: 'medium', timeStyle: 'short' }).format(
    new Date(iso),
  );
}

export function setLocale(next: Locale): void {
  locale.value = next;
  document.documentElement.lang = next;
}

import type { Appearance } from './protocol.ts';

const NAME = /^--pcf-[a-z0-9-]{1,40}$/;
const UNSAFE = /url\(|expression\(|[;{}<>\\@]/i;

/** A widget's theme: dark (the default), light, or auto — the host's `prefers-color-scheme`. */
export type ThemeChoice = 'dark' | 'light' | 'auto';

export const isThemeChoice = (value: unknown): value is ThemeChoice =>
  value === 'dark' || value === 'light' || value === 'auto';

/** The appearance variables that are safe to apply: --pcf-* names, short values, no url(), no escapes. */
export function safeVariables(variables: Record<string, string> = {}): [string, string][] {
  return Object.entries(variables).filter(
    ([name, value]) => NAME.test(name) && value.length <= 200 && !UNSAFE.test(value),
  );
}

interface AppliedAppearance {
  theme: ThemeChoice;
  variables?: Record<string, string>;
}

let current: AppliedAppearance = { theme: 'dark' };
let applied: string[] = [];

/**
 * Applies a theme (dark by default; `auto` follows the host's `prefers-color-scheme`, which inside an iframe is the
 * embedding page's) and the partner's CSS custom properties on :root. What `appearance` leaves out is kept; new
 * variables replace the earlier ones. The page itself stays transparent (base.css): only the cards are painted,
 * so no block of another colour sits on the host's page.
 */
export function applyAppearance(appearance: Omit<Appearance, 'theme'> & { theme?: string }): void {
  current = {
    theme: isThemeChoice(appearance.theme) ? appearance.theme : current.theme,
    variables: appearance.variables ?? current.variables,
  };
  const root = document.documentElement;
  root.dataset.theme = current.theme;
  for (const name of applied) root.style.removeProperty(name);
  const variables = safeVariables(current.variables);
  for (const [name, value] of variables) root.style.setProperty(name, value);
  applied = variables.map(([name]) => name);
}

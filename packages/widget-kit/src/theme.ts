import type { Appearance } from './protocol.ts';

const NAME = /^--pcf-[a-z0-9-]{1,40}$/;
const UNSAFE = /url\(|expression\(|[;{}<>\\@]/i;

/** The appearance variables that are safe to apply: --pcf-* names, short values, no url(), no escapes. */
export function safeVariables(variables: Record<string, string> = {}): [string, string][] {
  return Object.entries(variables).filter(
    ([name, value]) => NAME.test(name) && value.length <= 200 && !UNSAFE.test(value),
  );
}

let current: Appearance = { theme: 'dark' };
let applied: string[] = [];

/**
 * Applies a theme (dark by default) and the partner's CSS custom properties on :root. What `appearance` leaves out
 * is kept; new variables replace the earlier ones.
 */
export function applyAppearance(appearance: Appearance): void {
  current = {
    theme: appearance.theme ?? current.theme,
    variables: appearance.variables ?? current.variables,
  };
  const root = document.documentElement;
  root.dataset.theme = current.theme === 'light' ? 'light' : 'dark';
  for (const name of applied) root.style.removeProperty(name);
  const variables = safeVariables(current.variables);
  for (const [name, value] of variables) root.style.setProperty(name, value);
  applied = variables.map(([name]) => name);
}

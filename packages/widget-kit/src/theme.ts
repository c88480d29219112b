import type { Appearance } from './protocol.ts';

const NAME = /^--pcf-[a-z0-9-]{1,40}$/;
const UNSAFE = /url\(|expression\(|[;{}<>\\@]/i;

/** A widget's theme: dark (the default), light, or auto — the host's `prefers-color-scheme`. */
export type ThemeChoice = 'dark' | 'light' | 'auto';

export const isThemeChoice = (value: unknown): value is ThemeChoice =>
  value === 'dark' || value === 'light' || value === 'auto';

/** The theme a page paints, and the only values its `data-theme` takes: `auto` is resolved in code, not in CSS. */
export type ResolvedTheme = 'dark' | 'light';

/** The media query `auto` follows; inside an iframe it answers for the embedding page. */
export const PREFERS_DARK = '(prefers-color-scheme: dark)';

/** The concrete theme of a choice: `auto` is dark when the page prefers dark colours, light otherwise. */
export function resolveTheme(choice: ThemeChoice, prefersDark: boolean): ResolvedTheme {
  if (choice !== 'auto') return choice;
  return prefersDark ? 'dark' : 'light';
}

/** What `followTheme` uses of a `MediaQueryList`: whether it matches now, and its `change` event. */
export interface SchemeQuery {
  readonly matches: boolean;
  addEventListener(type: 'change', listener: (event: { matches: boolean }) => void): void;
  removeEventListener(type: 'change', listener: (event: { matches: boolean }) => void): void;
}

/** The page's `matchMedia` (absent outside a browser). */
export type MatchMedia = (query: string) => SchemeQuery;

/**
 * Sets `root`'s `data-theme` to the concrete theme of `choice` (base.css writes each palette once, for `dark` and
 * `light`) and, for `auto`, again on each change of `prefers-color-scheme`. Without `matchMedia`, `auto` is dark, the
 * default. Answers the function that stops following the media query (a no-op for `dark` and `light`).
 */
export function followTheme(
  root: Pick<HTMLElement, 'dataset'>,
  choice: ThemeChoice,
  matchMedia: MatchMedia | undefined,
): () => void {
  const query = choice === 'auto' ? matchMedia?.(PREFERS_DARK) : undefined;
  root.dataset.theme = resolveTheme(choice, query?.matches ?? true);
  if (!query) return () => {};
  const onChange = (event: { matches: boolean }) => {
    root.dataset.theme = resolveTheme('auto', event.matches);
  };
  query.addEventListener('change', onChange);
  return () => query.removeEventListener('change', onChange);
}

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
let stopFollowing = () => {};

/**
 * Applies a theme (dark by default; `auto` follows the host's `prefers-color-scheme`, which inside an iframe is the
 * embedding page's, and switches when it changes: see `followTheme`) and the partner's CSS custom properties on
 * :root. What `appearance` leaves out is kept; new variables replace the earlier ones. The page itself stays
 * transparent (base.css): only the cards are painted, so no block of another colour sits on the host's page.
 */
export function applyAppearance(appearance: Omit<Appearance, 'theme'> & { theme?: string }): void {
  current = {
    theme: isThemeChoice(appearance.theme) ? appearance.theme : current.theme,
    variables: appearance.variables ?? current.variables,
  };
  const root = document.documentElement;
  stopFollowing();
  stopFollowing = followTheme(
    root,
    current.theme,
    typeof matchMedia === 'function' ? (query) => matchMedia(query) : undefined,
  );
  for (const name of applied) root.style.removeProperty(name);
  const variables = safeVariables(current.variables);
  for (const [name, value] of variables) root.style.setProperty(name, value);
  applied = variables.map(([name]) => name);
}

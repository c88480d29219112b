import { afterEach, describe, expect, it, vi } from 'vitest';
import { applyAppearance, followTheme, PREFERS_DARK, resolveTheme, type SchemeQuery } from '../src/theme.ts';

/** A `matchMedia` whose `prefers-color-scheme` the test sets, firing `change` like a browser does. */
function fakeMedia(prefersDark: boolean) {
  const listeners = new Set<(event: { matches: boolean }) => void>();
  const queries: string[] = [];
  const list: SchemeQuery = {
    get matches() {
      return prefersDark;
    },
    addEventListener: (_type, listener) => listeners.add(listener),
    removeEventListener: (_type, listener) => listeners.delete(listener),
  };
  return {
    matchMedia: (query: string) => {
      queries.push(query);
      return list;
    },
    queries,
    listeners,
    /** The system switches its colour scheme. */
    prefer(dark: boolean) {
      prefersDark = dark;
      for (const listener of [...listeners]) listener({ matches: dark });
    },
  };
}

describe('resolveTheme', () => {
  it('keeps dark and light, and resolves auto from the media query', () => {
    expect(resolveTheme('dark', false)).toBe('dark');
    expect(resolveTheme('light', true)).toBe('light');
    expect(resolveTheme('auto', true)).toBe('dark');
    expect(resolveTheme('auto', false)).toBe('light');
  });
});

describe('followTheme', () => {
  it('auto sets the concrete theme of prefers-color-scheme and follows its changes until stopped', () => {
    const media = fakeMedia(false);
    const root = { dataset: {} as DOMStringMap };
    const stop = followTheme(root, 'auto', media.matchMedia);
    expect(media.queries).toEqual([PREFERS_DARK]);
    expect(root.dataset.theme).toBe('light');
    media.prefer(true);
    expect(root.dataset.theme).toBe('dark');
    media.prefer(false);
    expect(root.dataset.theme).toBe('light');
    stop();
    expect(media.listeners.size).toBe(0);
    media.prefer(true);
    expect(root.dataset.theme).toBe('light');
  });

  it('dark and light ignore the media query; auto without matchMedia is dark, the default', () => {
    const media = fakeMedia(false);
    const root = { dataset: {} as DOMStringMap };
    followTheme(root, 'dark', media.matchMedia);
    expect(root.dataset.theme).toBe('dark');
    followTheme(root, 'light', media.matchMedia);
    media.prefer(true);
    expect(root.dataset.theme).toBe('light');
    expect(media.listeners.size).toBe(0);
    followTheme(root, 'auto', undefined);
    expect(root.dataset.theme).toBe('dark');
  });
});

describe('applyAppearance', () => {
  afterEach(() => {
    applyAppearance({ theme: 'dark', variables: {} });
    vi.unstubAllGlobals();
  });

  it('writes only dark or light on :root, follows the host while auto, and stops when a theme is chosen', () => {
    const media = fakeMedia(false);
    const style = new Map<string, string>();
    const root = {
      dataset: {} as DOMStringMap,
      style: {
        setProperty: (name: string, value: string) => style.set(name, value),
        removeProperty: (name: string) => style.delete(name),
      },
    };
    vi.stubGlobal('document', { documentElement: root });
    vi.stubGlobal('matchMedia', media.matchMedia);

    applyAppearance({ theme: 'auto', variables: { '--pcf-accent': '#0057b8' } });
    expect(root.dataset.theme).toBe('light');
    media.prefer(true);
    expect(root.dataset.theme).toBe('dark');
    // An update without a theme keeps auto, and still one listener.
    applyAppearance({ variables: {} });
    expect(media.listeners.size).toBe(1);
    media.prefer(false);
    expect(root.dataset.theme).toBe('light');
    expect(style.size).toBe(0);

    applyAppearance({ theme: 'dark' });
    expect(root.dataset.theme).toBe('dark');
    expect(media.listeners.size).toBe(0);
    media.prefer(false);
    expect(root.dataset.theme).toBe('dark');
  });
});

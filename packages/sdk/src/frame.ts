import type { Locale, WidgetName } from '@pcf/widget-kit/protocol';

const TITLES: Record<WidgetName, [fr: string, en: string]> = {
  wallet: ['Portefeuille', 'Wallet'],
  social: ['Chat et vidéo', 'Chat and video'],
  ai: ['Recommandations', 'Recommendations'],
  esim: ['eSIM', 'eSIM'],
  shop: ['Boutique', 'Shop'],
  tickets: ['Billetterie', 'Tickets'],
};

/** The accessible name of a widget's iframe. */
export function frameTitle(widget: WidgetName, locale: Locale): string {
  return `PaieCashFan — ${TITLES[widget][locale === 'en' ? 1 : 0]}`;
}

/** A borderless full-width iframe (no src yet); only the social widget may use camera, microphone and clipboard. */
export function createIframe(widget: WidgetName, title: string, height: number): HTMLIFrameElement {
  const frame = document.createElement('iframe');
  frame.title = title;
  frame.style.cssText = `border:0;width:100%;height:${height}px;display:block`;
  // Lets the widget learn our origin from document.referrer where location.ancestorOrigins is missing.
  frame.referrerPolicy = 'origin';
  if (widget === 'social') frame.allow = 'camera; microphone; clipboard-write';
  return frame;
}

/** Calls start() once the element is within 200 px of the viewport (at once without IntersectionObserver). */
export function whenNearViewport(element: Element, start: () => void): () => void {
  if (typeof IntersectionObserver !== 'function') {
    start();
    return () => {};
  }
  const observer = new IntersectionObserver(
    (entries) => {
      if (entries.some((entry) => entry.isIntersecting)) {
        observer.disconnect();
        start();
      }
    },
    { rootMargin: '200px' },
  );
  observer.observe(element);
  return () => observer.disconnect();
}

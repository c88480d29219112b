import { createHash } from 'node:crypto';
import { envelope, ORIGIN_DENIED, type WidgetName } from '@pcf/widget-kit/protocol';

/** A widget page's CSP lets only the key's origins frame it, so a page elsewhere would wait 10 s for a silent frame. */
export interface OriginDeniedPage {
  html: string;
  csp: string;
}

const cache = new Map<WidgetName, OriginDeniedPage>();

/**
 * What a widget URL serves, instead of the widget, to a frame whose parent's origin (its `Referer`) the publishable
 * key does not allow: no data, no widget code, one line of text, and a script that tells the parent once — PCF_ORIGIN_DENIED
 * posted to the parent's exact origin, carrying nothing but its type — so the SDK rejects at once instead of timing
 * out. Framable anywhere (it holds nothing to protect), running only that script.
 */
export function originDeniedPage(widget: WidgetName): OriginDeniedPage {
  const cached = cache.get(widget);
  if (cached) return cached;
  const message = JSON.stringify(envelope(widget, ORIGIN_DENIED, {}));
  const script = `(function(){var o=(location.ancestorOrigins&&location.ancestorOrigins[0])||document.referrer;try{o=new URL(o).origin}catch(e){return}if(o!=='null')parent.postMessage(${message},o)})();`;
  const hash = createHash('sha256').update(script).digest('base64');
  const page: OriginDeniedPage = {
    html: `<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>PaieCashFan</title></head><body style="font:14px system-ui,sans-serif;margin:16px;color:#888"><p data-testid="widget-error" data-code="${ORIGIN_DENIED}" lang="fr">Ce site n’est pas autorisé à afficher ce widget PaieCashFan.</p><p lang="en">This site is not allowed to show this PaieCashFan widget.</p><script>${script}</script></body></html>`,
    csp: [
      "default-src 'none'",
      `script-src 'sha256-${hash}'`,
      "style-src 'unsafe-inline'",
      "base-uri 'none'",
      "form-action 'none'",
      'frame-ancestors *',
    ].join('; '),
  };
  cache.set(widget, page);
  return page;
}

/**
 * The origin of the page framing this request when the key does not allow it, else null: only for a frame load
 * (`Sec-Fetch-Dest: iframe`, or no such header: browsers send it only to secure origins) that says where it comes from
 * (`Referer`, which the SDK's iframe always sends), and only for a known key (an unknown key's page shows its own error
 * wherever it is framed). A top-level visit (`Sec-Fetch-Dest: document`) and a same-origin page get the widget.
 */
export function deniedParent(
  headers: Record<string, string | string[] | undefined>,
  allowed: readonly string[] | '*',
): string | null {
  const { referer, 'sec-fetch-dest': dest, 'sec-fetch-site': site } = headers;
  const framed = [undefined, 'iframe', 'frame'].includes(dest as string);
  // The platform's own pages (the demo, /pay) frame its widgets: never denied here.
  if (allowed === '*' || !framed || site === 'same-origin' || typeof referer !== 'string') return null;
  try {
    const origin = new URL(referer).origin;
    return origin !== 'null' && !allowed.includes(origin) ? origin : null;
  } catch {
    return null;
  }
}

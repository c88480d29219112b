import type { DOMPurify, WindowLike } from 'dompurify';
import type { JSDOM } from 'jsdom';
import { invalidImage } from './shop.errors.ts';

/**
 * Uploaded SVG images are sanitised before they are stored, with DOMPurify (its SVG profile) on a jsdom window:
 * scripts, event handlers (on*), foreignObject, javascript: and other unsafe URLs are removed. DOMPurify parses the
 * SVG as HTML foreign content (its SVG allow-lists are written for that: in its XML mode camel-case names such as
 * viewBox or linearGradient would be dropped); the sanitised tree is then written out with XMLSerializer, so what is
 * stored — and what a browser parses as image/svg+xml — is exactly that tree.
 */
interface Sanitizer {
  purify: DOMPurify;
  window: JSDOM['window'];
}
let loading: Promise<Sanitizer> | undefined;

/** DOMPurify on one jsdom window, loaded on the first SVG upload (jsdom takes a second to load: not at start). */
function sanitizer(): Promise<Sanitizer> {
  loading ??= (async () => {
    const [{ JSDOM }, { default: createDOMPurify }] = await Promise.all([
      import('jsdom'),
      import('dompurify'),
    ]);
    const { window } = new JSDOM('');
    return { purify: createDOMPurify(window as unknown as WindowLike), window };
  })();
  return loading;
}

const XML_DECLARATION = /^\uFEFF?\s*<\?xml\b[^>]*\?>/;
/** A DOCTYPE without an internal subset (what SVG editors write); one with `[ … ]` may declare entities. */
const PLAIN_DOCTYPE = /<!DOCTYPE\s+svg\b[^[>]*>/i;
const SVG_NAMESPACE = 'http://www.w3.org/2000/svg';

/**
 * The sanitised SVG (UTF-8 bytes) of an uploaded one, serialised as XML with the SVG namespace. Throws a 400
 * validation error when the body is not one SVG document: not UTF-8, a DTD with an internal subset (entities), or not
 * exactly one `<svg>` root left after sanitising.
 */
export async function sanitizeSvg(bytes: Buffer): Promise<Buffer> {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw invalidImage('The SVG image must be UTF-8 text');
  }
  const body = text.replace(XML_DECLARATION, '').replace(PLAIN_DOCTYPE, '');
  if (/<!DOCTYPE|<!ENTITY/i.test(body))
    throw invalidImage('SVG images with DTD declarations are not accepted');
  const { purify, window } = await sanitizer();
  const root = purify.sanitize(body, {
    USE_PROFILES: { svg: true, svgFilters: true },
    RETURN_DOM: true,
  }) as unknown as Element | null;
  const elements = root ? [...root.children] : [];
  const svg = elements[0];
  if (elements.length !== 1 || svg?.localName !== 'svg' || svg.namespaceURI !== SVG_NAMESPACE) {
    throw invalidImage('The body is not an SVG image (one <svg> root in the SVG namespace)');
  }
  return Buffer.from(new window.XMLSerializer().serializeToString(svg), 'utf8');
}

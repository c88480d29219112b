/** The CSP of a widget page: its own inline scripts, our API only, framed only by the key's allowed origins. */
export function widgetPageCsp(scriptHashes: string[], frameAncestors: string[] | '*'): string {
  return [
    "default-src 'none'",
    `script-src ${scriptHashes.length > 0 ? scriptHashes.join(' ') : "'none'"}`,
    "style-src 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "connect-src 'self'",
    "font-src 'self' data:",
    "base-uri 'none'",
    "form-action 'none'",
    `frame-ancestors ${frameAncestors === '*' ? '*' : frameAncestors.join(' ')}`,
  ].join('; ');
}

/** The demo page: our scripts and widgets only. */
export function demoPageCsp(): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "frame-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** The origin of a URL or origin string, or null when it has none (opaque origins, garbage). */
export function toOrigin(value: string | null | undefined): string | null {
  if (!value) return null;
  try {
    const origin = new URL(value).origin;
    return origin === 'null' ? null : origin;
  } catch {
    return null;
  }
}

/**
 * The parent page's origin as the browser reports it: location.ancestorOrigins (Chromium, Safari), else the
 * referrer (Firefox). Null when the browser does not tell.
 */
export function reportedParentOrigin(
  ancestorOrigins: ArrayLike<string> | undefined,
  referrer: string,
): string | null {
  const first = ancestorOrigins && ancestorOrigins.length > 0 ? ancestorOrigins[0] : undefined;
  return toOrigin(first ?? referrer);
}

/** The origins a widget may talk to: the publishable key's allowed origins plus the widget's own origin. */
export function allowedOriginSet(keyOrigins: readonly string[], ownOrigin: string): ReadonlySet<string> {
  const origins = new Set<string>();
  for (const value of [...keyOrigins, ownOrigin]) {
    const origin = toOrigin(value);
    if (origin !== null) origins.add(origin);
  }
  return origins;
}

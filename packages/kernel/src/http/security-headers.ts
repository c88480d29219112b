import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import helmet from 'helmet';

const HSTS = 'max-age=31536000; includeSubDomains';
const CSP = 'content-security-policy';

/**
 * helmet's middleware with the API's header set, built once: `nosniff`, a strict referrer policy, same-site
 * resource policy, the API's CSP (`default-src 'none'; frame-ancestors 'none'`) and `X-Frame-Options: DENY`.
 * Nothing else: the other helmet headers (COOP, Origin-Agent-Cluster…) would change how embedders' pages behave.
 * It writes on the raw response; the answer's own headers (reply.header) take precedence over these.
 */
const applyHelmet = helmet({
  contentSecurityPolicy: {
    useDefaults: false,
    directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] },
  },
  crossOriginResourcePolicy: { policy: 'same-site' },
  referrerPolicy: { policy: 'strict-origin-when-cross-origin' },
  xFrameOptions: { action: 'deny' },
  crossOriginEmbedderPolicy: false,
  crossOriginOpenerPolicy: false,
  originAgentCluster: false,
  xDnsPrefetchControl: false,
  xDownloadOptions: false,
  xPermittedCrossDomainPolicies: false,
  xXssProtection: false,
  xPoweredBy: false,
  // Sent only over HTTPS (registerSecurityHeaders): helmet would send it on every answer.
  strictTransportSecurity: false,
});

/**
 * The headers helmet writes, computed once by running its middleware on a stand-in response: requests then set
 * them through Fastify's reply (one object assignment) instead of helmet's per-header `setHeader` on the raw response.
 */
const HELMET_HEADERS: Record<string, string> = (() => {
  const headers: Record<string, string> = {};
  const collector = {
    setHeader: (name: string, value: string | number) => {
      headers[name.toLowerCase()] = String(value);
    },
    removeHeader: (name: string) => {
      delete headers[name.toLowerCase()];
    },
  };
  applyHelmet({} as IncomingMessage, collector as unknown as ServerResponse, () => undefined);
  return headers;
})();
const API_CSP = HELMET_HEADERS[CSP];

/** Writes the security headers on a raw response; for answers no hook sees (the router's own errors). */
export function writeSecurityHeaders(_request: IncomingMessage, response: ServerResponse): void {
  for (const [name, value] of Object.entries(HELMET_HEADERS)) response.setHeader(name, value);
}

/**
 * Headers every response carries (helmet's, above), plus `X-Request-Id` (the request's id) and, over HTTPS only,
 * `Strict-Transport-Security`. A route that sends a page sets its own `Content-Security-Policy` (and
 * `Cross-Origin-Resource-Policy`), which replaces helmet's; its CSP's `frame-ancestors` then decides framing, so
 * `X-Frame-Options` is dropped for it.
 */
export function registerSecurityHeaders(app: FastifyInstance): void {
  // Callback-style hooks: they run on every request, and skipping the promise is measurably cheaper.
  app.addHook('onRequest', (request, reply, done) => {
    reply.headers(HELMET_HEADERS);
    reply.header('x-request-id', request.id);
    done();
  });
  app.addHook('onSend', (request, reply, payload, done) => {
    if (request.protocol === 'https') reply.header('strict-transport-security', HSTS);
    if (reply.getHeader(CSP) !== API_CSP) reply.removeHeader('x-frame-options');
    done(null, payload);
  });
}

import replyFrom from '@fastify/reply-from';
import { type Config, ConfigError, createHttpApp, INTERNAL_PREFIX, Metrics } from '@pcf/kernel';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { MODULES } from './modules.ts';
import { webRoutes } from './web/web.routes.ts';
import { publicKeyLookup } from './web/web.surface.ts';

export interface Gateway {
  app: FastifyInstance;
  banner: string[];
  services: string[];
  listen(): Promise<string>;
  close(): Promise<void>;
}

interface Upstream {
  name: string;
  url: string;
}

/** One public origin in front of services running as separate processes (PCF_SERVICE_URLS). */
export async function createGateway(config: Config): Promise<Gateway> {
  const upstreams: Upstream[] = Object.entries(config.serviceUrls).map(([name, url]) => ({
    name,
    url: url as string,
  }));
  if (upstreams.length === 0)
    throw new ConfigError('gateway mode needs PCF_SERVICE_URLS (e.g. identity=http://127.0.0.1:8081)');
  const app = createHttpApp(config);
  const metrics = new Metrics();
  metrics.register(app, { token: config.metricsToken });
  await app.register(replyFrom, { http: { requestOptions: { timeout: 30_000 } } });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

  const forward = (target: string) => (request: FastifyRequest, reply: FastifyReply) =>
    reply.from(`${target}${request.url}`, {
      // Bodies stay raw buffers, forwarded byte for byte (reply-from would otherwise re-encode them as JSON).
      ...(Buffer.isBuffer(request.body)
        ? { body: request.body, contentType: request.headers['content-type'] ?? 'application/octet-stream' }
        : {}),
      rewriteRequestHeaders: (_req, headers) => forwardedHeaders(request, headers),
    });

  for (const upstream of upstreams) {
    const module = MODULES.find((m) => m.name === upstream.name);
    for (const prefix of module?.routePrefixes ?? []) {
      app.all(prefix, { schema: { hide: true } }, forward(upstream.url));
      app.all(`${prefix}/*`, { schema: { hide: true } }, forward(upstream.url));
    }
  }
  const docs = upstreams[0]!.url;
  app.all('/docs', forward(docs));
  app.all('/docs/*', forward(docs));

  app.get('/openapi.json', async () =>
    mergeSpecs(await Promise.all(upstreams.map((u) => fetchJson(`${u.url}/openapi.json`)))),
  );
  const identity = upstreams.find((u) => u.name === 'identity');
  if (identity) {
    await app.register(
      webRoutes({ publicOrigin: new URL(config.publicUrl).origin, lookupKey: publicKeyLookup(identity.url) }),
    );
  }
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    const checks: Record<string, string> = {};
    await Promise.all(
      upstreams.map(async (u) => {
        checks[u.name] = (await fetchJson(`${u.url}/readyz`)) ? 'ok' : 'unavailable';
      }),
    );
    const ready = Object.values(checks).every((c) => c === 'ok');
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not_ready', checks });
  });
  await app.ready();

  return {
    app,
    banner: upstreams.map((u) => `gateway: ${u.name} → ${u.url}`),
    services: ['gateway'],
    listen: () => app.listen({ port: config.port, host: config.host }),
    close: () => app.close(),
  };
}

/** Client-supplied forwarding headers that the gateway drops rather than pass on. */
const UNTRUSTED_FORWARDING = ['forwarded', 'x-real-ip', 'x-client-ip', 'true-client-ip', 'cf-connecting-ip'];

/**
 * The headers sent upstream: X-Forwarded-For/-Proto/-Host are replaced (never appended to) by what the gateway
 * itself established — request.ip, request.protocol and request.host, which honour X-Forwarded-* only from the
 * proxies listed in the gateway's own PCF_TRUST_PROXY (a load balancer in front of it). Services that trust the
 * gateway's address therefore see the client's real address, whatever the client wrote.
 */
function forwardedHeaders(
  request: FastifyRequest,
  headers: Record<string, string | string[] | undefined>,
): Record<string, string | string[] | undefined> {
  const kept = Object.fromEntries(
    Object.entries(headers).filter(([name]) => !UNTRUSTED_FORWARDING.includes(name.toLowerCase())),
  );
  return {
    ...kept,
    'x-request-id': request.id,
    'x-forwarded-for': request.ip,
    'x-forwarded-proto': request.protocol,
    'x-forwarded-host': request.host,
  };
}

async function fetchJson(url: string): Promise<Record<string, unknown> | null> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
    return response.ok ? ((await response.json()) as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function mergeSpecs(specs: (Record<string, unknown> | null)[]): Record<string, unknown> {
  const present = specs.filter((s): s is Record<string, unknown> => s !== null);
  const merged: Record<string, unknown> = {
    ...(present[0] ?? { openapi: '3.1.0', info: { title: 'PaieCashFan API', version: '1.0.0' } }),
  };
  // Internal routes are service-to-service only; an upstream that still lists them is not republished.
  const paths = Object.assign({}, ...present.map((s) => s.paths ?? {})) as Record<string, unknown>;
  merged.paths = Object.fromEntries(
    Object.entries(paths).filter(([path]) => !path.startsWith(INTERNAL_PREFIX)),
  );
  return merged;
}

import { NotFoundError, TtlCache } from '@pcf/kernel';
import { WIDGET_FILES, type WidgetName } from '@pcf/widget-kit/protocol';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ASSET_DIRS, AssetCache, type AssetDirs, type AssetFile } from './asset-files.ts';
import { demoPageCsp, widgetPageCsp } from './content-security.ts';
import { deniedParent, originDeniedPage } from './origin-denied-page.ts';
import { type Payee, payPageCsp, payPageHtml, payWidgetUrl, readPayRequest } from './pay-page.ts';

/** What the pages need to know about a publishable key; null when it is unknown or revoked. */
export type PublishableKeyLookup = (publishableKey: string) => Promise<{ allowedOrigins: string[] } | null>;

export interface WebOptions {
  /** The platform's public origin: always allowed to frame the widgets (its own demo page). */
  publicOrigin: string;
  lookupKey: PublishableKeyLookup;
  /** Who a payment link pays (by handle, without the @); without it the page names the handle only. */
  lookupPayee?: (handle: string) => Promise<Payee | null>;
  /** Where the built files are (tests point it elsewhere). */
  dirs?: AssetDirs;
}

const PK = /^pk_(live|test)_[A-Za-z0-9]{8,64}$/;
const WIDGET_PAGES = new Set(Object.values(WIDGET_FILES));
const widgetName = (file: string) =>
  (Object.keys(WIDGET_FILES) as WidgetName[]).find((name) => WIDGET_FILES[name] === file) ?? 'wallet';
const SDK_FILES: Record<string, string> = {
  'paiecashfan-sdk.js': 'text/javascript; charset=utf-8',
  'paiecashfan-sdk.mjs': 'text/javascript; charset=utf-8',
  'paiecashfan-sdk.d.ts': 'text/plain; charset=utf-8',
};
const DEMO_FILES: Record<string, string> = {
  'demo.js': 'text/javascript; charset=utf-8',
  'demo.css': 'text/css; charset=utf-8',
};

/** Widget pages, the SDK and the demo page, served from the platform's origin. */
export function webRoutes(options: WebOptions) {
  const assets = new AssetCache();
  const dirs = options.dirs ?? ASSET_DIRS;
  const keys = new TtlCache<string, { allowedOrigins: string[] } | null>(10_000);
  const allowedAncestors = async (pk: unknown): Promise<string[] | '*'> => {
    if (typeof pk !== 'string' || !PK.test(pk)) return '*';
    let info = keys.get(pk);
    if (info === undefined) {
      info = await options.lookupKey(pk);
      keys.set(pk, info);
    }
    // An unknown or revoked key renders only an error (no data), wherever it is framed.
    return info ? [...new Set([options.publicOrigin, ...info.allowedOrigins])] : '*';
  };

  return async (app: FastifyInstance): Promise<void> => {
    const hide = { schema: { hide: true } };

    app.get<{ Params: { file: string }; Querystring: { pk?: string } }>(
      '/widgets/:file',
      hide,
      async (request, reply) => {
        if (!WIDGET_PAGES.has(request.params.file)) throw new NotFoundError('Widget', 'widget_not_found');
        const file = await requireAsset(assets, `${dirs.widgets}${request.params.file}`);
        const ancestors = await allowedAncestors(request.query.pk);
        reply.header('cache-control', 'no-cache');
        reply.header('vary', 'Referer, Sec-Fetch-Dest, Sec-Fetch-Site');
        if (deniedParent(request.headers, ancestors) !== null) {
          // Framed by a page the key does not allow: say so to that page at once (see origin-denied-page.ts).
          const denied = originDeniedPage(widgetName(request.params.file));
          reply.header('content-security-policy', denied.csp);
          return reply.type('text/html; charset=utf-8').send(denied.html);
        }
        reply.header('content-security-policy', widgetPageCsp(file.scriptHashes, ancestors));
        return sendAsset(request, reply, file, 'text/html; charset=utf-8');
      },
    );

    app.get<{ Params: { file: string } }>('/sdk/:file', hide, async (request, reply) => {
      const type = SDK_FILES[request.params.file];
      if (!type) throw new NotFoundError('SDK file', 'sdk_file_not_found');
      const file = await requireAsset(assets, `${dirs.sdk}${request.params.file}`);
      // Partners' pages load the SDK from another site: as a classic script or an ES module (CORS).
      reply.header('cross-origin-resource-policy', 'cross-origin');
      reply.header('access-control-allow-origin', '*');
      reply.header('cache-control', 'public, max-age=300');
      return sendAsset(request, reply, file, type);
    });

    app.get('/demo', hide, async (request, reply) => {
      const file = await requireAsset(assets, `${dirs.demo}index.html`);
      reply.header('content-security-policy', demoPageCsp());
      reply.header('cache-control', 'no-cache');
      return sendAsset(request, reply, file, 'text/html; charset=utf-8');
    });

    app.get<{ Params: { file: string } }>('/demo/:file', hide, async (request, reply) => {
      const type = DEMO_FILES[request.params.file];
      if (!type) throw new NotFoundError('Demo file', 'demo_file_not_found');
      const file = await requireAsset(assets, `${dirs.demo}${request.params.file}`);
      reply.header('cache-control', 'no-cache');
      return sendAsset(request, reply, file, type);
    });

    // A fan's payment link (the wallet's "receive" panel): who is paid, the amount, and the wallet to pay with.
    app.get<{ Params: { reference: string }; Querystring: Record<string, unknown> }>(
      '/pay/:reference',
      hide,
      async (request, reply) => {
        const pay = readPayRequest(
          request.params.reference,
          request.query,
          request.headers['accept-language'],
        );
        if (!pay) throw new NotFoundError('Payment link', 'payment_link_not_found');
        const payee = options.lookupPayee
          ? await options.lookupPayee(pay.handle)
          : { displayName: `@${pay.handle}`, handle: pay.handle };
        reply.header('content-security-policy', payPageCsp());
        reply.header('cache-control', 'no-store');
        reply.header('referrer-policy', 'same-origin');
        return reply
          .code(payee ? 200 : 404)
          .type('text/html; charset=utf-8')
          .send(payPageHtml(pay, payee, payWidgetUrl(pay)));
      },
    );

    app.get('/', hide, async (_request, reply) => reply.redirect('/demo', 302));
  };
}

async function requireAsset(assets: AssetCache, path: string): Promise<AssetFile> {
  const file = await assets.get(path);
  if (!file) throw new NotFoundError('Built front-end file', 'asset_not_built');
  return file;
}

function sendAsset(request: FastifyRequest, reply: FastifyReply, file: AssetFile, type: string) {
  reply.header('etag', file.etag);
  if (request.headers['if-none-match'] === file.etag) return reply.code(304).send();
  return reply.type(type).send(file.body);
}

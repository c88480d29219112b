import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface HostServer {
  origin: string;
  /** Serves html at path. */
  page(path: string, html: string): void;
  /** How many session tokens the partner backend has minted. */
  sessionsMinted(): number;
  close(): Promise<void>;
}

export interface PartnerBackend {
  platformUrl: string;
  secretKey: string;
}

/**
 * A partner's website on its own origin: static pages, plus the partner's backend endpoint
 * POST /partner-backend/session, which turns "the partner's signed-in user" into a widget session
 * with the partner's secret key (what a real partner's server does).
 */
export async function startHostServer(backend: PartnerBackend): Promise<HostServer> {
  const pages = new Map<string, string>();
  let minted = 0;
  const server: Server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://host').pathname;
    if (request.method === 'POST' && path === '/partner-backend/session') {
      readBody(request)
        .then(async (body) => {
          const upstream = await fetch(`${backend.platformUrl}/v1/auth/widget-sessions`, {
            method: 'POST',
            headers: { authorization: `Bearer ${backend.secretKey}`, 'content-type': 'application/json' },
            body,
          });
          if (upstream.ok) minted++;
          response.writeHead(upstream.status, { 'content-type': 'application/json' });
          response.end(await upstream.text());
        })
        .catch(() => {
          response.writeHead(502);
          response.end();
        });
      return;
    }
    const html = pages.get(path);
    response.writeHead(html === undefined ? 404 : 200, { 'content-type': 'text/html; charset=utf-8' });
    response.end(html ?? 'not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    page: (path, html) => pages.set(path, html),
    sessionsMinted: () => minted,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

import { requireUser } from '@pcf/kernel';
import type { FastifyPluginAsync } from 'fastify';
import type { WalletService } from './accounts.service.ts';
import type { BalanceNotifier } from './balance-notifier.ts';

const HEARTBEAT_MS = 15_000;

/**
 * GET /v1/wallet/stream — Server-Sent Events for the signed-in fan: a `balance` event at once, then one per change
 * (from any process of the platform). Read it with fetch (the Authorization header), not EventSource.
 */
export function streamRoutes(wallet: WalletService, notifier: BalanceNotifier): FastifyPluginAsync {
  return async (app) => {
    const open = new Set<() => void>();
    // End open streams before the server waits for connections to finish, or shutdown would hang.
    app.addHook('preClose', async () => {
      for (const end of open) end();
    });
    app.get(
      '/v1/wallet/stream',
      { schema: { tags: ['wallet'], summary: 'Live balance updates (text/event-stream)' } },
      async (request, reply) => {
        const { userId } = requireUser(request);
        const initial = await wallet.balance(userId);
        reply.hijack();
        const raw = reply.raw;
        raw.writeHead(200, {
          ...(reply.getHeaders() as Record<string, string>),
          'content-type': 'text/event-stream; charset=utf-8',
          'cache-control': 'no-cache, no-transform',
          connection: 'keep-alive',
          'x-accel-buffering': 'no',
          'x-request-id': request.id,
        });
        const send = (event: string, data: unknown) =>
          raw.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
        send('snapshot', initial);
        const unsubscribe = notifier.subscribe(userId, (message) => send('balance', message));
        const heartbeat = setInterval(() => raw.write(': keep-alive\n\n'), HEARTBEAT_MS);
        heartbeat.unref();
        const end = () => {
          clearInterval(heartbeat);
          unsubscribe();
          open.delete(end);
          raw.end();
        };
        open.add(end);
        request.raw.once('close', end);
      },
    );
  };
}

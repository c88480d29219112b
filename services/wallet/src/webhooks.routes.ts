import type { FastifyPluginAsync } from 'fastify';
import type { DepositsService } from './deposits.service.ts';

/** Provider webhooks: the raw body is kept, because the signature covers its exact bytes. */
export function webhookRoutes(deposits: DepositsService): FastifyPluginAsync {
  return async (app) => {
    app.removeContentTypeParser('application/json');
    app.addContentTypeParser(
      'application/json',
      { parseAs: 'string', bodyLimit: 64 * 1024 },
      (_request, body, done) => done(null, body),
    );
    app.post<{ Params: { provider: string }; Body: string }>(
      '/v1/wallet/webhooks/:provider',
      {
        schema: {
          tags: ['wallet'],
          summary: 'Payment provider webhooks (signed; not for API clients)',
          hide: false,
        },
      },
      async (request) => deposits.handleWebhook(request.params.provider, request.body, request.headers),
    );
  };
}

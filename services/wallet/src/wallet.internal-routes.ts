import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { NotFoundError } from '@pcf/kernel';
import { Type } from '@sinclair/typebox';
import type { CreditRequest, HoldRequest, WalletPort } from './wallet.port.ts';

const Key = Type.String({ minLength: 1, maxLength: 255 });
const Amount = Type.String({ maxLength: 80 });
const AssetCode = Type.Union(['EUR', 'USD', 'USDC', 'BTC', 'ETH'].map((a) => Type.Literal(a)));

/** The HTTP face of WalletPort (mounted under /internal/wallet, behind the service token). */
export function walletInternalRoutes(port: WalletPort): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.post(
      '/holds',
      {
        schema: {
          body: Type.Object(
            {
              idempotencyKey: Key,
              userId: Type.String({ format: 'uuid' }),
              amount: Amount,
              asset: AssetCode,
              merchant: Type.String({ pattern: '^[a-z][a-z0-9_-]{0,40}$' }),
              reference: Type.Optional(Type.String({ maxLength: 200 })),
              ttlSeconds: Type.Optional(Type.Integer({ minimum: 1, maximum: 7 * 86_400 })),
            },
            { additionalProperties: false },
          ),
        },
      },
      async (request) => port.hold(request.body as HoldRequest),
    );
    app.post(
      '/captures',
      {
        schema: {
          body: Type.Object(
            { idempotencyKey: Key, holdId: Type.String({ format: 'uuid' }), amount: Type.Optional(Amount) },
            { additionalProperties: false },
          ),
        },
      },
      async (request) => port.capture(request.body),
    );
    app.post(
      '/voids',
      {
        schema: {
          body: Type.Object(
            { idempotencyKey: Key, holdId: Type.String({ format: 'uuid' }) },
            { additionalProperties: false },
          ),
        },
      },
      async (request) => port.void(request.body),
    );
    app.post(
      '/refunds',
      {
        schema: {
          body: Type.Object(
            {
              idempotencyKey: Key,
              holdId: Type.String({ format: 'uuid' }),
              amount: Amount,
              reason: Type.Optional(Type.String({ maxLength: 200 })),
            },
            { additionalProperties: false },
          ),
        },
      },
      async (request) => port.refund(request.body),
    );
    app.post(
      '/credits',
      {
        schema: {
          body: Type.Object(
            {
              idempotencyKey: Key,
              userId: Type.String({ format: 'uuid' }),
              amount: Amount,
              asset: AssetCode,
              partnerId: Type.Optional(Type.String({ maxLength: 100 })),
              reason: Type.Literal('cashback'),
              reference: Type.Optional(Type.String({ maxLength: 200 })),
            },
            { additionalProperties: false },
          ),
        },
      },
      async (request) => port.credit(request.body as CreditRequest),
    );
    app.get(
      '/holds/:holdId',
      { schema: { params: Type.Object({ holdId: Type.String({ format: 'uuid' }) }) } },
      async (request) => {
        const hold = await port.getHold(request.params.holdId);
        if (!hold) throw new NotFoundError('Hold', 'hold_not_found');
        return hold;
      },
    );
  };
}

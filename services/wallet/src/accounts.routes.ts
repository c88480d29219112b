import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { IdempotencyKeyHeader, idempotencyKeyOf, requireUser } from '@pcf/kernel';
import { Type } from '@sinclair/typebox';
import type { WalletService } from './accounts.service.ts';
import type { DepositsService } from './deposits.service.ts';
import type { JournalService } from './journal.service.ts';
import {
  ActivityItem,
  AssetInfo,
  BalanceQuery,
  BalanceResponse,
  ConvertBody,
  Deposit,
  DepositBody,
  IdParams,
  Quote,
  QuoteBody,
  ReceiveResponse,
  Recipient,
  RecipientQuery,
  SendBody,
  TransactionsPage,
  TransactionsQuery,
} from './wallet.schema.ts';

const tags = ['wallet'];
const security = [{ bearer: [] }];

export function walletRoutes(
  wallet: WalletService,
  deposits: DepositsService,
  journal: JournalService,
): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/v1/wallet/balance',
      {
        schema: {
          tags,
          summary: 'Total and per-asset balances',
          security,
          querystring: BalanceQuery,
          response: { 200: BalanceResponse },
        },
      },
      async (request) => wallet.balance(requireUser(request).userId, request.query.currency),
    );

    app.get(
      '/v1/wallet/assets',
      {
        schema: {
          tags,
          summary: 'Supported assets with balances, prices and values',
          security,
          querystring: BalanceQuery,
          response: { 200: Type.Object({ data: Type.Array(AssetInfo) }) },
        },
      },
      async (request) => wallet.assets(requireUser(request).userId, request.query.currency),
    );

    app.get(
      '/v1/wallet/transactions',
      {
        schema: {
          tags,
          summary: 'History, newest first (limit + cursor, or limit + offset)',
          security,
          querystring: TransactionsQuery,
          response: { 200: TransactionsPage },
        },
      },
      async (request) => wallet.transactions(requireUser(request).userId, request.query),
    );

    app.post(
      '/v1/wallet/send',
      {
        config: { idempotency: 'required' },
        schema: {
          tags,
          summary: 'Send money to another fan (user id, email or @handle)',
          security,
          headers: IdempotencyKeyHeader,
          body: SendBody,
          response: { 201: ActivityItem },
        },
      },
      async (request, reply) =>
        reply
          .code(201)
          .send(await wallet.send(requireUser(request).userId, request.body, idempotencyKeyOf(request))),
    );

    app.get(
      '/v1/wallet/recipients',
      {
        schema: {
          tags,
          summary: 'Who a send would pay (display name and handle), before the fan confirms',
          description:
            'Looks up a user id, email or @handle like a send does, within the same per-fan budget of look-ups ' +
            '(429 too_many_recipient_lookups); 404 recipient_not_found; 400 for the fan themselves.',
          security,
          querystring: RecipientQuery,
          response: { 200: Recipient },
        },
      },
      async (request) => wallet.lookupRecipient(requireUser(request).userId, request.query.to),
    );

    app.post(
      '/v1/wallet/deposit',
      {
        config: { idempotency: 'required' },
        schema: {
          tags,
          summary: 'Start a deposit; it is confirmed asynchronously by the payment provider',
          description:
            'Sandbox test amounts: an amount ending in 13 minor units (e.g. 10.13) is declined (card_declined), ' +
            'ending in 66 fails (processing_error); anything else is confirmed after about half a second.',
          security,
          headers: IdempotencyKeyHeader,
          body: DepositBody,
          response: { 202: Deposit },
        },
      },
      async (request, reply) =>
        reply
          .code(202)
          .send(await deposits.start(requireUser(request).userId, request.body, idempotencyKeyOf(request))),
    );

    app.get(
      '/v1/wallet/deposits/:id',
      {
        schema: {
          tags,
          summary: 'A deposit and its status',
          security,
          params: IdParams,
          response: { 200: Deposit },
        },
      },
      async (request) => deposits.get(requireUser(request).userId, request.params.id),
    );

    app.get(
      '/v1/wallet/receive',
      {
        schema: {
          tags,
          summary: 'Your handle and a QR code of your payment link',
          security,
          response: { 200: ReceiveResponse },
        },
      },
      async (request) => wallet.receive(requireUser(request).userId),
    );

    app.post(
      '/v1/wallet/convert/quote',
      {
        schema: {
          tags,
          summary: 'Quote a conversion (valid 30 s)',
          security,
          body: QuoteBody,
          response: { 201: Quote },
        },
      },
      async (request, reply) =>
        reply.code(201).send(await wallet.quote(requireUser(request).userId, request.body)),
    );

    app.post(
      '/v1/wallet/convert',
      {
        config: { idempotency: 'required' },
        schema: {
          tags,
          summary: 'Execute a quote',
          security,
          headers: IdempotencyKeyHeader,
          body: ConvertBody,
          response: { 201: Type.Object({ data: Type.Array(ActivityItem) }) },
        },
      },
      async (request, reply) =>
        reply.code(201).send({
          data: await wallet.convert(
            requireUser(request).userId,
            request.body.quoteId,
            idempotencyKeyOf(request),
          ),
        }),
    );

    app.get(
      '/v1/wallet/admin/audit',
      {
        schema: {
          tags,
          summary: 'Seal the journal, recompute balances and check the hash chain (platform admins)',
          security,
          response: {
            200: Type.Object({
              ok: Type.Boolean(),
              checkedTransactions: Type.Integer(),
              unsealedTransactions: Type.Integer(),
              problems: Type.Array(Type.String()),
            }),
          },
        },
      },
      async (request) => {
        requireUser(request, ['platform_admin']);
        await journal.seal();
        return journal.audit();
      },
    );
  };
}

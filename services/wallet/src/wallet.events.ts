import { AssetCode, defineTopic, Nullable, Uuid } from '@pcf/kernel';
import { Type } from '@sinclair/typebox';

/**
 * The topics the wallet publishes (imported by consumers as `@pcf/wallet/events`). docs/events.md is generated from
 * these declarations: `npm run docs:events`.
 */

const MinorUnits = (description: string) => Type.String({ pattern: '^-?[0-9]+$', description });

export const transactionPosted = defineTopic(
  'wallet.transaction_posted',
  Type.Object({
    transactionId: Uuid,
    kind: Type.Union([
      Type.Literal('deposit'),
      Type.Literal('transfer'),
      Type.Literal('payment'),
      Type.Literal('refund'),
      Type.Literal('credit'),
      Type.Literal('conversion'),
    ]),
    reference: Nullable(
      Type.String({ description: "The caller's reference (an order number for a shop payment)" }),
    ),
    entries: Type.Array(
      Type.Object({
        ownerType: Type.Union([Type.Literal('fan'), Type.Literal('system')]),
        ownerId: Type.String({ description: "The fan's user id, or the system account's name" }),
        asset: AssetCode,
        amount: MinorUnits('Signed minor units: negative leaves the account, positive enters it'),
      }),
      { description: 'The legs; per asset they sum to zero' },
    ),
  }),
  {
    version: 1,
    description: 'a ledger transaction is posted (deposit, transfer, payment, refund, credit, conversion)',
  },
);

export const balanceChanged = defineTopic(
  'wallet.balance_changed',
  Type.Object({
    userId: Uuid,
    asset: AssetCode,
    posted: MinorUnits('Posted balance, minor units'),
    available: MinorUnits('Posted minus held, minor units'),
  }),
  {
    version: 1,
    description:
      "a fan's posted or available balance changed (written by the ledger's own SQL, in the statement that moves " +
      'the balance)',
  },
);

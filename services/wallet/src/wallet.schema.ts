import { AssetCode, DecimalAmount, IdParams, PagedResponse, PageQuery, strict, Uuid } from '@pcf/kernel';
import { type Static, Type } from '@sinclair/typebox';

// The shared pieces, re-exported for the wallet's other files.
export { AssetCode, DecimalAmount, IdParams, Uuid };

export const Money = Type.Object({ amount: Type.String(), asset: AssetCode });

export const AssetBalance = Type.Object({
  asset: AssetCode,
  balance: Type.String({ description: 'Posted balance' }),
  available: Type.String({ description: 'Posted minus holds' }),
  pending: Type.String({ description: 'Reserved by holds' }),
  value: Type.Object({ amount: Type.String(), currency: Type.String() }),
});

export const BalanceResponse = Type.Object({
  balance: Type.String({ description: 'Total value of every asset in the display currency' }),
  currency: Type.String(),
  assets: Type.Array(AssetBalance),
});

export const BalanceQuery = Type.Object(
  { currency: Type.Optional(Type.Union([Type.Literal('EUR'), Type.Literal('USD')])) },
  strict,
);

export const ActivityItem = Type.Object({
  id: Uuid,
  type: Type.Union(
    ['deposit', 'send', 'receive', 'payment', 'refund', 'cashback', 'conversion'].map((t) => Type.Literal(t)),
  ),
  amount: Type.String({ description: 'Signed: negative when money left the wallet' }),
  asset: AssetCode,
  status: Type.Union(['pending', 'completed', 'failed', 'cancelled'].map((s) => Type.Literal(s))),
  counterparty: Type.Union([
    Type.Object({ kind: Type.String(), id: Type.Union([Type.String(), Type.Null()]), name: Type.String() }),
    Type.Null(),
  ]),
  label: Type.Union(
    [
      ...['card', 'bank_transfer', 'crypto', 'welcome', 'shop', 'tickets', 'esim', 'cashback', 'other'].map(
        (l) => Type.Literal(l),
      ),
      Type.Null(),
    ],
    {
      description:
        'What the line is about when the other side is not a fan (a deposit method, the merchant, cashback), as a ' +
        'key for the client to translate; null for a fan or a conversion, whose counterparty.name is shown as it is',
    },
  ),
  reference: Type.Union([Type.String(), Type.Null()]),
  note: Type.Union([Type.String(), Type.Null()]),
  transactionId: Type.Union([Uuid, Type.Null()]),
  createdAt: Type.String({ format: 'date-time' }),
});
export type ActivityItem = Static<typeof ActivityItem>;

export const TransactionsQuery = Type.Object(
  {
    ...PageQuery.properties,
    offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 100_000 })),
  },
  strict,
);

export const TransactionsPage = PagedResponse(ActivityItem);

export const SendBody = Type.Object(
  {
    to: Type.String({ minLength: 1, maxLength: 254, description: 'User id, email or @handle' }),
    amount: DecimalAmount,
    asset: AssetCode,
    note: Type.Optional(Type.String({ maxLength: 140 })),
  },
  strict,
);
export type SendBody = Static<typeof SendBody>;

export const DepositBody = Type.Object(
  {
    amount: DecimalAmount,
    asset: AssetCode,
    method: Type.Union([Type.Literal('card'), Type.Literal('bank_transfer'), Type.Literal('crypto')]),
  },
  strict,
);
export type DepositBody = Static<typeof DepositBody>;

export const Deposit = Type.Object({
  id: Uuid,
  status: Type.Union([Type.Literal('pending'), Type.Literal('confirmed'), Type.Literal('declined')]),
  amount: Type.String(),
  asset: AssetCode,
  method: Type.String(),
  provider: Type.String(),
  failureCode: Type.Union([Type.String(), Type.Null()]),
  transactionId: Type.Union([Uuid, Type.Null()]),
  createdAt: Type.String({ format: 'date-time' }),
});
export type Deposit = Static<typeof Deposit>;

export const AssetInfo = Type.Object({
  asset: AssetCode,
  name: Type.String(),
  decimals: Type.Integer(),
  kind: Type.Union([Type.Literal('fiat'), Type.Literal('crypto')]),
  balance: Type.String(),
  available: Type.String(),
  priceEur: Type.String({ description: 'Price of one unit in EUR, from the price feed' }),
  value: Type.Object({ amount: Type.String(), currency: Type.String() }),
});

export const ReceiveResponse = Type.Object({
  userId: Uuid,
  handle: Type.String(),
  displayName: Type.String(),
  paymentLink: Type.String(),
  qrSvg: Type.String({ description: 'SVG image of a QR code encoding paymentLink' }),
});

export const RecipientQuery = Type.Object(
  { to: Type.String({ minLength: 1, maxLength: 254, description: 'User id, email or @handle' }) },
  strict,
);

export const Recipient = Type.Object({
  id: Uuid,
  displayName: Type.String(),
  handle: Type.String(),
});

export const QuoteBody = Type.Object({ from: AssetCode, to: AssetCode, amount: DecimalAmount }, strict);
export type QuoteBody = Static<typeof QuoteBody>;

export const Quote = Type.Object({
  id: Uuid,
  from: Money,
  to: Money,
  rate: Type.String({ description: 'Units of `to` per unit of `from`' }),
  expiresAt: Type.String({ format: 'date-time' }),
});
export type Quote = Static<typeof Quote>;

export const ConvertBody = Type.Object({ quoteId: Uuid }, strict);

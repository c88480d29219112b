import {
  AssetCode,
  DecimalAmount,
  declarePort,
  IdempotencyKey,
  Nullable,
  type PortOf,
  strict,
  Uuid,
} from '@pcf/kernel';
import { type Static, Type } from '@sinclair/typebox';

const Reference = Type.String({ maxLength: 200 });

export const HoldRequest = Type.Object(
  {
    /** Chosen by the caller; the same key returns the first result. */
    idempotencyKey: IdempotencyKey,
    userId: Uuid,
    amount: DecimalAmount,
    asset: AssetCode,
    /** Who is paid on capture, e.g. "shop" or "tickets". */
    merchant: Type.String({ pattern: '^[a-z][a-z0-9_-]{0,40}$' }),
    reference: Type.Optional(Reference),
    /** Defaults to PCF_HOLD_TTL_SECONDS (15 min). */
    ttlSeconds: Type.Optional(Type.Integer({ minimum: 1, maximum: 7 * 86_400 })),
  },
  strict,
);
export type HoldRequest = Static<typeof HoldRequest>;

export const HoldView = Type.Object({
  holdId: Uuid,
  userId: Uuid,
  status: Type.Union([
    Type.Literal('active'),
    Type.Literal('captured'),
    Type.Literal('voided'),
    Type.Literal('expired'),
  ]),
  amount: Type.String(),
  captured: Type.String(),
  refunded: Type.String(),
  asset: Type.String(),
  merchant: Type.String(),
  reference: Nullable(Type.String()),
  expiresAt: Type.String(),
  transactionId: Nullable(Type.String()),
});
export type HoldView = Static<typeof HoldView>;

export const CreditRequest = Type.Object(
  {
    idempotencyKey: IdempotencyKey,
    userId: Uuid,
    amount: DecimalAmount,
    asset: AssetCode,
    /** Paid from the cashback pool of this partner (or the platform's when absent). */
    partnerId: Type.Optional(Type.String({ maxLength: 100 })),
    reason: Type.Literal('cashback'),
    reference: Type.Optional(Reference),
  },
  strict,
);
export type CreditRequest = Static<typeof CreditRequest>;

export const CreditView = Type.Object({
  transactionId: Type.String(),
  userId: Type.String(),
  amount: Type.String(),
  asset: Type.String(),
});
export type CreditView = Static<typeof CreditView>;

/** The payment port other services use: authorize (hold), then capture or void; refund; credit. */
export const walletPort = declarePort('wallet', {
  hold: {
    method: 'POST',
    path: '/holds',
    input: HoldRequest,
    output: HoldView,
    summary: 'Reserves money on the fan’s account (422 insufficient_funds)',
  },
  capture: {
    method: 'POST',
    path: '/captures',
    input: Type.Object(
      { idempotencyKey: IdempotencyKey, holdId: Uuid, amount: Type.Optional(DecimalAmount) },
      strict,
    ),
    output: HoldView,
    summary: 'Pays the merchant from a hold (all of it, or `amount`); the rest goes back to the fan',
  },
  void: {
    method: 'POST',
    path: '/voids',
    input: Type.Object({ idempotencyKey: IdempotencyKey, holdId: Uuid }, strict),
    output: HoldView,
    summary: 'Releases an active hold',
  },
  refund: {
    method: 'POST',
    path: '/refunds',
    input: Type.Object(
      {
        idempotencyKey: IdempotencyKey,
        holdId: Uuid,
        amount: DecimalAmount,
        reason: Type.Optional(Reference),
      },
      strict,
    ),
    output: HoldView,
    summary: 'Gives back (part of) a captured hold',
  },
  credit: {
    method: 'POST',
    path: '/credits',
    input: CreditRequest,
    output: CreditView,
    summary: 'Credits the fan from a pool (cashback)',
  },
  getHold: {
    method: 'GET',
    path: '/holds/:holdId',
    input: Type.Object({ holdId: Uuid }, strict),
    args: ['holdId'],
    output: Nullable(HoldView),
    notFound: { code: 'hold_not_found', resource: 'Hold' },
    summary: 'A hold, or null when there is none with this id',
  },
});

/** The payment port other services use: authorize, then capture or void; refund; credit. */
export interface WalletPort extends PortOf<typeof walletPort> {}

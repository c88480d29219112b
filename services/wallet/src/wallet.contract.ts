/**
 * The wallet's public HTTP API as TypeScript types, derived from its TypeBox schemas (wallet.schema.ts): the one
 * contract between this service and its clients. Widgets and the SDK import it type-only (`import type … from
 * '@pcf/wallet/contract'`), so nothing of the server reaches a bundle. Amounts are decimal strings in the asset's
 * units ("12.50" EUR, "0.00120000" BTC); timestamps are ISO 8601 strings.
 */
import type { Static } from '@sinclair/typebox';
import type * as S from './wallet.schema.ts';

/** 'EUR' | 'USD' | 'USDC' | 'BTC' | 'ETH'. */
export type AssetCode = Static<typeof S.AssetCode>;
/** `{ amount: "12.50", asset: "EUR" }`. */
export type Money = Static<typeof S.Money>;

// ——— requests ———

/** `GET /v1/wallet/balance` and `/assets` query: the display currency (EUR by default). */
export type BalanceQuery = Static<typeof S.BalanceQuery>;
/** `GET /v1/wallet/transactions` query: limit, cursor (or offset). */
export type TransactionsQuery = Static<typeof S.TransactionsQuery>;
/** `POST /v1/wallet/send` (with an `Idempotency-Key` header): `to` is a user id, an email or an @handle. */
export type SendBody = Static<typeof S.SendBody>;
/** `POST /v1/wallet/deposit` (with an `Idempotency-Key` header). */
export type DepositBody = Static<typeof S.DepositBody>;
/** `GET /v1/wallet/recipients` query: `to` is a user id, an email or an @handle. */
export type RecipientQuery = Static<typeof S.RecipientQuery>;
/** `POST /v1/wallet/convert/quote`. */
export type QuoteBody = Static<typeof S.QuoteBody>;
/** `POST /v1/wallet/convert` (with an `Idempotency-Key` header). */
export type ConvertBody = Static<typeof S.ConvertBody>;

// ——— responses ———

export type AssetBalance = Static<typeof S.AssetBalance>;
/** `GET /v1/wallet/balance`: the total in the display currency and each asset's posted, available and held amounts. */
export type BalanceResponse = Static<typeof S.BalanceResponse>;
export type AssetInfo = Static<typeof S.AssetInfo>;
/** `GET /v1/wallet/assets`. */
export interface AssetList {
  data: AssetInfo[];
}
/** One line of history; also what `POST /v1/wallet/send` answers (the sender's line). `amount` is signed. */
export type ActivityItem = Static<typeof S.ActivityItem>;
/** `GET /v1/wallet/transactions`. */
export type TransactionsPage = Static<typeof S.TransactionsPage>;
/** `POST /v1/wallet/deposit` (202) and `GET /v1/wallet/deposits/:id`. */
export type Deposit = Static<typeof S.Deposit>;
/** `GET /v1/wallet/receive`: the fan's handle, payment link and its QR code (SVG). */
export type ReceiveResponse = Static<typeof S.ReceiveResponse>;
/** `GET /v1/wallet/recipients`: who a send would pay, shown before the fan confirms. */
export type Recipient = Static<typeof S.Recipient>;
/** `POST /v1/wallet/convert/quote`. */
export type Quote = Static<typeof S.Quote>;
/** `POST /v1/wallet/convert`: the history lines the conversion wrote. */
export interface ConvertResult {
  data: ActivityItem[];
}

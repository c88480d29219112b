import { type TObject, type TSchema, type TString, Type } from '@sinclair/typebox';
import { ASSETS } from '../money.ts';

/**
 * Schema pieces every service's API shares, declared once: ids, money, the Idempotency-Key header, paging.
 * A service's own `<svc>.schema.ts` builds on these. The paging query (`PageQuery`) lives with the cursor helpers
 * in pagination.ts.
 */

/** `additionalProperties: false`: bodies and queries name every field they accept. */
export const strict = { additionalProperties: false } as const;

/** A value of the schema, or null. */
export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

/** A UUID (ids of users, partners, orders, holds, transactions…). */
export const Uuid = Type.String({ format: 'uuid' });

/** Path parameters made of one UUID, e.g. `uuidParams('holdId')` for `/holds/:holdId`. */
export function uuidParams<K extends string>(name: K): TObject<Record<K, TString>> {
  return Type.Object({ [name]: Uuid } as Record<K, TString>, strict);
}

/** `{ id }` path parameters (`/orders/:id`). */
export const IdParams = uuidParams('id');

/** The assets the ledger holds; EUR and USD have 2 decimals, USDC 6, BTC 8, ETH 18 (money.ts). */
export const AssetCode = Type.Union(
  ASSETS.map((asset) => Type.Literal(asset)),
  { description: 'EUR and USD (2 decimals), USDC (6), BTC (8), ETH (18)' },
);

/**
 * A money amount on the wire: a decimal string, never a number ("12.50"). Its range and decimals are checked by
 * `parseMoney` against the asset (400 `invalid_amount`, 422 `amount_too_large` beyond MAX_AMOUNTS), not by the schema.
 */
export const DecimalAmount = Type.String({
  maxLength: 80,
  description:
    'A positive decimal string with at most the asset’s decimals, e.g. "12.50"; at most 1000000 EUR, USD or ' +
    'USDC, 15 BTC or 400 ETH per operation (amount_too_large)',
  examples: ['12.50'],
});

/** The `Idempotency-Key` header of a POST that moves money or stock (required there; see http/idempotency.ts). */
export const IdempotencyKeyHeader = Type.Object({
  'idempotency-key': Type.String({
    minLength: 1,
    maxLength: 255,
    description: 'Required: retries replay the first result',
  }),
});

/** An idempotency key carried in a body (service-to-service calls): 1–255 characters, chosen by the caller. */
export const IdempotencyKey = Type.String({ minLength: 1, maxLength: 255 });

/** A list's answer to `PageQuery`: `{ data: [...], nextCursor }`, nextCursor null on the last page. */
export function PagedResponse<T extends TSchema>(item: T) {
  return Type.Object({ data: Type.Array(item), nextCursor: Nullable(Type.String()) });
}

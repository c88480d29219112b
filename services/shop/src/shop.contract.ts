/**
 * The shop's public HTTP API as TypeScript types, derived from its TypeBox schemas (shop.schema.ts): the one contract
 * between this service and its clients. Widgets and the SDK import it type-only (`import type … from
 * '@pcf/shop/contract'`), so nothing of the server reaches a bundle. Money is `{ amount, asset }` with a decimal
 * string amount; timestamps are ISO 8601 strings.
 */
import type { Static } from '@sinclair/typebox';
import type * as S from './shop.schema.ts';

/** An amount in EUR: `{ amount: "89.90", asset: "EUR" }`. */
export type Money = Static<typeof S.Money>;
export type ShopLocale = Static<typeof S.Locale>;
export type CategorySlug = Static<typeof S.CategorySlug>;
export type Club = Static<typeof S.Club>;

// ——— requests ———

/** `GET /v1/shop/products` query: club (slug), category, q, minPrice/maxPrice (decimal EUR), inStock, paging. */
export type ProductsQuery = Static<typeof S.ProductsQuery>;
/** `POST /v1/shop/cart/add`: `variantId` may be left out when the product has exactly one variant. */
export type AddToCartBody = Static<typeof S.AddToCartBody>;
/** `PATCH /v1/shop/cart/items/:id`: quantity 0 removes the line. */
export type UpdateItemBody = Static<typeof S.UpdateItemBody>;
/** `POST /v1/shop/cart/discount`. */
export type DiscountBody = Static<typeof S.DiscountBody>;
/** `POST /v1/shop/checkout` (with an `Idempotency-Key` header): `expectedTotal` is the total the fan was shown. */
export type CheckoutBody = Static<typeof S.CheckoutBody>;
/** `POST /v1/shop/live/:id/join`. */
export type LiveJoinBody = Static<typeof S.LiveJoinBody>;

// ——— responses ———

/** The discount behind a displayed price (flash sale or live session) and its label. */
export type AppliedPromotion = Static<typeof S.AppliedPromotion>;
/** The price to show, decided by the server: `current`, `original` (to cross out, or null) and `promotion`. */
export type DisplayPrice = Static<typeof S.DisplayPrice>;
export type Variant = Static<typeof S.Variant>;
/** A flash sale running on a product (for its badge and countdown). */
export type ProductPromotion = Static<typeof S.ProductPromotion>;
export type Product = Static<typeof S.Product>;
/** `GET /v1/shop/products`. */
export type ProductsPage = Static<typeof S.ProductsPage>;
export type Category = Static<typeof S.Category>;
/** `GET /v1/shop/categories`. */
export type CategoryList = Static<typeof S.CategoryList>;
export type LiveSession = Static<typeof S.LiveSession>;
/** `GET /v1/shop/live`. */
export type LiveList = Static<typeof S.LiveList>;
/** `POST /v1/shop/live/:id/join`. */
export type LiveJoin = Static<typeof S.LiveJoin>;
export type CartItem = Static<typeof S.CartItem>;
/** Every cart route answers the whole cart, priced now. */
export type Cart = Static<typeof S.Cart>;
export type Order = Static<typeof S.Order>;
export type OrderItem = Order['items'][number];
/** `GET /v1/shop/orders`. */
export type OrdersPage = Static<typeof S.OrdersPage>;
export type ProvenanceRecord = Static<typeof S.ProvenanceRecord>;
export type CollectionItem = Static<typeof S.CollectionItem>;
/** `GET /v1/shop/collection`. */
export type CollectionPage = Static<typeof S.CollectionPage>;
/** `GET /v1/shop/collection/:id/verify`. */
export type Verification = Static<typeof S.Verification>;

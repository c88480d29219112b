import type {
  AddToCartBody,
  Cart,
  CategoryList,
  CheckoutBody,
  DiscountBody,
  LiveJoin,
  LiveJoinBody,
  LiveList,
  Order,
  Product,
  ProductsPage,
  ProductsQuery,
  UpdateItemBody,
} from '@pcf/shop/contract';
import type { ApiClient } from '@pcf/widget-kit';

/**
 * The shop API as the widget calls it. Its shapes are the shop's contract (@pcf/shop/contract, derived from
 * services/shop/src/shop.schema.ts), imported type-only: nothing of the server reaches the bundle, and a change of
 * the server's schemas that the widget does not follow fails `npm run check`. Money: decimal strings.
 */
export type {
  AppliedPromotion,
  Cart,
  CartItem,
  Category,
  DisplayPrice,
  LiveSession,
  Money,
  Order,
  Product,
  ProductPromotion as Promotion,
  Variant,
} from '@pcf/shop/contract';

/** Compiles only when every field of T is a field of the contract's ProductsQuery. */
type QueryOf<T extends { [K in keyof T]: K extends keyof ProductsQuery ? unknown : never }> = T;

/**
 * A catalogue request as the widget builds it (from its search box and filters): fields of the contract's
 * ProductsQuery, left out of the URL when empty; the server validates their values (400 otherwise).
 */
export type ProductQuery = QueryOf<{
  club: string;
  q?: string | undefined;
  category?: string | undefined;
  limit?: number | undefined;
  cursor?: string | null | undefined;
  locale?: string | undefined;
}>;

/** The query string of a catalogue request, without empty parameters. */
export function productsPath(query: ProductQuery): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '') params.set(name, String(value));
  }
  return `/v1/shop/products?${params}`;
}

const id = (value: string) => encodeURIComponent(value);
const club = (slug: string) => `club=${id(slug)}`;

export const shopApi = {
  products: (api: ApiClient, query: ProductQuery) => api.guest<ProductsPage>('GET', productsPath(query)),
  product: (api: ApiClient, productId: string, locale: string) =>
    api.guest<Product>('GET', `/v1/shop/products/${id(productId)}?locale=${locale}`),
  categories: (api: ApiClient, slug: string, locale: string) =>
    api.guest<CategoryList>('GET', `/v1/shop/categories?${club(slug)}&locale=${locale}`),
  live: (api: ApiClient, slug: string) => api.guest<LiveList>('GET', `/v1/shop/live?${club(slug)}`),
  /** Joins a live session; `viewerId` (random, one per widget page) counts an anonymous viewer once. */
  join: (api: ApiClient, liveId: string, viewerId: string) =>
    api.guest<LiveJoin>('POST', `/v1/shop/live/${id(liveId)}/join`, { viewerId } satisfies LiveJoinBody),
  cart: (api: ApiClient, slug: string) => api.get<Cart>(`/v1/shop/cart?${club(slug)}`),
  /** Adds to the cart; without `variantId` the server picks a product's only variant (422 variant_required else). */
  add: (api: ApiClient, productId: string, variantId: string | null, quantity: number) =>
    api.post<Cart>(
      '/v1/shop/cart/add',
      (variantId === null
        ? { productId, quantity }
        : { productId, variantId, quantity }) satisfies AddToCartBody,
    ),
  setQuantity: (api: ApiClient, itemId: string, quantity: number) =>
    api.call<Cart>('PATCH', `/v1/shop/cart/items/${id(itemId)}`, { quantity } satisfies UpdateItemBody),
  remove: (api: ApiClient, itemId: string) => api.call<Cart>('DELETE', `/v1/shop/cart/items/${id(itemId)}`),
  applyCode: (api: ApiClient, slug: string, code: string) =>
    api.post<Cart>('/v1/shop/cart/discount', { club: slug, code } satisfies DiscountBody),
  removeCode: (api: ApiClient, slug: string) =>
    api.call<Cart>('DELETE', `/v1/shop/cart/discount?${club(slug)}`),
  /**
   * Pays the cart. `expectedTotal` is the total the fan was shown: the API charges exactly that, or answers 409
   * promotion_ended / price_changed with the new total (see priceChangeOf) and charges nothing.
   */
  checkout: (api: ApiClient, slug: string, idempotencyKey: string, expectedTotal?: string) =>
    api.postMoney<Order>(
      '/v1/shop/checkout',
      (expectedTotal === undefined ? { club: slug } : { club: slug, expectedTotal }) satisfies CheckoutBody,
      idempotencyKey,
    ),
  order: (api: ApiClient, orderId: string) => api.get<Order>(`/v1/shop/orders/${id(orderId)}`),
};

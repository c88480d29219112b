import type { Cart, Order, Product } from '@pcf/shop/contract';
import type { ModuleSpec } from '../method-spec.ts';
import { randomId } from '../random-id.ts';
import type { PaymentOptions, WidgetModule } from '../types.ts';

/** What shop.getProducts() filters on (the club defaults to the publishable key's partner). */
export interface ProductQuery {
  /** A club's partner slug (REST path only; the mounted widget shows its own club). */
  club?: string;
  /** Full-text search (French and English, accents and typos tolerated). */
  q?: string;
  /** A category slug: 'maillots', 'accessoires', 'nft'. */
  category?: string;
  /** At most this many products (1–100, default 20). */
  limit?: number;
}

/** Options of shop.checkout(). */
export type CheckoutOptions = PaymentOptions;

/** The routed methods of pcf.shop. */
export interface ShopMethods {
  /** The club's catalogue, first page (no sign-in needed). */
  getProducts(query?: ProductQuery): Promise<Product[]>;
  /** Adds `quantity` (default 1) of a product to the fan's cart (the first in-stock variant unless given); resolves with the cart. */
  addToCart(productId: string, quantity?: number, variantId?: string): Promise<Cart>;
  /** The fan's cart, read fresh from the API (items, subtotal, discounts, cashback, total); consent as for wallet.getBalance. */
  getCart(): Promise<Cart>;
  /**
   * Pays the cart from the fan's wallet; resolves with the paid order. Sends an Idempotency-Key. Needs the mounted
   * shop widget: the fan sees the cart as the API prices it and confirms with a click (errors as for sendPayment).
   */
  checkout(options?: CheckoutOptions): Promise<Order>;
}

/** pcf.shop: the club shop widget and its API (products, cart, checkout paid from the wallet). */
export interface ShopModule extends WidgetModule<'shop'>, ShopMethods {}

type CartAdd = { productId: string; quantity: number; variantId?: string };

/** `a=1&b=2` without the undefined values. */
const query = (params: object) => new URLSearchParams(JSON.parse(JSON.stringify(params)));

/** How the shop's methods reach the shop: widget method `shop.<name>`; over REST the club is the key's partner. */
export const shop: ModuleSpec<ShopMethods> = {
  getProducts: {
    params: (filter = {}) => filter,
    rest: async (filter: ProductQuery, { api, clubSlug }) =>
      (
        await api<{ data: Product[] }>(
          'GET',
          `/v1/shop/products?${query({ ...filter, club: filter.club ?? (await clubSlug()) })}`,
        )
      ).data,
    guest: true,
  },
  addToCart: {
    valid: (productId, quantity = 1) =>
      typeof productId === 'string' && !!productId && Number.isInteger(quantity) && quantity > 0,
    params: (productId, quantity = 1, variantId) => ({ productId, quantity, variantId }),
    async rest({ productId, quantity, variantId }: CartAdd, { api }) {
      // Without a variant: the first one in stock (none in stock: the API refuses the request).
      const variant =
        variantId ??
        (
          await api<Pick<Product, 'variants'>>('GET', `/v1/shop/products/${encodeURIComponent(productId)}`)
        ).variants.find((v) => v.inStock && v.stock > 0)?.id;
      return api('POST', '/v1/shop/cart/add', { productId, variantId: variant, quantity });
    },
  },
  getCart: { rest: async (_, { api, clubSlug }) => api('GET', `/v1/shop/cart?club=${await clubSlug()}`) },
  // Widget only: the fan confirms the order inside the iframe.
  checkout: { params: ({ idempotencyKey = randomId() } = {}) => ({ idempotencyKey }) },
};

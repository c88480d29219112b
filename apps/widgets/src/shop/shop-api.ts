import type { ApiClient } from '@pcf/widget-kit';

/** Shapes of the shop API (/tmp contract: docs of services/shop) the widget reads. Money: decimal strings. */
export interface Money {
  amount: string;
  asset: string;
}

export interface Variant {
  id: string;
  sku: string;
  label: string;
  attributes: Record<string, string>;
  price: Money;
  salePrice: Money | null;
  stock: number;
  inStock: boolean;
}

export interface Promotion {
  id: string;
  kind: 'flash';
  label: string;
  type: 'percentage' | 'fixed';
  value: string;
  endsAt: string;
}

export interface Product {
  id: string;
  club: { slug: string; name: string };
  slug: string;
  category: string;
  name: string;
  description: string;
  images: string[];
  priceFrom: Money;
  variants: Variant[];
  promotion: Promotion | null;
  collectible: boolean;
}

export interface Category {
  slug: string;
  name: string;
}

export interface LiveSession {
  id: string;
  title: string;
  startsAt: string;
  endsAt: string;
  isLive: boolean;
  products: { productId: string; variantId: string | null; livePrice: Money }[];
}

export interface CartItem {
  id: string;
  productId: string;
  variantId: string;
  name: string;
  variantLabel: string;
  image: string | null;
  quantity: number;
  unitPrice: Money;
  originalUnitPrice: Money;
  lineTotal: Money;
  available: number;
}

export interface Cart {
  id: string;
  club: { slug: string; name: string };
  items: CartItem[];
  count: number;
  subtotal: Money;
  discounts: { label: string; amount: Money }[];
  discountTotal: Money;
  cashback: { rate: string; amount: Money };
  total: Money;
  discountCode: string | null;
}

export interface Order {
  id: string;
  number: string;
  status: 'pending' | 'paid' | 'failed' | 'refunded';
  items: { productId: string; name: string; variantLabel: string; quantity: number; lineTotal: Money }[];
  subtotal: Money;
  discountTotal: Money;
  total: Money;
  cashback: { amount: Money; status: 'pending' | 'credited' | 'reversed' };
  createdAt: string;
}

export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

export interface ProductQuery {
  club: string;
  q?: string | undefined;
  category?: string | undefined;
  limit?: number | undefined;
  cursor?: string | null | undefined;
  locale?: string | undefined;
}

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
  products: (api: ApiClient, query: ProductQuery) => api.guest<Page<Product>>('GET', productsPath(query)),
  product: (api: ApiClient, productId: string, locale: string) =>
    api.guest<Product>('GET', `/v1/shop/products/${id(productId)}?locale=${locale}`),
  categories: (api: ApiClient, slug: string, locale: string) =>
    api.guest<{ data: Category[] }>('GET', `/v1/shop/categories?${club(slug)}&locale=${locale}`),
  live: (api: ApiClient, slug: string) =>
    api.guest<{ data: LiveSession[] }>('GET', `/v1/shop/live?${club(slug)}`),
  /** Joins a live session; `viewerId` (random, one per widget page) counts an anonymous viewer once. */
  join: (api: ApiClient, liveId: string, viewerId: string) =>
    api.guest<{ liveId: string; viewers: number }>('POST', `/v1/shop/live/${id(liveId)}/join`, { viewerId }),
  cart: (api: ApiClient, slug: string) => api.get<Cart>(`/v1/shop/cart?${club(slug)}`),
  add: (api: ApiClient, productId: string, variantId: string, quantity: number) =>
    api.post<Cart>('/v1/shop/cart/add', { productId, variantId, quantity }),
  setQuantity: (api: ApiClient, itemId: string, quantity: number) =>
    api.call<Cart>('PATCH', `/v1/shop/cart/items/${id(itemId)}`, { quantity }),
  remove: (api: ApiClient, itemId: string) => api.call<Cart>('DELETE', `/v1/shop/cart/items/${id(itemId)}`),
  applyCode: (api: ApiClient, slug: string, code: string) =>
    api.post<Cart>('/v1/shop/cart/discount', { club: slug, code }),
  removeCode: (api: ApiClient, slug: string) =>
    api.call<Cart>('DELETE', `/v1/shop/cart/discount?${club(slug)}`),
  /**
   * Pays the cart. `expectedTotal` is the total the fan was shown: the API charges exactly that, or answers 409
   * promotion_ended / price_changed with the new total (see priceChangeOf) and charges nothing.
   */
  checkout: (api: ApiClient, slug: string, idempotencyKey: string, expectedTotal?: string) =>
    api.postMoney<Order>(
      '/v1/shop/checkout',
      expectedTotal === undefined ? { club: slug } : { club: slug, expectedTotal },
      idempotencyKey,
    ),
  order: (api: ApiClient, orderId: string) => api.get<Order>(`/v1/shop/orders/${id(orderId)}`),
};

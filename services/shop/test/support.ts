import { randomUUID } from 'node:crypto';
import { identityModule } from '@pcf/identity';
import {
  type Account,
  type Club,
  type ClubOptions,
  createClub,
  type Fan,
  fundWallet,
  newFan,
  startFixturePlatform,
  type TestBackend,
  type TestPlatform,
  waitFor,
} from '@pcf/kernel/testing';
import { walletModule } from '@pcf/wallet';
import type { Cart, Order, Product } from '../src/shop.contract.ts';
import { shopModule } from '../src/shop.module.ts';
import type { AdminPromotion } from '../src/shop.schema.ts';

/** Whoever calls the shop: a fan's access token or a widget session's token. */
type Caller = Pick<Account, 'token'>;

/** Identity, the wallet and the shop on a fixture platform (`@pcf/kernel/testing`), with `env` over its settings. */
export function startShopPlatform(
  backend: TestBackend,
  env: Record<string, string> = {},
): Promise<TestPlatform> {
  return startFixturePlatform(backend, [identityModule, walletModule, shopModule], {
    env: { DATABASE_POOL_MAX: '15', ...env },
  });
}

/** A suite's platform (`startShopPlatform`) and one club (`newClub`) its tests share; the suite closes `t`. */
export async function startShopWithClub(
  backend: TestBackend,
  env: Record<string, string> = {},
): Promise<{ t: TestPlatform; club: Club }> {
  const t = await startShopPlatform(backend, env);
  return { t, club: await newClub(t) };
}

/** A club created through identity (`createClub`), once the shop has learnt it from identity.partner_created. */
export async function newClub(t: TestPlatform, options: ClubOptions = {}): Promise<Club> {
  const club = await createClub(t, options);
  await waitFor(
    async () =>
      (await t.request({ method: 'GET', url: `/v1/shop/categories?club=${club.slug}` })).statusCode === 200,
    'the shop learns the club',
  );
  return club;
}

export interface ProductInput {
  category?: 'maillots' | 'accessoires' | 'nft';
  name?: { fr: string; en: string };
  description?: { fr: string; en: string };
  price?: string;
  stock?: number;
  sizes?: string[];
  collectible?: boolean;
  editionSize?: number;
}

export interface CreatedProduct {
  id: string;
  variants: { id: string; sku: string; stock: number }[];
}

/** A product created by the club's admin, one variant per size (`U` by default), 10.00 EUR and 10 in stock. */
export async function createProduct(
  t: TestPlatform,
  club: Club,
  input: ProductInput = {},
): Promise<CreatedProduct> {
  const sizes = input.sizes ?? ['U'];
  return t.api.json<CreatedProduct>({
    method: 'POST',
    url: '/v1/shop/admin/products',
    token: club.admin.token,
    body: {
      club: club.slug,
      category: input.category ?? 'accessoires',
      name: input.name ?? { fr: `Produit ${randomUUID().slice(0, 4)}`, en: 'Product' },
      ...(input.description ? { description: input.description } : {}),
      ...(input.collectible ? { collectible: true } : {}),
      ...(input.editionSize ? { editionSize: input.editionSize } : {}),
      variants: sizes.map((size) => ({
        sku: `SKU-${size}`,
        label: `Taille ${size}`,
        attributes: { size },
        price: input.price ?? '10.00',
        stock: input.stock ?? 10,
      })),
    },
    expect: 201,
  });
}

/** A new fan whose wallet holds `amount` EUR (a sandbox deposit). */
export async function fanWithFunds(t: TestPlatform, amount: string): Promise<Fan> {
  const fan = await newFan(t);
  await fundWallet(t, fan, amount);
  return fan;
}

/** The fan's cart in the club, priced now (`GET /v1/shop/cart`). */
export function cartOf(t: TestPlatform, club: Club, fan: Caller): Promise<Cart> {
  return t.api.json<Cart>({ url: `/v1/shop/cart?club=${club.slug}`, token: fan.token });
}

/** The stock left of one of the product's variants (the first by default), as the catalogue shows it. */
export async function stockOf(t: TestPlatform, product: CreatedProduct, variant = 0): Promise<number> {
  const shown = await t.api.json<Product>({ url: `/v1/shop/products/${product.id}` });
  return shown.variants[variant]!.stock;
}

/** The fan's orders (`GET /v1/shop/orders`, its first page). */
export async function ordersOf(t: TestPlatform, fan: Caller): Promise<Order[]> {
  return (await t.api.json<{ data: Order[] }>({ url: '/v1/shop/orders', token: fan.token })).data;
}

/** One of the club's promotions as its admin sees it (budget used included); undefined when not listed. */
export async function promotionOf(
  t: TestPlatform,
  club: Club,
  id: string,
): Promise<AdminPromotion | undefined> {
  const listed = await t.api.json<{ data: AdminPromotion[] }>({
    url: `/v1/shop/admin/promotions?club=${club.slug}`,
    token: club.admin.token,
  });
  return listed.data.find((promotion) => promotion.id === id);
}

export function addToCart(t: TestPlatform, fan: Caller, product: CreatedProduct, quantity = 1, variant = 0) {
  return t.request({
    method: 'POST',
    url: '/v1/shop/cart/add',
    token: fan.token,
    body: { productId: product.id, variantId: product.variants[variant]!.id, quantity },
  });
}

export function checkout(t: TestPlatform, fan: Caller, club: Club, key = randomUUID(), extra: object = {}) {
  return t.request({
    method: 'POST',
    url: '/v1/shop/checkout',
    token: fan.token,
    body: { club: club.slug, ...extra },
    headers: { 'idempotency-key': key },
  });
}

/** Waits until the order's cashback is credited (the consumer runs after the outbox relay). */
export async function cashbackCredited(t: TestPlatform, fan: Caller, orderId: string): Promise<void> {
  await waitFor(async () => {
    await t.platform.flushEvents();
    const order = (
      await t.request({ method: 'GET', url: `/v1/shop/orders/${orderId}`, token: fan.token })
    ).json();
    return order.cashback.status === 'credited';
  }, 'cashback credited');
}

/** A flash sale of −20 % on the given products, until `endsAt`, with a budget; answers the created promotion. */
export function createFlashSale(
  t: TestPlatform,
  club: Club,
  sale: { productIds: string[]; endsAt: string; budget: { kind: 'units' | 'uses'; limit: number } },
): Promise<{ id: string }> {
  return t.api.json<{ id: string }>({
    method: 'POST',
    url: '/v1/shop/admin/promotions',
    token: club.admin.token,
    body: { club: club.slug, kind: 'flash', label: 'Flash −20 %', type: 'percentage', value: '20', ...sale },
    expect: 201,
  });
}

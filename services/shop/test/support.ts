import { randomUUID } from 'node:crypto';
import { identityModule } from '@pcf/identity';
import {
  type Account,
  type Club,
  type ClubOptions,
  createClub,
  startFixturePlatform,
  type TestBackend,
  type TestPlatform,
  waitFor,
} from '@pcf/kernel/testing';
import { walletModule } from '@pcf/wallet';
import { shopModule } from '../src/shop.module.ts';

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

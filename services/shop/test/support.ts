import { randomUUID } from 'node:crypto';
import { identityModule } from '@pcf/identity';
import { startTestPlatform, type TestBackend, type TestPlatform, waitFor } from '@pcf/kernel/testing';
import { walletModule } from '@pcf/wallet';
import type { WalletPort } from '@pcf/wallet/port';
import { shopModule } from '../src/shop.module.ts';

export const ADMIN = { email: 'root@shop.test', password: 'root-password-123' };
const PASSWORD = 'fan-password-123';

export interface User {
  id: string;
  email: string;
  token: string;
}

export interface Club {
  partnerId: string;
  slug: string;
  admin: User;
}

export function startShopPlatform(
  backend: TestBackend,
  env: Record<string, string> = {},
): Promise<TestPlatform> {
  return startTestPlatform(backend, [identityModule, walletModule, shopModule], {
    PCF_ADMIN_EMAIL: ADMIN.email,
    PCF_ADMIN_PASSWORD: ADMIN.password,
    PCF_RATE_LIMIT_IP: '1000000',
    PCF_RATE_LIMIT_USER: '1000000',
    DATABASE_POOL_MAX: '15',
    ...env,
  });
}

export async function login(t: TestPlatform, email: string, password: string): Promise<User> {
  const response = await t.request({ method: 'POST', url: '/v1/auth/login', body: { email, password } });
  if (response.statusCode !== 200) throw new Error(`login failed: ${response.body}`);
  const body = response.json();
  return { id: body.user.id, email, token: body.accessToken };
}

export async function newFan(t: TestPlatform, name = 'Fan'): Promise<User> {
  const email = `${name.toLowerCase()}-${randomUUID().slice(0, 8)}@example.com`;
  const response = await t.request({
    method: 'POST',
    url: '/v1/auth/signup',
    body: { email, password: PASSWORD, displayName: name },
  });
  if (response.statusCode !== 201) throw new Error(`signup failed: ${response.body}`);
  const body = response.json();
  return { id: body.user.id, email, token: body.accessToken };
}

/** A partner created through identity; the shop learns it from identity.partner_created. */
export async function newClub(t: TestPlatform, slug = `club-${randomUUID().slice(0, 6)}`): Promise<Club> {
  const root = await login(t, ADMIN.email, ADMIN.password);
  const adminEmail = `admin-${slug}@example.com`;
  const created = await t.request({
    method: 'POST',
    url: '/v1/partners',
    token: root.token,
    body: {
      name: `Club ${slug}`,
      slug,
      admin: { email: adminEmail, password: PASSWORD, displayName: 'Admin' },
    },
  });
  if (created.statusCode !== 201) throw new Error(`partner creation failed: ${created.body}`);
  await t.platform.flushEvents();
  await waitFor(
    async () =>
      (await t.request({ method: 'GET', url: `/v1/shop/categories?club=${slug}` })).statusCode === 200,
    'the shop learns the club',
  );
  return { partnerId: created.json().partner.id, slug, admin: await login(t, adminEmail, PASSWORD) };
}

export async function rootToken(t: TestPlatform): Promise<string> {
  return (await login(t, ADMIN.email, ADMIN.password)).token;
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

export async function createProduct(
  t: TestPlatform,
  club: Club,
  input: ProductInput = {},
): Promise<CreatedProduct> {
  const sizes = input.sizes ?? ['U'];
  const response = await t.request({
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
  });
  if (response.statusCode !== 201) throw new Error(`product creation failed: ${response.body}`);
  return response.json();
}

export async function fund(t: TestPlatform, user: User, amount: string): Promise<void> {
  await t.platform.port<WalletPort>('wallet').credit({
    idempotencyKey: `fund-${randomUUID()}`,
    userId: user.id,
    amount,
    asset: 'EUR',
    reason: 'cashback',
  });
}

export async function balance(t: TestPlatform, user: User): Promise<{ balance: string; available: string }> {
  const response = await t.request({ method: 'GET', url: '/v1/wallet/balance', token: user.token });
  const eur = (response.json().assets as { asset: string; balance: string; available: string }[]).find(
    (a) => a.asset === 'EUR',
  );
  return { balance: eur?.balance ?? '0.00', available: eur?.available ?? '0.00' };
}

export function addToCart(t: TestPlatform, fan: User, product: CreatedProduct, quantity = 1, variant = 0) {
  return t.request({
    method: 'POST',
    url: '/v1/shop/cart/add',
    token: fan.token,
    body: { productId: product.id, variantId: product.variants[variant]!.id, quantity },
  });
}

export function checkout(t: TestPlatform, fan: User, club: Club, key = randomUUID(), extra: object = {}) {
  return t.request({
    method: 'POST',
    url: '/v1/shop/checkout',
    token: fan.token,
    body: { club: club.slug, ...extra },
    headers: { 'idempotency-key': key },
  });
}

/** Waits until the order's cashback is credited (the consumer runs after the outbox relay). */
export async function cashbackCredited(t: TestPlatform, fan: User, orderId: string): Promise<void> {
  await waitFor(async () => {
    await t.platform.flushEvents();
    const order = (
      await t.request({ method: 'GET', url: `/v1/shop/orders/${orderId}`, token: fan.token })
    ).json();
    return order.cashback.status === 'credited';
  }, 'cashback credited');
}

/** A flash sale of −20 % on the given products, until `endsAt`, with a budget; answers the created promotion. */
export async function createFlashSale(
  t: TestPlatform,
  club: Club,
  sale: { productIds: string[]; endsAt: string; budget: { kind: 'units' | 'uses'; limit: number } },
) {
  const response = await t.request({
    method: 'POST',
    url: '/v1/shop/admin/promotions',
    token: club.admin.token,
    body: { club: club.slug, kind: 'flash', label: 'Flash −20 %', type: 'percentage', value: '20', ...sale },
  });
  if (response.statusCode !== 201) throw new Error(`flash sale: ${response.statusCode} ${response.body}`);
  return response.json() as { id: string };
}

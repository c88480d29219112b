import { randomUUID } from 'node:crypto';
import type { Database, Queryable } from '@pcf/kernel';

export interface CartRow {
  id: string;
  userId: string;
  partnerId: string;
  discountCode: string | null;
  /** When the fan last changed the cart (items, quantities, code), ISO 8601. */
  updatedAt: string;
}

export interface CartItemRow {
  id: string;
  productId: string;
  variantId: string;
  quantity: number;
}

const CART = `id, user_id AS "userId", partner_id AS "partnerId", discount_code AS "discountCode",
  to_json(updated_at) #>> '{}' AS "updatedAt"`;

/** Carts (one per fan and club) and their items: the only file with cart SQL. */
export class CartRepository {
  constructor(private readonly db: Database) {}

  async find(userId: string, partnerId: string, tx: Queryable = this.db): Promise<CartRow | undefined> {
    const result = await tx.query<CartRow>(
      `SELECT ${CART} FROM shop.carts WHERE user_id = $1 AND partner_id = $2`,
      [userId, partnerId],
    );
    return result.rows[0];
  }

  /** The fan's cart for the club, created on first use; locked until the transaction ends. */
  async lockOrCreate(tx: Queryable, userId: string, partnerId: string): Promise<CartRow> {
    await tx.query(
      `INSERT INTO shop.carts (id, user_id, partner_id) VALUES ($1, $2, $3) ON CONFLICT (user_id, partner_id) DO NOTHING`,
      [randomUUID(), userId, partnerId],
    );
    const result = await tx.query<CartRow>(
      `SELECT ${CART} FROM shop.carts WHERE user_id = $1 AND partner_id = $2 FOR UPDATE`,
      [userId, partnerId],
    );
    return result.rows[0]!;
  }

  async items(cartId: string, tx: Queryable = this.db): Promise<CartItemRow[]> {
    const result = await tx.query<CartItemRow>(
      `SELECT id, product_id AS "productId", variant_id AS "variantId", quantity FROM shop.cart_items
       WHERE cart_id = $1 ORDER BY added_at, id`,
      [cartId],
    );
    return result.rows;
  }

  async findItem(
    userId: string,
    itemId: string,
    tx: Queryable = this.db,
  ): Promise<(CartItemRow & { partnerId: string; cartId: string }) | undefined> {
    const result = await tx.query<CartItemRow & { partnerId: string; cartId: string }>(
      `SELECT i.id, i.product_id AS "productId", i.variant_id AS "variantId", i.quantity,
         c.partner_id AS "partnerId", c.id AS "cartId"
       FROM shop.cart_items i JOIN shop.carts c ON c.id = i.cart_id WHERE i.id = $1 AND c.user_id = $2`,
      [itemId, userId],
    );
    return result.rows[0];
  }

  async setQuantity(
    tx: Queryable,
    cartId: string,
    item: { productId: string; variantId: string; quantity: number },
  ): Promise<void> {
    await tx.query(
      `INSERT INTO shop.cart_items (id, cart_id, product_id, variant_id, quantity) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (cart_id, variant_id) DO UPDATE SET quantity = EXCLUDED.quantity`,
      [randomUUID(), cartId, item.productId, item.variantId, item.quantity],
    );
    await this.touch(tx, cartId);
  }

  async removeItem(tx: Queryable, itemId: string): Promise<void> {
    await tx.query('DELETE FROM shop.cart_items WHERE id = $1', [itemId]);
  }

  async clear(tx: Queryable, cartId: string): Promise<void> {
    await tx.query('DELETE FROM shop.cart_items WHERE cart_id = $1', [cartId]);
    await tx.query('UPDATE shop.carts SET discount_code = NULL, updated_at = now() WHERE id = $1', [cartId]);
  }

  async setDiscountCode(tx: Queryable, cartId: string, code: string | null): Promise<void> {
    await tx.query('UPDATE shop.carts SET discount_code = $2, updated_at = now() WHERE id = $1', [
      cartId,
      code,
    ]);
  }

  /** Puts a failed order's items back into the cart (quantities already there are kept). */
  async restore(
    tx: Queryable,
    cartId: string,
    items: { productId: string; variantId: string; quantity: number }[],
    discountCode: string | null,
  ): Promise<void> {
    for (const item of items) {
      await tx.query(
        `INSERT INTO shop.cart_items (id, cart_id, product_id, variant_id, quantity) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (cart_id, variant_id) DO NOTHING`,
        [randomUUID(), cartId, item.productId, item.variantId, item.quantity],
      );
    }
    if (discountCode) {
      await tx.query('UPDATE shop.carts SET discount_code = COALESCE(discount_code, $2) WHERE id = $1', [
        cartId,
        discountCode,
      ]);
    }
  }

  async touch(tx: Queryable, cartId: string): Promise<void> {
    await tx.query('UPDATE shop.carts SET updated_at = now() WHERE id = $1', [cartId]);
  }
}

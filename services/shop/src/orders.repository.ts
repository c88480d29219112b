import type { Database, Queryable } from '@pcf/kernel';
import type { PaymentSagaStep } from '@pcf/wallet/payment-saga';
import type { PromotionUse } from './pricing.ts';

export type OrderStatus = 'pending' | 'paid' | 'failed' | 'refunded';
export type SagaState = 'reserved' | 'held' | 'settled' | 'voiding';

/**
 * The payment saga step of an order (`@pcf/wallet/payment-saga`), stored as its (status, saga_state): pending
 * orders are `reserved` or `held`; a failed one is `compensating` (saga_state `voiding`) or `compensated`; a paid
 * or refunded one is `done` (a refund after payment is a cancellation, not part of the saga).
 */
export function paymentStep(order: Pick<OrderRow, 'status' | 'sagaState'>): PaymentSagaStep {
  if (order.status === 'pending') return order.sagaState === 'held' ? 'held' : 'reserved';
  if (order.status === 'failed') return order.sagaState === 'voiding' ? 'compensating' : 'compensated';
  return 'done';
}

export interface OrderRow {
  id: string;
  number: string;
  userId: string;
  partnerId: string;
  status: OrderStatus;
  sagaState: SagaState;
  idempotencyKey: string;
  subtotal: bigint;
  discountTotal: bigint;
  total: bigint;
  discounts: { label: string; amount: string }[];
  discountCode: string | null;
  promotionUses: PromotionUse[];
  cashbackBps: number;
  cashbackAmount: bigint;
  cashbackStatus: 'pending' | 'credited' | 'reversed';
  refundedAmount: bigint;
  holdId: string | null;
  failureCode: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface OrderItemRow {
  orderId: string;
  position: number;
  productId: string;
  variantId: string;
  name: string;
  variantLabel: string;
  quantity: number;
  unitPrice: bigint;
  originalUnitPrice: bigint;
  lineTotal: bigint;
  collectible: boolean;
}

const ORDER = `id, number, user_id AS "userId", partner_id AS "partnerId", status, saga_state AS "sagaState",
  idempotency_key AS "idempotencyKey", subtotal, discount_total AS "discountTotal", total, discounts,
  discount_code AS "discountCode", promotion_uses AS "promotionUses", cashback_bps AS "cashbackBps",
  cashback_amount AS "cashbackAmount", cashback_status AS "cashbackStatus", refunded_amount AS "refundedAmount",
  hold_id AS "holdId", failure_code AS "failureCode", to_json(created_at) #>> '{}' AS "createdAt",
  to_json(updated_at) #>> '{}' AS "updatedAt"`;

type Raw<T, K extends keyof T> = Omit<T, K> & { [P in K]: string };
type RawOrder = Raw<OrderRow, 'subtotal' | 'discountTotal' | 'total' | 'cashbackAmount' | 'refundedAmount'>;
type RawItem = Raw<OrderItemRow, 'unitPrice' | 'originalUnitPrice' | 'lineTotal'>;

const toOrder = (r: RawOrder): OrderRow => ({
  ...r,
  subtotal: BigInt(r.subtotal),
  discountTotal: BigInt(r.discountTotal),
  total: BigInt(r.total),
  cashbackAmount: BigInt(r.cashbackAmount),
  refundedAmount: BigInt(r.refundedAmount),
});
const toItem = (r: RawItem): OrderItemRow => ({
  ...r,
  unitPrice: BigInt(r.unitPrice),
  originalUnitPrice: BigInt(r.originalUnitPrice),
  lineTotal: BigInt(r.lineTotal),
});

/** Orders, their items and history, stock reservations: the only file with order SQL. */
export class OrdersRepository {
  constructor(private readonly db: Database) {}

  async nextNumber(tx: Queryable): Promise<number> {
    const result = await tx.query<{ n: string }>(`SELECT nextval('shop.order_numbers')::text AS n`);
    return Number(result.rows[0]!.n);
  }

  async insertOrder(
    tx: Queryable,
    order: Omit<
      OrderRow,
      | 'status'
      | 'sagaState'
      | 'cashbackStatus'
      | 'refundedAmount'
      | 'holdId'
      | 'failureCode'
      | 'createdAt'
      | 'updatedAt'
    >,
    items: Omit<OrderItemRow, 'orderId'>[],
  ): Promise<void> {
    await tx.query(
      `INSERT INTO shop.orders (id, number, user_id, partner_id, status, saga_state, idempotency_key, subtotal,
         discount_total, total, discounts, discount_code, promotion_uses, cashback_bps, cashback_amount)
       VALUES ($1, $2, $3, $4, 'pending', 'reserved', $5, $6, $7, $8, $9::jsonb, $10, $11::jsonb, $12, $13)`,
      [
        order.id,
        order.number,
        order.userId,
        order.partnerId,
        order.idempotencyKey,
        order.subtotal.toString(),
        order.discountTotal.toString(),
        order.total.toString(),
        JSON.stringify(order.discounts),
        order.discountCode,
        JSON.stringify(order.promotionUses),
        order.cashbackBps,
        order.cashbackAmount.toString(),
      ],
    );
    for (const item of items) {
      await tx.query(
        `INSERT INTO shop.order_items (order_id, position, product_id, variant_id, name, variant_label, quantity,
           unit_price, original_unit_price, line_total, collectible)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
        [
          order.id,
          item.position,
          item.productId,
          item.variantId,
          item.name,
          item.variantLabel,
          item.quantity,
          item.unitPrice.toString(),
          item.originalUnitPrice.toString(),
          item.lineTotal.toString(),
          item.collectible,
        ],
      );
    }
    await this.addHistory(tx, order.id, 'pending');
  }

  async addHistory(
    tx: Queryable,
    orderId: string,
    status: string,
    detail: string | null = null,
  ): Promise<void> {
    await tx.query('INSERT INTO shop.order_history (order_id, status, detail) VALUES ($1, $2, $3)', [
      orderId,
      status,
      detail,
    ]);
  }

  /** Takes stock only if enough is left (never below zero). False when it is not. */
  async reserveStock(tx: Queryable, variantId: string, quantity: number): Promise<boolean> {
    const result = await tx.query(
      'UPDATE shop.variants SET stock = stock - $2 WHERE id = $1 AND stock >= $2 AND NOT archived',
      [variantId, quantity],
    );
    return result.rowCount === 1;
  }

  async releaseStock(tx: Queryable, items: { variantId: string; quantity: number }[]): Promise<void> {
    for (const item of [...items].sort((a, b) => a.variantId.localeCompare(b.variantId))) {
      await tx.query('UPDATE shop.variants SET stock = stock + $2 WHERE id = $1', [
        item.variantId,
        item.quantity,
      ]);
    }
  }

  async stockOf(variantId: string, tx: Queryable = this.db): Promise<number> {
    const result = await tx.query<{ stock: number }>('SELECT stock FROM shop.variants WHERE id = $1', [
      variantId,
    ]);
    return result.rows[0]?.stock ?? 0;
  }

  async find(id: string, tx: Queryable = this.db): Promise<OrderRow | undefined> {
    const row = (await tx.query<RawOrder>(`SELECT ${ORDER} FROM shop.orders WHERE id = $1`, [id])).rows[0];
    return row ? toOrder(row) : undefined;
  }

  async lock(tx: Queryable, id: string): Promise<OrderRow | undefined> {
    const row = (await tx.query<RawOrder>(`SELECT ${ORDER} FROM shop.orders WHERE id = $1 FOR UPDATE`, [id]))
      .rows[0];
    return row ? toOrder(row) : undefined;
  }

  /** The live (not failed) order a fan placed with this checkout key. */
  async findByKey(userId: string, key: string, q: Queryable = this.db): Promise<OrderRow | undefined> {
    const row = (
      await q.query<RawOrder>(
        `SELECT ${ORDER} FROM shop.orders WHERE user_id = $1 AND idempotency_key = $2 AND status <> 'failed'`,
        [userId, key],
      )
    ).rows[0];
    return row ? toOrder(row) : undefined;
  }

  async listForUser(
    userId: string,
    limit: number,
    after?: { createdAt: string; id: string },
  ): Promise<OrderRow[]> {
    const result = await this.db.query<RawOrder>(
      `SELECT ${ORDER} FROM shop.orders WHERE user_id = $1 AND status <> 'failed'
         AND ($2::timestamptz IS NULL OR (created_at, id) < ($2::timestamptz, $3::uuid))
       ORDER BY created_at DESC, id DESC LIMIT $4`,
      [userId, after?.createdAt ?? null, after?.id ?? null, limit + 1],
    );
    return result.rows.map(toOrder);
  }

  async items(orderIds: string[], tx: Queryable = this.db): Promise<OrderItemRow[]> {
    if (orderIds.length === 0) return [];
    const result = await tx.query<RawItem>(
      `SELECT order_id AS "orderId", position, product_id AS "productId", variant_id AS "variantId", name,
         variant_label AS "variantLabel", quantity, unit_price AS "unitPrice",
         original_unit_price AS "originalUnitPrice", line_total AS "lineTotal", collectible
       FROM shop.order_items WHERE order_id = ANY($1::uuid[]) ORDER BY order_id, position`,
      [orderIds],
    );
    return result.rows.map(toItem);
  }

  async history(orderIds: string[]): Promise<{ orderId: string; status: string; at: string }[]> {
    if (orderIds.length === 0) return [];
    const result = await this.db.query<{ orderId: string; status: string; at: string }>(
      `SELECT order_id AS "orderId", status, to_json(at) #>> '{}' AS at FROM shop.order_history
       WHERE order_id = ANY($1::uuid[]) ORDER BY order_id, id`,
      [orderIds],
    );
    return result.rows;
  }

  async update(
    tx: Queryable,
    id: string,
    changes: {
      status?: OrderStatus;
      sagaState?: SagaState;
      holdId?: string;
      failureCode?: string;
      cashbackStatus?: OrderRow['cashbackStatus'];
      refundedAmount?: bigint;
    },
  ): Promise<void> {
    await tx.query(
      `UPDATE shop.orders SET status = COALESCE($2, status), saga_state = COALESCE($3, saga_state),
         hold_id = COALESCE($4::uuid, hold_id), failure_code = COALESCE($5, failure_code),
         cashback_status = COALESCE($6, cashback_status),
         refunded_amount = COALESCE($7::numeric, refunded_amount), updated_at = now()
       WHERE id = $1`,
      [
        id,
        changes.status ?? null,
        changes.sagaState ?? null,
        changes.holdId ?? null,
        changes.failureCode ?? null,
        changes.cashbackStatus ?? null,
        changes.refundedAmount?.toString() ?? null,
      ],
    );
  }

  /** Saga step `reserved` → `held`: only a pending order still at `reserved`. False when it was not. */
  async recordHold(id: string, holdId: string, tx: Queryable = this.db): Promise<boolean> {
    const result = await tx.query(
      `UPDATE shop.orders SET saga_state = 'held', hold_id = $2, updated_at = now()
       WHERE id = $1 AND status = 'pending' AND saga_state = 'reserved'`,
      [id, holdId],
    );
    return result.rowCount === 1;
  }

  /** Saga step `compensating` → `compensated` (saga_state `voiding` → `settled`); nothing at another step. */
  async recordCompensated(id: string, tx: Queryable = this.db): Promise<void> {
    await tx.query(
      `UPDATE shop.orders SET saga_state = 'settled', updated_at = now() WHERE id = $1 AND saga_state = 'voiding'`,
      [id],
    );
  }

  /** Orders the checkout saga left behind (crash, wallet outage), untouched for olderThanMs. */
  async stuck(olderThanMs: number, limit: number): Promise<string[]> {
    const result = await this.db.query<{ id: string }>(
      `SELECT id FROM shop.orders WHERE saga_state IN ('reserved', 'held', 'voiding')
         AND (status = 'pending' OR saga_state = 'voiding') AND updated_at < now() - $1 * interval '1 millisecond' ORDER BY updated_at LIMIT $2`,
      [olderThanMs, limit],
    );
    return result.rows.map((r) => r.id);
  }

  /** Paid orders whose cashback has not been credited yet. */
  async cashbackDue(olderThanMs: number, limit: number): Promise<string[]> {
    const result = await this.db.query<{ id: string }>(
      `SELECT id FROM shop.orders WHERE status = 'paid' AND cashback_status = 'pending'
         AND updated_at < now() - $1 * interval '1 millisecond' ORDER BY updated_at LIMIT $2`,
      [olderThanMs, limit],
    );
    return result.rows.map((r) => r.id);
  }

  /** Marks the cashback credited, only if it still is pending (exactly once). */
  async markCashbackCredited(id: string): Promise<boolean> {
    const result = await this.db.query(
      `UPDATE shop.orders SET cashback_status = 'credited', updated_at = now()
       WHERE id = $1 AND cashback_status = 'pending'`,
      [id],
    );
    return result.rowCount === 1;
  }
}

import {
  DomainError,
  decodeTimeCursor,
  encodeCursor,
  IdempotentOperations,
  KeyedMutex,
  type OperationKey,
  type Outbox,
  type Page,
  type Queryable,
} from '@pcf/kernel';
import type { WalletPort } from '@pcf/wallet/port';
import type { CashbackService } from './cashback.service.ts';
import type { CatalogueRepository } from './catalogue.repository.ts';
import { walletKeys } from './checkout.service.ts';
import type { CollectiblesRepository } from './collectibles.repository.ts';
import { eur, formatEur, iso } from './money.ts';
import type { OrderRow, OrdersRepository } from './orders.repository.ts';
import type { PromotionsRepository } from './promotions.repository.ts';
import { orderNotCancellable, orderNotFound, walletUnavailable } from './shop.errors.ts';
import { orderRefunded } from './shop.events.ts';
import type { Order } from './shop.schema.ts';

export interface OrdersDeps {
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  outbox: Outbox;
  orders: OrdersRepository;
  catalogue: CatalogueRepository;
  promotions: PromotionsRepository;
  collectibles: CollectiblesRepository;
  cashback: CashbackService;
  wallet: () => WalletPort;
}

/** Orders as fans see them, and cancellation (refund minus cashback already credited). */
export class OrdersService {
  readonly #idempotency: IdempotentOperations;
  readonly #cancelling = new KeyedMutex();

  constructor(private readonly deps: OrdersDeps) {
    this.#idempotency = new IdempotentOperations({ schema: 'shop', transaction: deps.transaction });
  }

  async list(userId: string, limit: number, cursor?: string): Promise<Page<Order>> {
    const rows = await this.deps.orders.listForUser(
      userId,
      limit,
      cursor ? decodeTimeCursor(cursor) : undefined,
    );
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return {
      data: await this.views(page),
      nextCursor: rows.length > limit && last ? encodeCursor([last.createdAt, last.id]) : null,
    };
  }

  async get(userId: string, orderId: string): Promise<Order> {
    const order = await this.deps.orders.find(orderId);
    if (!order || order.userId !== userId) throw orderNotFound();
    const [view] = await this.views([order]);
    return view!;
  }

  /**
   * Cancels a paid order. Cashback is settled first (credited if still pending), then the fan is refunded
   * `total − cashback credited`: the cashback may already be spent and fan accounts never go negative, so it
   * is taken back by refunding less, and marked `reversed`. Stock and promotion budget come back. Idempotent:
   * the wallet refund is keyed by the order id, and a refunded order is returned as it is. The fan's Idempotency-Key
   * is stored with the order's id in the transaction that marks it refunded (kernel IdempotentOperations): a repeat
   * answers the order as it is, the same key for another order throws 422 idempotency_key_reused. A failure
   * stores nothing.
   */
  async cancel(userId: string, orderId: string, key: OperationKey): Promise<Order> {
    // One cancellation of an order at a time in this process: a duplicate waits for the first and answers its
    // result (two at once would compute the refund around the cashback credit differently).
    return this.#cancelling.run(orderId, () => this.#cancel(userId, orderId, key));
  }

  async #cancel(userId: string, orderId: string, key: OperationKey): Promise<Order> {
    const scope = `cancel:${userId}`;
    const request = { orderId };
    if (await this.#idempotency.lookup(scope, key, request)) return this.get(userId, orderId);
    let order = await this.deps.orders.find(orderId);
    if (!order || order.userId !== userId) throw orderNotFound();
    if (order.status === 'refunded') return this.get(userId, orderId);
    if (order.status !== 'paid') throw orderNotCancellable(order.status);
    try {
      if (order.cashbackStatus === 'pending') {
        await this.deps.cashback.creditOrder(orderId);
        order = (await this.deps.orders.find(orderId))!;
      }
      const credited = order.cashbackStatus === 'credited' ? order.cashbackAmount : 0n;
      const refund = order.total - credited;
      if (refund > 0n && order.holdId) {
        await this.deps.wallet().refund({
          idempotencyKey: walletKeys(orderId).refund,
          holdId: order.holdId,
          amount: formatEur(refund),
          reason: 'order cancelled',
        });
      }
      await this.#idempotency.run(scope, key, request, async (tx) => {
        const done = { result: { orderId } };
        const locked = (await this.deps.orders.lock(tx, orderId))!;
        if (locked.status !== 'paid') return done;
        const items = await this.deps.orders.items([orderId], tx);
        await this.deps.orders.releaseStock(tx, items);
        await this.deps.promotions.release(tx, locked.promotionUses);
        await this.deps.collectibles.revokeForOrder(tx, orderId);
        await this.deps.orders.update(tx, orderId, {
          status: 'refunded',
          cashbackStatus: 'reversed',
          refundedAmount: refund,
        });
        await this.deps.orders.addHistory(tx, orderId, 'refunded');
        await this.deps.outbox.publish(tx, orderRefunded, {
          orderId,
          number: locked.number,
          userId: locked.userId,
          partnerId: locked.partnerId,
          refunded: refund.toString(),
          cashbackReversed: credited.toString(),
          asset: 'EUR',
        });
        return done;
      });
    } catch (error) {
      if (error instanceof DomainError) throw error;
      throw walletUnavailable();
    }
    return this.get(userId, orderId);
  }

  async views(orders: OrderRow[]): Promise<Order[]> {
    const ids = orders.map((o) => o.id);
    const [items, history] = [await this.deps.orders.items(ids), await this.deps.orders.history(ids)];
    const clubs = new Map<string, { slug: string; name: string }>();
    for (const partnerId of new Set(orders.map((o) => o.partnerId))) {
      const club = await this.deps.catalogue.findClub(partnerId);
      clubs.set(partnerId, { slug: club?.slug ?? '', name: club?.name ?? '' });
    }
    return orders.map((order) => ({
      id: order.id,
      number: order.number,
      club: clubs.get(order.partnerId)!,
      status: order.status,
      items: items
        .filter((i) => i.orderId === order.id)
        .map((i) => ({
          productId: i.productId,
          variantId: i.variantId,
          name: i.name,
          variantLabel: i.variantLabel,
          quantity: i.quantity,
          unitPrice: eur(i.unitPrice),
          lineTotal: eur(i.lineTotal),
        })),
      subtotal: eur(order.subtotal),
      discountTotal: eur(order.discountTotal),
      discounts: order.discounts.map((d) => ({
        label: d.label,
        amount: { amount: d.amount, asset: 'EUR' as const },
      })),
      total: eur(order.total),
      refunded: eur(order.refundedAmount),
      cashback: { amount: eur(order.cashbackAmount), status: order.cashbackStatus },
      history: history
        .filter((h) => h.orderId === order.id)
        .map((h) => ({ status: h.status, at: iso(h.at) })),
      createdAt: iso(order.createdAt),
    }));
  }
}

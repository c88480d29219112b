import { randomUUID } from 'node:crypto';
import { DomainError, type Outbox, type Queryable } from '@pcf/kernel';
import type { HoldRequest, WalletPort } from '@pcf/wallet/port';
import type { CartRepository } from './cart.repository.ts';
import { type CartService, productName } from './cart.service.ts';
import type { CatalogueService } from './catalogue.service.ts';
import type { CollectiblesService } from './collectibles.service.ts';
import { formatEur, parseEur } from './money.ts';
import type { OrderRow, OrdersRepository } from './orders.repository.ts';
import type { PromotionsRepository } from './promotions.repository.ts';
import {
  emptyCart,
  insufficientFunds,
  outOfStock,
  promotionEnded,
  walletUnavailable,
} from './shop.errors.ts';

export interface CheckoutDeps {
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  outbox: Outbox;
  orders: OrdersRepository;
  carts: CartRepository;
  promotions: PromotionsRepository;
  cart: CartService;
  catalogue: CatalogueService;
  collectibles: CollectiblesService;
  wallet: () => WalletPort;
  /** How long a checkout hold reserves the fan's money. */
  holdTtlSeconds: number;
}

/** Idempotency keys sent to the wallet are derived from the order id: a retry can never charge twice. */
export const walletKeys = (orderId: string) => ({
  hold: `shop:order:${orderId}:hold`,
  capture: `shop:order:${orderId}:capture`,
  void: `shop:order:${orderId}:void`,
  compensation: `shop:order:${orderId}:compensation-refund`,
  refund: `shop:order:${orderId}:refund`,
  cashback: `cashback:${orderId}`,
});

const isCode = (error: unknown, code: string) => error instanceof DomainError && error.code === code;

/**
 * The checkout saga. (1) One transaction creates the order `pending`, takes the stock (conditional UPDATEs, never
 * below zero) and the promotion budgets, and empties the cart. (2) The wallet holds the total, (3) captures it,
 * (4) one transaction marks the order `paid`, mints collectibles and writes `shop.order_paid` to the outbox.
 * Any failure after (1) gives stock, budgets and cart back, marks the order `failed`, and voids a hold that may
 * exist (now or, if the wallet is unreachable, from the recovery pass). The shop's database decides; the
 * wallet is brought in line with it, always through idempotent calls.
 */
export class CheckoutService {
  constructor(private readonly deps: CheckoutDeps) {}

  async checkout(userId: string, slug: string, key: string, expectedTotal?: string): Promise<OrderRow> {
    const club = await this.deps.catalogue.club(slug);
    const existing = await this.deps.orders.findByKey(userId, key);
    if (existing) return this.#resume(existing);
    const expected = expectedTotal === undefined ? undefined : parseEur(expectedTotal, 'expectedTotal', true);
    const order = await this.deps.transaction(async (tx) => {
      const cart = await this.deps.carts.lockOrCreate(tx, userId, club.partnerId);
      const { priced, items, products, variants } = await this.deps.cart.price(tx, club, cart);
      if (items.length === 0) throw emptyCart();
      if (expected !== undefined && expected !== priced.total) throw promotionEnded();
      const id = randomUUID();
      const number = `${club.slug
        .replace(/[^a-z0-9]/g, '')
        .slice(0, 3)
        .toUpperCase()}-${String(await this.deps.orders.nextNumber(tx)).padStart(6, '0')}`;
      const lines = priced.lines.map((line, position) => {
        const product = products.get(line.productId);
        const variant = variants.get(line.variantId);
        return {
          position,
          productId: line.productId,
          variantId: line.variantId,
          name: product ? productName(product, 'fr') : '',
          variantLabel: variant?.label ?? '',
          quantity: line.quantity,
          unitPrice: line.unitPrice,
          originalUnitPrice: line.price,
          lineTotal: line.lineTotal,
          collectible: product?.collectible ?? false,
          available: product?.status === 'active' && variant && !variant.archived,
        };
      });
      await this.deps.orders.insertOrder(
        tx,
        {
          id,
          number,
          userId,
          partnerId: club.partnerId,
          idempotencyKey: key,
          subtotal: priced.subtotal,
          discountTotal: priced.discountTotal,
          total: priced.total,
          discounts: priced.discounts.map((d) => ({ label: d.label, amount: formatEur(d.amount) })),
          discountCode: priced.discountCode?.code ?? null,
          promotionUses: priced.promotionUses,
          cashbackBps: priced.cashbackBps,
          cashbackAmount: priced.cashback,
        },
        lines,
      );
      await this.deps.carts.clear(tx, cart.id);
      const created = (await this.deps.orders.find(id, tx))!;
      // The shared rows (a variant's stock, a promotion's budget) are taken last, just before the commit: every
      // checkout of a popular item updates the same row, and its lock is held from that UPDATE until COMMIT.
      // Locks in one order (by variant id) so two carts never wait on each other in a cycle.
      for (const line of [...lines].sort((a, b) => a.variantId.localeCompare(b.variantId))) {
        if (!line.available || !(await this.deps.orders.reserveStock(tx, line.variantId, line.quantity))) {
          throw outOfStock(
            line.name,
            line.available ? await this.deps.orders.stockOf(line.variantId, tx) : 0,
          );
        }
      }
      if (!(await this.deps.promotions.consume(tx, priced.promotionUses))) throw promotionEnded();
      return created;
    });
    return this.#pay(order);
  }

  /** The same checkout key again: a paid order is returned; a pending one is driven to its end. */
  async #resume(order: OrderRow): Promise<OrderRow> {
    if (order.status !== 'pending') return order;
    if (order.sagaState === 'reserved') return this.#pay(order);
    await this.recover(order.id);
    const after = (await this.deps.orders.find(order.id))!;
    if (after.status === 'pending') throw walletUnavailable();
    return after;
  }

  async #pay(order: OrderRow): Promise<OrderRow> {
    if (order.total === 0n) return this.#markPaid(order.id);
    const wallet = this.deps.wallet();
    let holdId: string;
    try {
      holdId = (await wallet.hold(this.#holdRequest(order))).holdId;
    } catch (error) {
      if (isCode(error, 'insufficient_funds')) {
        await this.#fail(order.id, 'insufficient_funds', false);
        throw insufficientFunds();
      }
      await this.#fail(order.id, 'wallet_unavailable', true);
      await this.compensate(order.id).catch(() => undefined);
      throw walletUnavailable();
    }
    await this.deps.transaction((tx) => this.deps.orders.update(tx, order.id, { sagaState: 'held', holdId }));
    try {
      await wallet.capture({ idempotencyKey: walletKeys(order.id).capture, holdId });
    } catch {
      await this.#fail(order.id, 'wallet_unavailable', true);
      await this.compensate(order.id).catch(() => undefined);
      throw walletUnavailable();
    }
    return this.#markPaid(order.id);
  }

  #holdRequest(order: OrderRow): HoldRequest {
    return {
      idempotencyKey: walletKeys(order.id).hold,
      userId: order.userId,
      amount: formatEur(order.total),
      asset: 'EUR',
      merchant: 'shop',
      reference: order.number,
      ttlSeconds: this.deps.holdTtlSeconds,
    };
  }

  async #markPaid(orderId: string): Promise<OrderRow> {
    return this.deps.transaction(async (tx) => {
      const order = (await this.deps.orders.lock(tx, orderId))!;
      if (order.status !== 'pending') return order;
      const items = await this.deps.orders.items([orderId], tx);
      await this.deps.collectibles.mint(tx, order, items);
      await this.deps.orders.update(tx, orderId, { status: 'paid', sagaState: 'settled' });
      await this.deps.orders.addHistory(tx, orderId, 'paid');
      await this.deps.outbox.add(tx, 'shop.order_paid', {
        orderId,
        number: order.number,
        userId: order.userId,
        partnerId: order.partnerId,
        total: order.total.toString(),
        cashback: order.cashbackAmount.toString(),
        asset: 'EUR',
      });
      return (await this.deps.orders.find(orderId, tx))!;
    });
  }

  /** Gives back stock, promotion budget and cart; the order becomes `failed`. Only a pending order fails. */
  async #fail(orderId: string, code: string, holdMayExist: boolean): Promise<void> {
    await this.deps.transaction(async (tx) => {
      const order = await this.deps.orders.lock(tx, orderId);
      if (order?.status !== 'pending') return;
      const items = await this.deps.orders.items([orderId], tx);
      await this.deps.orders.releaseStock(tx, items);
      await this.deps.promotions.release(tx, order.promotionUses);
      const cart = await this.deps.carts.lockOrCreate(tx, order.userId, order.partnerId);
      await this.deps.carts.restore(tx, cart.id, items, order.discountCode);
      await this.deps.orders.update(tx, orderId, {
        status: 'failed',
        sagaState: holdMayExist ? 'voiding' : 'settled',
        failureCode: code,
      });
      await this.deps.orders.addHistory(tx, orderId, 'failed', code);
    });
  }

  /**
   * For a failed order whose hold may exist: finds the hold (asking again with the same idempotency key returns
   * the first hold), voids it — or refunds it if a capture went through before the failure was decided.
   */
  async compensate(orderId: string): Promise<void> {
    const order = await this.deps.orders.find(orderId);
    if (order?.sagaState !== 'voiding') return;
    const wallet = this.deps.wallet();
    let holdId = order.holdId;
    if (!holdId) {
      try {
        holdId = (await wallet.hold(this.#holdRequest(order))).holdId;
      } catch (error) {
        if (!isCode(error, 'insufficient_funds')) throw error;
        holdId = null;
      }
    }
    if (holdId) {
      const hold = await wallet.getHold(holdId);
      if (hold?.status === 'active') {
        await wallet.void({ idempotencyKey: walletKeys(orderId).void, holdId }).catch((error: unknown) => {
          if (!isCode(error, 'hold_not_active')) throw error;
        });
      } else if (hold?.status === 'captured') {
        const left = parseEur(hold.captured, 'captured', true) - parseEur(hold.refunded, 'refunded', true);
        if (left > 0n) {
          await wallet.refund({
            idempotencyKey: walletKeys(orderId).compensation,
            holdId,
            amount: formatEur(left),
            reason: 'order failed',
          });
        }
      }
    }
    await this.deps.transaction((tx) => this.deps.orders.update(tx, orderId, { sagaState: 'settled' }));
  }

  /**
   * Finishes or compensates an order the saga left behind (crash, outage): a failed one is compensated; a
   * pending one with a known hold is captured and paid if the hold is still active (paid if already captured,
   * failed if it expired); a pending one without a known hold is failed and its possible hold voided.
   */
  async recover(orderId: string): Promise<void> {
    const order = await this.deps.orders.find(orderId);
    if (!order) return;
    if (order.sagaState === 'voiding') return this.compensate(orderId);
    if (order.status !== 'pending') return;
    if (order.sagaState === 'reserved' || !order.holdId) {
      await this.#fail(orderId, 'abandoned', true);
      return this.compensate(orderId);
    }
    const wallet = this.deps.wallet();
    const hold = await wallet.getHold(order.holdId);
    if (hold?.status === 'active' && Date.parse(hold.expiresAt) > Date.now() + 5_000) {
      await wallet.capture({ idempotencyKey: walletKeys(orderId).capture, holdId: order.holdId });
      await this.#markPaid(orderId);
    } else if (hold?.status === 'captured') {
      await this.#markPaid(orderId);
    } else {
      await this.#fail(orderId, 'payment_expired', hold?.status === 'active');
      await this.compensate(orderId);
    }
  }

  /** One recovery pass over orders untouched for graceMs; returns how many it looked at. */
  async recoverStuck(graceMs: number, onError: (error: unknown) => void): Promise<number> {
    const ids = await this.deps.orders.stuck(graceMs, 100);
    for (const id of ids) await this.recover(id).catch(onError);
    return ids.length;
  }
}

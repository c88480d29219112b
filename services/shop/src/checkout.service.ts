import { randomUUID } from 'node:crypto';
import { DomainError, type Outbox, type Queryable } from '@pcf/kernel';
import type { HoldRequest, WalletPort } from '@pcf/wallet/port';
import type { CartRepository } from './cart.repository.ts';
import { type CartService, productName } from './cart.service.ts';
import type { ClubRow } from './catalogue.repository.ts';
import type { CatalogueService } from './catalogue.service.ts';
import type { CollectiblesService } from './collectibles.service.ts';
import { formatEur, parseEur } from './money.ts';
import type { OrderRow, OrdersRepository } from './orders.repository.ts';
import { type LostPromotion, priceChange } from './price-check.ts';
import type { PromotionsRepository } from './promotions.repository.ts';
import { emptyCart, insufficientFunds, outOfStock, priceChanged, walletUnavailable } from './shop.errors.ts';

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

/** Inside the reservation: a promotion's budget was taken by a concurrent order after this cart was priced. */
class BudgetTaken extends Error {
  constructor(readonly promotion: LostPromotion) {
    super(`The budget of promotion ${promotion.id} was taken meanwhile`);
  }
}

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

  /**
   * Places and pays the fan's cart of this club. `expectedTotal` (decimal EUR string) is the total the fan was
   * shown: any other total answers 409 (see price-check.ts) before anything is reserved; without it, only a
   * discount code of the cart that no longer applies does. Throws out_of_stock / promotion_ended (409), empty_cart /
   * insufficient_funds (422), wallet_unavailable (503); a refusal charges and keeps nothing.
   */
  async checkout(userId: string, slug: string, key: string, expectedTotal?: string): Promise<OrderRow> {
    const club = await this.deps.catalogue.club(slug);
    const existing = await this.deps.orders.findByKey(userId, key);
    if (existing) return this.#resume(existing);
    const expected = expectedTotal === undefined ? undefined : parseEur(expectedTotal, 'expectedTotal', true);
    let order: OrderRow;
    try {
      order = await this.#reserve(userId, club, key, expected);
    } catch (error) {
      if (error instanceof BudgetTaken)
        throw await this.#budgetTaken(userId, club, expected, error.promotion);
      throw error;
    }
    return this.#pay(order);
  }

  /**
   * Step 1, one transaction: prices the cart and checks the price against what the fan was shown, creates the
   * order, empties the cart, then takes stock and promotion budgets (conditional UPDATEs: a budget taken by a
   * concurrent order since the cart was priced rolls everything back, BudgetTaken).
   */
  async #reserve(
    userId: string,
    club: ClubRow,
    key: string,
    expected: bigint | undefined,
  ): Promise<OrderRow> {
    return this.deps.transaction(async (tx) => {
      const cart = await this.deps.carts.lockOrCreate(tx, userId, club.partnerId);
      const pricedItems = await this.deps.cart.price(tx, club, cart);
      const { priced, items, products, variants } = pricedItems;
      if (items.length === 0) throw emptyCart();
      // Cheap test first (the common case pays without another query): a total other than the one shown, or
      // (without expectedTotal) a code on the cart that is not applied.
      const mayHaveChanged =
        expected === undefined
          ? cart.discountCode !== null && priced.discountCode === null
          : priced.total !== expected;
      if (mayHaveChanged) {
        const lost = await this.deps.cart.lostPromotions(tx, club, cart, pricedItems);
        const change = priceChange(priced.total, expected, lost);
        if (change) throw priceChanged(change);
      }
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
      const taken = await this.deps.promotions.consume(tx, priced.promotionUses);
      if (taken !== null) {
        const code = priced.discountCode?.id === taken ? priced.discountCode : null;
        const flash = priced.lines.find(
          (l) => l.applied?.kind === 'flash' && l.applied.promotionId === taken,
        );
        throw new BudgetTaken({
          kind: code ? 'code' : 'flash',
          id: taken,
          label: code?.label ?? flash?.applied?.label ?? '',
          reason: code ? 'code_exhausted' : 'flash_sale_exhausted',
        });
      }
      return created;
    });
  }

  /**
   * A concurrent order took a promotion's budget after this cart was priced (the reservation was rolled back):
   * always 409 promotion_ended — with or without expectedTotal, the fan was about to get that discount — with the
   * cart priced again for the new total.
   */
  async #budgetTaken(
    userId: string,
    club: ClubRow,
    expected: bigint | undefined,
    promotion: LostPromotion,
  ): Promise<DomainError> {
    return this.deps.transaction(async (tx) => {
      const cart = await this.deps.carts.find(userId, club.partnerId, tx);
      const pricedItems = await this.deps.cart.price(tx, club, cart);
      const lost = cart ? await this.deps.cart.lostPromotions(tx, club, cart, pricedItems) : [];
      const promotions = lost.some((l) => l.id === promotion.id) ? lost : [promotion, ...lost];
      return priceChanged({
        code: 'promotion_ended',
        reason: promotions[0]!.reason,
        total: pricedItems.priced.total,
        expected: expected ?? null,
        promotions,
      });
    });
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

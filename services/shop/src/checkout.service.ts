import { randomUUID } from 'node:crypto';
import {
  type DomainError,
  IdempotentOperations,
  type OperationKey,
  type Outbox,
  type Queryable,
} from '@pcf/kernel';
import {
  PaymentSaga,
  type PaymentSagaFailure,
  type PaymentSagaParticipant,
  paymentSagaKeys,
} from '@pcf/wallet/payment-saga';
import type { WalletPort } from '@pcf/wallet/port';
import type { CartRepository } from './cart.repository.ts';
import { type CartService, productName } from './cart.service.ts';
import type { ClubRow } from './catalogue.repository.ts';
import type { CatalogueService } from './catalogue.service.ts';
import type { CollectiblesService } from './collectibles.service.ts';
import { formatEur, parseEur } from './money.ts';
import { type OrderRow, type OrdersRepository, paymentStep } from './orders.repository.ts';
import { type LostPromotion, priceChange } from './price-check.ts';
import type { PromotionsRepository } from './promotions.repository.ts';
import { emptyCart, insufficientFunds, outOfStock, priceChanged, walletUnavailable } from './shop.errors.ts';
import { orderPaid } from './shop.events.ts';

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
  /** Told of errors the saga swallows (a compensation the recovery pass retries). */
  onSagaError?: (error: unknown) => void;
}

/**
 * Idempotency keys sent to the wallet are derived from the order id: a retry can never charge twice. The saga's
 * (hold, capture, void, compensation) come from the payment saga helper; refund and cashback are the shop's own.
 */
export const walletKeys = (orderId: string) => ({
  ...paymentSagaKeys('shop:order', orderId),
  refund: `shop:order:${orderId}:refund`,
  cashback: `cashback:${orderId}`,
});

/** The idempotency scope of a fan's checkouts (their Idempotency-Keys, in the kernel's shop.idempotency_keys). */
const checkoutScope = (userId: string) => `checkout:${userId}`;

/** Inside the reservation: a promotion's budget was taken by a concurrent order after this cart was priced. */
class BudgetTaken extends Error {
  constructor(readonly promotion: LostPromotion) {
    super(`The budget of promotion ${promotion.id} was taken meanwhile`);
  }
}

/**
 * Checkout: the shop's steps of the wallet's payment saga (`@pcf/wallet/payment-saga`, docs/payment-saga.md).
 * (1) Reserve — one transaction creates the order `pending` (saga `reserved`), takes the stock (conditional
 * UPDATEs, never below zero) and the promotion budgets, and empties the cart. The saga then holds and captures the
 * total. (2) Done — one transaction marks the order `paid`, mints collectibles and writes `shop.order_paid` to the
 * outbox. (3) Release — one transaction gives stock, budgets and cart back and marks the order `failed`; the saga
 * voids or refunds what the wallet may hold. An order's saga step is stored as its (status, saga_state), see
 * orders.repository.ts `paymentStep`.
 */
export class CheckoutService {
  readonly #saga: PaymentSaga;
  readonly #idempotency: IdempotentOperations;

  constructor(private readonly deps: CheckoutDeps) {
    this.#idempotency = new IdempotentOperations({ schema: 'shop', transaction: deps.transaction });
    this.#saga = new PaymentSaga({
      keyPrefix: 'shop:order',
      merchant: 'shop',
      wallet: deps.wallet,
      participant: this.#participant(),
      holdTtlSeconds: deps.holdTtlSeconds,
      refundReason: 'order failed',
      ...(deps.onSagaError ? { onError: deps.onSagaError } : {}),
    });
  }

  /**
   * Places and pays the fan's cart of this club, once per Idempotency-Key: the key is claimed in the reservation's
   * transaction with the order's id (kernel IdempotentOperations). A retry with the same key and request finishes
   * and returns that order (a concurrent one waits for the reservation, then drives the same saga); the same key
   * with another club or expectedTotal throws 422 idempotency_key_reused. A refused checkout keeps nothing, its key
   * included (a failed order frees it, see #release), so it may be retried. `expectedTotal` (decimal EUR string) is
   * the total the fan was shown: any other total answers 409 (see price-check.ts) before anything is reserved;
   * without it, only a discount code of the cart that no longer applies does. Throws out_of_stock /
   * promotion_ended (409), empty_cart / insufficient_funds (422), wallet_unavailable (503).
   */
  async checkout(userId: string, slug: string, key: OperationKey, expectedTotal?: string): Promise<OrderRow> {
    const request = { club: slug, expectedTotal: expectedTotal ?? null };
    const club = await this.deps.catalogue.club(slug);
    const expected = expectedTotal === undefined ? undefined : parseEur(expectedTotal, 'expectedTotal', true);
    const keyText = typeof key === 'string' ? key : key.key;
    let placed: { orderId: string };
    try {
      ({ result: placed } = await this.#idempotency.run(checkoutScope(userId), key, request, async (tx) => {
        // An order placed with this key before its record existed (an earlier version) is finished, not duplicated.
        const existing = await this.deps.orders.findByKey(userId, keyText, tx);
        const order = existing ?? (await this.#reserve(tx, userId, club, keyText, expected));
        return { result: { orderId: order.id } };
      }));
    } catch (error) {
      if (error instanceof BudgetTaken)
        throw await this.#budgetTaken(userId, club, expected, error.promotion);
      throw error;
    }
    return this.#pay(placed.orderId);
  }

  /**
   * Step 1, in the transaction that claims the key: prices the cart and checks the price against what the fan was
   * shown, creates the order, empties the cart, then takes stock and promotion budgets (conditional UPDATEs: a
   * budget taken by a concurrent order since the cart was priced rolls everything back, key included, BudgetTaken).
   */
  async #reserve(
    tx: Queryable,
    userId: string,
    club: ClubRow,
    key: string,
    expected: bigint | undefined,
  ): Promise<OrderRow> {
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
        throw outOfStock(line.name, line.available ? await this.deps.orders.stockOf(line.variantId, tx) : 0);
      }
    }
    const taken = await this.deps.promotions.consume(tx, priced.promotionUses);
    if (taken !== null) {
      const code = priced.discountCode?.id === taken ? priced.discountCode : null;
      const flash = priced.lines.find((l) => l.applied?.kind === 'flash' && l.applied.promotionId === taken);
      throw new BudgetTaken({
        kind: code ? 'code' : 'flash',
        id: taken,
        label: code?.label ?? flash?.applied?.label ?? '',
        reason: code ? 'code_exhausted' : 'flash_sale_exhausted',
      });
    }
    return created;
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

  /**
   * Hold, capture and mark paid through the payment saga — also how a retry with the same key finishes its order
   * (a paid one is returned as it is). Throws insufficient_funds (422; stock and cart given back, nothing held) or
   * wallet_unavailable (503; the order failed and nothing stays charged, or it is still being paid and the recovery
   * pass finishes it).
   */
  async #pay(orderId: string): Promise<OrderRow> {
    const { step, failure } = await this.#saga.pay(orderId);
    if (failure === 'insufficient_funds') throw insufficientFunds();
    if (failure === 'wallet_unavailable' || step === 'reserved' || step === 'held') throw walletUnavailable();
    return (await this.deps.orders.find(orderId))!;
  }

  /** The shop's side of the payment saga: its record, its done and release steps, its recovery query. */
  #participant(): PaymentSagaParticipant {
    const orders = this.deps.orders;
    return {
      load: async (orderId) => {
        const order = await orders.find(orderId);
        if (!order) return undefined;
        return {
          step: paymentStep(order),
          holdId: order.holdId,
          payment: {
            userId: order.userId,
            amount: formatEur(order.total),
            asset: 'EUR',
            reference: order.number,
          },
        };
      },
      recordHold: (orderId, holdId) => orders.recordHold(orderId, holdId),
      markDone: (orderId) => this.#markPaid(orderId),
      release: (orderId, failure, next) => this.#release(orderId, failure, next),
      recordCompensated: (orderId) => orders.recordCompensated(orderId),
      findStuck: (olderThanMs, limit) => orders.stuck(olderThanMs, limit),
    };
  }

  /** Marks a pending order paid, mints its collectibles and announces it; nothing for an order no longer pending. */
  async #markPaid(orderId: string): Promise<void> {
    await this.deps.transaction(async (tx) => {
      const order = (await this.deps.orders.lock(tx, orderId))!;
      if (order.status !== 'pending') return;
      const items = await this.deps.orders.items([orderId], tx);
      await this.deps.collectibles.mint(tx, order, items);
      await this.deps.orders.update(tx, orderId, { status: 'paid', sagaState: 'settled' });
      await this.deps.orders.addHistory(tx, orderId, 'paid');
      await this.deps.outbox.publish(tx, orderPaid, {
        orderId,
        number: order.number,
        userId: order.userId,
        partnerId: order.partnerId,
        total: order.total.toString(),
        cashback: order.cashbackAmount.toString(),
        asset: 'EUR',
      });
    });
  }

  /** Gives back stock, promotion budget and cart; the order becomes `failed`. Only a pending order fails. */
  async #release(
    orderId: string,
    failure: PaymentSagaFailure,
    next: 'compensating' | 'compensated',
  ): Promise<void> {
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
        sagaState: next === 'compensating' ? 'voiding' : 'settled',
        failureCode: failure,
      });
      await this.deps.orders.addHistory(tx, orderId, 'failed', failure);
      // A failed checkout keeps nothing: a retry with its Idempotency-Key checks out again.
      await this.#idempotency.forget(tx, checkoutScope(order.userId), order.idempotencyKey);
    });
  }

  /** Finishes or compensates an order the saga left behind (crash, outage); see PaymentSaga.recover. */
  recover(orderId: string): Promise<void> {
    return this.#saga.recover(orderId);
  }

  /** One recovery pass over orders untouched for graceMs; returns how many it looked at. */
  recoverStuck(graceMs: number, onError: (error: unknown) => void): Promise<number> {
    return this.#saga.recoverStuck(graceMs, onError);
  }
}

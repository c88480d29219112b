import type { ConsumerDefinition } from '@pcf/kernel';

/**
 * On shop.order_paid, credits the order's cashback. The credit is a call to the wallet, so it runs after the
 * consumer's own transaction (which only records the event); exactly once comes from the wallet's idempotency key
 * `cashback:<orderId>` and the conditional `pending → credited` update, and the cashback sweeper retries what a
 * crash or an outage left pending.
 */
export function cashbackConsumer(credit: (orderId: string) => void): ConsumerDefinition {
  return {
    name: 'shop.cashback',
    topics: ['shop.order_paid'],
    handle: async (event) => {
      const orderId = event.payload.orderId;
      if (typeof orderId === 'string') credit(orderId);
    },
  };
}

import { type ConsumerDefinition, defineConsumer } from '@pcf/kernel';
import { orderPaid } from './shop.events.ts';

/**
 * On shop.order_paid, credits the order's cashback. The credit is a call to the wallet, so it runs after the
 * consumer's own transaction (which only records the event); exactly once comes from the wallet's idempotency key
 * `cashback:<orderId>` and the conditional `pending → credited` update, and the cashback sweeper retries what a
 * crash or an outage left pending.
 */
export function cashbackConsumer(credit: (orderId: string) => void): ConsumerDefinition<typeof orderPaid> {
  return defineConsumer({
    name: 'shop.cashback',
    topics: [orderPaid],
    handle: async (event) => credit(event.payload.orderId),
  });
}

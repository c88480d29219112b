import type { WalletPort } from '@pcf/wallet/port';
import { walletKeys } from './checkout.service.ts';
import { formatEur } from './money.ts';
import type { OrdersRepository } from './orders.repository.ts';

/**
 * Credits a paid order's cashback from the club's cashback pool. The wallet credit is keyed `cashback:<orderId>`,
 * so however often this runs (event redelivery, sweeper, cancellation) the fan is credited once; the order then
 * records it (`cashback.status = 'credited'`).
 */
export class CashbackService {
  constructor(
    private readonly orders: OrdersRepository,
    private readonly wallet: () => WalletPort,
  ) {}

  async creditOrder(orderId: string): Promise<void> {
    const order = await this.orders.find(orderId);
    if (order?.status !== 'paid' || order.cashbackStatus !== 'pending') return;
    if (order.cashbackAmount > 0n) {
      await this.wallet().credit({
        idempotencyKey: walletKeys(orderId).cashback,
        userId: order.userId,
        amount: formatEur(order.cashbackAmount),
        asset: 'EUR',
        partnerId: order.partnerId,
        reason: 'cashback',
        reference: order.number,
      });
    }
    await this.orders.markCashbackCredited(orderId);
  }

  /** Sweeper: credits paid orders whose cashback is still pending (a lost event, a crash, a wallet outage). */
  async creditDue(graceMs: number, onError: (error: unknown) => void): Promise<number> {
    const ids = await this.orders.cashbackDue(graceMs, 100);
    for (const id of ids) await this.creditOrder(id).catch(onError);
    return ids.length;
  }
}

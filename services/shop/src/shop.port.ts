import type { InternalHttpClient } from '@pcf/kernel';

export interface ShopOrderSummary {
  orderId: string;
  number: string;
  userId: string;
  status: 'pending' | 'paid' | 'failed' | 'refunded';
  total: string;
  asset: 'EUR';
}

/** What other services may ask the shop. */
export interface ShopPort {
  getOrder(orderId: string): Promise<ShopOrderSummary | null>;
}

export function shopHttpPort(client: InternalHttpClient): ShopPort {
  return {
    getOrder: async (orderId) =>
      (await client.call<{ order: ShopOrderSummary | null }>('POST', '/orders/find', { orderId })).order,
  };
}

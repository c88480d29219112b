import { declarePort, Nullable, type PortOf, strict, Uuid } from '@pcf/kernel';
import { type Static, Type } from '@sinclair/typebox';

export const ShopOrderSummary = Type.Object({
  orderId: Uuid,
  number: Type.String(),
  userId: Uuid,
  status: Type.Union([
    Type.Literal('pending'),
    Type.Literal('paid'),
    Type.Literal('failed'),
    Type.Literal('refunded'),
  ]),
  total: Type.String(),
  asset: Type.Literal('EUR'),
});
export type ShopOrderSummary = Static<typeof ShopOrderSummary>;

/** What other services may ask the shop. */
export const shopPort = declarePort('shop', {
  getOrder: {
    method: 'POST',
    path: '/orders/find',
    input: Type.Object({ orderId: Uuid }, strict),
    args: ['orderId'],
    output: Nullable(ShopOrderSummary),
    summary: 'An order’s summary, or null when there is none with this id',
  },
});

/** What other services may ask the shop. */
export interface ShopPort extends PortOf<typeof shopPort> {}

import { defineTopic, Uuid } from '@pcf/kernel';
import { Type } from '@sinclair/typebox';

/**
 * The topics the shop publishes (imported by consumers as `@pcf/shop/events`). docs/events.md is generated from
 * these declarations: `npm run docs:events`.
 */

const MinorUnits = (description: string) => Type.String({ pattern: '^[0-9]+$', description });
const OrderFields = {
  orderId: Uuid,
  number: Type.String({ description: 'The order number the fan sees' }),
  userId: Uuid,
  partnerId: Type.String({ format: 'uuid', description: 'The club the order was placed with' }),
  asset: Type.Literal('EUR'),
};

export const orderPaid = defineTopic(
  'shop.order_paid',
  Type.Object({
    ...OrderFields,
    total: MinorUnits('Amount captured, minor units'),
    cashback: MinorUnits('Cashback the order earns, minor units'),
  }),
  {
    version: 1,
    description:
      "a checkout's payment is captured and the order marked `paid` (same transaction); the shop's own " +
      '`shop.cashback` consumer credits the cashback',
  },
);

export const orderRefunded = defineTopic(
  'shop.order_refunded',
  Type.Object({
    ...OrderFields,
    refunded: MinorUnits('Amount refunded to the fan (total − cashback credited), minor units'),
    cashbackReversed: MinorUnits('Cashback credited earlier and kept back from the refund, minor units'),
  }),
  {
    version: 1,
    description:
      'a paid order is cancelled: refunded `total − cashback credited`, cashback reversed, restocked',
  },
);

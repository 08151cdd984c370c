import { encodeEventCursor, readActor, systemActor, toMoney } from '@ordergraph/shared';
import type { Resolvers } from '../__generated__/resolvers-types.js';
import { canSeeOrder } from '../placing/place-order-inputs.js';
import { describeEvent } from '../lifecycle/timeline.js';

export const Order: Resolvers['Order'] = {
  // other services reach orders through references (a shipment's order): the same rule as
  // Query.order applies, and an order the viewer may not see resolves to nothing
  __resolveReference: async ({ id }, { viewer, loaders }) => {
    const order = await loaders.orderById.load(id);
    return order && canSeeOrder(viewer, order) ? order : null;
  },

  customer: (order) => ({ id: order.customerId }),
  lines: async (order, _args, { loaders }) => {
    const lines = await loaders.linesByOrderId.load(order.id);
    return lines.map((line) => ({ ...line, currency: order.currency }));
  },
  shippingAddress: (order) => ({
    name: order.shipName,
    line1: order.shipLine1,
    line2: order.shipLine2,
    city: order.shipCity,
    region: order.shipRegion,
    postalCode: order.shipPostalCode,
    country: order.shipCountry,
  }),
  subtotal: (order) => toMoney(order.subtotal, order.currency),
  discountTotal: (order) => toMoney(order.discountTotal, order.currency),
  shippingTotal: (order) => toMoney(order.shippingTotal, order.currency),
  taxTotal: (order) => toMoney(order.taxTotal, order.currency),
  total: (order) => toMoney(order.total, order.currency),
  currencyCode: (order) => order.currency,
};

export const OrderLine: Resolvers['OrderLine'] = {
  variant: (line) => ({ sku: line.sku }),
  unitPrice: (line) => toMoney(line.unitPrice, line.currency),
  total: (line) => toMoney(line.total, line.currency),
};

export const OrderEvent: Resolvers['OrderEvent'] = {
  id: (event) => String(event.seq),
  message: (event) => describeEvent(event),
  cursor: (event) => encodeEventCursor(event.streamType, event.seq),
  // kept in the event's payload; events from before actors were kept read as the service's own
  actor: (event) => readActor(event.payload['actor'], systemActor('orders')),
};

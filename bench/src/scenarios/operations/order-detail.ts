import { WAREHOUSES, type Dataset } from '../../data/model.js';
import { jsonBody, money, spread, withToken, type Operation } from './operation.js';

const QUERY = `query OrderDetail($id: ID!) {
  order(id: $id) {
    number
    status
    total { amount currencyCode }
    customer { name email }
    lines {
      quantity
      unitPrice { amount currencyCode }
      variant {
        sku
        name
        price { amount currencyCode }
        available
        stock { warehouse { code } onHand reserved }
      }
    }
    shipments { status trackingNumber }
  }
}`;

const warehouseCode = new Map<string, string>(WAREHOUSES.map((w) => [w.id, w.code]));

/** The orders the operation reads: nothing may change them. */
export const orderDetailOrders = (dataset: Dataset) => spread(dataset.orders, 1_000);

/** An order as its customer sees it: orders, customers, catalog, inventory and shipments. */
export const orderDetail: Operation = {
  name: 'order detail',
  description: 'an order with customer, lines, variants, prices, stock, shipments (5 subgraphs)',
  async requests({ dataset, customerToken }) {
    const customers = new Map(dataset.customers.map((c) => [c.id, c]));
    return Promise.all(
      orderDetailOrders(dataset).map(async (order) => {
        const customer = customers.get(order.customerId)!;
        const lines = order.lines.map((line) => {
          const variant = dataset.variantBySku.get(line.sku)!;
          const stock = dataset.stockBySku.get(line.sku) ?? [];
          return {
            quantity: line.quantity,
            unitPrice: money(line.unitPrice),
            variant: {
              sku: variant.sku,
              name: variant.name,
              price: money(variant.price),
              available: stock.reduce((sum, level) => sum + level.onHand - level.reserved, 0),
              stock: stock.map((level) => ({
                warehouse: { code: warehouseCode.get(level.warehouseId)! },
                onHand: level.onHand,
                reserved: level.reserved,
              })),
            },
          };
        });
        return {
          body: jsonBody(QUERY, { id: order.id }),
          headers: withToken(await customerToken(order.customerId)),
          expected: JSON.stringify({
            data: {
              order: {
                number: order.number,
                status: order.status,
                total: money(order.total),
                customer: { name: customer.name, email: customer.email },
                lines,
                shipments: [
                  { status: order.shipment.status, trackingNumber: order.shipment.trackingNumber },
                ],
              },
            },
          }),
        };
      }),
    );
  },
};

import type { Dataset, Order } from '../../data/model.js';
import { jsonBody, money, withToken, type Operation } from './operation.js';

const QUERY = `query OrderHistory {
  me {
    name
    orders(first: 20) {
      nodes {
        number
        status
        total { amount currencyCode }
        lines { quantity variant { sku name } }
        shipments { status }
      }
    }
  }
}`;

const CUSTOMERS = 300;

/** The customers whose latest orders the operation reads (the busiest): nothing may change them. */
export function orderHistoryCustomers(dataset: Dataset): [string, Order[]][] {
  return [...dataset.ordersByCustomer.entries()]
    .sort(([a, x], [b, y]) => y.length - x.length || a.localeCompare(b))
    .slice(0, CUSTOMERS);
}

/** A customer's 20 latest orders: customers, orders, catalog and shipments. */
export const orderHistory: Operation = {
  name: 'order history',
  description: "a customer's 20 latest orders with lines, variants, shipment status",
  async requests({ dataset, customerToken }) {
    // the customers with the most orders, so most pages are full
    const busiest = orderHistoryCustomers(dataset);
    const names = new Map(dataset.customers.map((c) => [c.id, c.name]));
    return Promise.all(
      busiest.map(async ([customerId, orders]) => ({
        body: jsonBody(QUERY, {}),
        headers: withToken(await customerToken(customerId)),
        expected: JSON.stringify({
          data: {
            me: {
              name: names.get(customerId)!,
              orders: {
                nodes: orders.slice(0, 20).map((order) => ({
                  number: order.number,
                  status: order.status,
                  total: money(order.total),
                  lines: order.lines.map((line) => ({
                    quantity: line.quantity,
                    variant: { sku: line.sku, name: dataset.variantBySku.get(line.sku)!.name },
                  })),
                  shipments: [{ status: order.shipment.status }],
                })),
              },
            },
          },
        }),
      })),
    );
  },
};

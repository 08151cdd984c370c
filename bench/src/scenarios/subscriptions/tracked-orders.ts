import type { Dataset, Order } from '../../data/model.js';
import { spotCheckOrders } from '../../data/spot-check.js';
import { spread } from '../operations/operation.js';
import { orderDetailOrders } from '../operations/order-detail.js';
import { orderHistoryCustomers } from '../operations/order-history.js';
import { CHANGING_STATUS } from './operations.js';

/** An order the carrier moves while clients follow it. */
export interface TrackedOrder {
  orderId: string;
  customerId: string;
  shipmentId: string;
  carrierCode: string;
  trackingNumber: string;
  /** `order` as every update must show it, the shipment's status as CHANGING_STATUS */
  expectedOrder: Record<string, unknown>;
}

/**
 * `count` seeded orders whose shipment is with a carrier (IN_TRANSIT, with a tracking number),
 * spread over the data set. Their shipments move on every run, so they are kept apart from
 * every order the query scenarios and the seed's spot check read.
 */
export function pickTrackedOrders(dataset: Dataset, count: number): TrackedOrder[] {
  const untouchable = new Set<string>([
    ...orderDetailOrders(dataset).map((order) => order.id),
    ...spotCheckOrders(dataset).map((order) => order.id),
  ]);
  const historyCustomers = new Set(orderHistoryCustomers(dataset).map(([id]) => id));
  const eligible = dataset.orders.filter(
    (order) =>
      order.shipment.status === 'IN_TRANSIT' &&
      order.shipment.carrierCode !== null &&
      order.shipment.trackingNumber !== null &&
      !untouchable.has(order.id) &&
      !historyCustomers.has(order.customerId),
  );
  if (eligible.length < count) {
    throw new Error(`only ${eligible.length} orders can be tracked; ${count} were asked for`);
  }
  const names = new Map(dataset.customers.map((customer) => [customer.id, customer.name]));
  return spread(eligible, count).map((order) => ({
    orderId: order.id,
    customerId: order.customerId,
    shipmentId: order.shipment.id,
    carrierCode: order.shipment.carrierCode!,
    trackingNumber: order.shipment.trackingNumber!,
    expectedOrder: expectedOrder(dataset, order, names.get(order.customerId)!),
  }));
}

// the scans never move the order itself: a shipment between IN_TRANSIT and FAILED_ATTEMPT
// leaves it SHIPPED, and nothing sells the stock of the SKUs seeded orders hold
function expectedOrder(dataset: Dataset, order: Order, customerName: string) {
  return {
    status: order.status,
    customer: { name: customerName },
    lines: order.lines.map((line) => ({
      variant: {
        name: dataset.variantBySku.get(line.sku)!.name,
        stock: (dataset.stockBySku.get(line.sku) ?? []).map((level) => ({
          available: level.onHand - level.reserved,
        })),
      },
    })),
    shipments: [{ status: CHANGING_STATUS, trackingNumber: order.shipment.trackingNumber }],
  };
}

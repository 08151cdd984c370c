import postgres from 'postgres';
import type { Dataset, Order } from './model.js';
import type { Subgraph } from './seed.js';

const SAMPLES = 25;

/** The orders the spot check compares with the seed: nothing may change them. */
export function spotCheckOrders(dataset: Dataset): Order[] {
  const step = Math.floor(dataset.orders.length / SAMPLES);
  return Array.from({ length: SAMPLES }, (_, i) => dataset.orders[i * step]!);
}

/**
 * Compares a sample of the expected answers with what the databases hold, so a reused seed
 * that drifted (or a generator change without a version bump) fails before any load runs.
 * Returns the differences found.
 */
export async function spotCheckSeed({
  dataset,
  urls,
}: {
  dataset: Dataset;
  urls: Record<Subgraph, string>;
}): Promise<string[]> {
  const orders = spotCheckOrders(dataset);
  const skus = [...new Set(orders.flatMap((o) => o.lines.map((l) => l.sku)))];
  const open = (name: Subgraph) => postgres(urls[name], { max: 1, onnotice: () => {} });
  const db = {
    orders: open('orders'),
    shipments: open('shipments'),
    catalog: open('catalog'),
    inventory: open('inventory'),
    customers: open('customers'),
  };
  const problems: string[] = [];
  try {
    const ids = orders.map((o) => o.id);
    const stored = await db.orders<
      {
        id: string;
        number: string;
        status: string;
        total: string;
        customer_id: string;
        lines: number;
      }[]
    >`
      select o.id, o.number, o.status, o.total, o.customer_id,
        (select count(*)::int from order_lines l where l.order_id = o.id) as lines
      from orders o where o.id in ${db.orders(ids)}`;
    const shipments = await db.shipments<{ order_id: string; status: string }[]>`
      select order_id, status from shipments where order_id in ${db.shipments(ids)}`;
    const prices = await db.catalog<{ sku: string; price_amount: number }[]>`
      select sku, price_amount from product_variants where sku in ${db.catalog(skus)}`;
    const stock = await db.inventory<{ sku: string; available: number }[]>`
      select sku, sum(on_hand - reserved)::int as available from stock_levels
      where sku in ${db.inventory(skus)} group by sku`;
    const customerIds = [...new Set(orders.map((o) => o.customerId))];
    const emails = await db.customers<{ id: string; email: string }[]>`
      select id, email from customers where id in ${db.customers(customerIds)}`;

    for (const order of orders) {
      const row = stored.find((r) => r.id === order.id);
      const expected = `${order.number} ${order.status} ${order.total} ${order.customerId} ${order.lines.length}`;
      const actual = row
        ? `${row.number} ${row.status} ${row.total} ${row.customer_id} ${row.lines}`
        : 'missing';
      if (actual !== expected) problems.push(`order ${order.id}: ${actual}, expected ${expected}`);
      const shipment = shipments
        .filter((s) => s.order_id === order.id)
        .map((s) => s.status)
        .join(',');
      if (shipment !== order.shipment.status)
        problems.push(`shipments of ${order.id}: ${shipment}`);
    }
    for (const sku of skus) {
      const price = prices.find((p) => p.sku === sku)?.price_amount;
      if (price !== dataset.variantBySku.get(sku)!.price)
        problems.push(`price of ${sku}: ${price}`);
      const levels = dataset.stockBySku.get(sku) ?? [];
      const available = levels.reduce((sum, l) => sum + l.onHand - l.reserved, 0);
      const storedAvailable = stock.find((s) => s.sku === sku)?.available ?? 0;
      if (storedAvailable !== available)
        problems.push(`available of ${sku}: ${storedAvailable}, expected ${available}`);
    }
    for (const id of customerIds) {
      const email = emails.find((e) => e.id === id)?.email;
      if (email !== dataset.customers.find((c) => c.id === id)?.email)
        problems.push(`email of ${id}: ${email}`);
    }
  } finally {
    await Promise.all(Object.values(db).map((sql) => sql.end({ timeout: 5 })));
  }
  return problems;
}

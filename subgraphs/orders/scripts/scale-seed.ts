import { sql, type Database } from '@ordergraph/shared';
import { ORDER_STATUSES, PAYMENT_STATUSES } from '../src/db/schema.js';

/**
 * Writes orders 1..n as the bench's scale has them, straight in SQL: order i placed i minutes
 * after 2026-01-01, one of 8 statuses and 5 payment statuses in turn, a total that wanders,
 * 1000 customers (md5('customer' || i % 1000)), SKU-(i mod 200) on every order and
 * MUG-(i mod 7) on even ones, three warehouses; then vacuums and analyses, as autovacuum would.
 */
export async function seedScaleOrders(db: Database, n: number): Promise<void> {
  const statuses = `array[${ORDER_STATUSES.map((s) => `'${s}'`).join(',')}]::order_status[]`;
  const payments = `array[${PAYMENT_STATUSES.map((s) => `'${s}'`).join(',')}]::payment_status[]`;
  await db.execute(
    sql.raw(`insert into orders (id, number, customer_id, status, payment_status, currency,
        subtotal, discount_total, shipping_total, tax_total, total, ship_name, ship_line1,
        ship_city, ship_postal_code, ship_country, placed_at, updated_at)
      select md5('order' || i)::uuid, 'OG-' || (100000 + i), md5('customer' || (i % 1000))::uuid,
        (${statuses})[1 + i % 8], (${payments})[1 + (i / 8) % 5],
        case when i % 50 = 0 then 'EUR' else 'USD' end,
        1000 + (i * 37) % 50000, 0, 500, 0, 1500 + (i * 37) % 50000,
        'Ada Lovelace', '12 St James Square', 'London', 'SW1Y 4JH', 'GB',
        timestamptz '2026-01-01T00:00:00Z' + i * interval '1 minute',
        timestamptz '2026-01-01T00:00:00Z' + i * interval '1 minute'
      from generate_series(1, ${n}) as i`),
  );
  await db.execute(
    sql.raw(`insert into order_lines (order_id, position, sku, quantity, unit_price, total)
      select md5('order' || i)::uuid, 0, 'SKU-' || (i % 200), 1, 1000 + (i * 37) % 50000,
        1000 + (i * 37) % 50000
      from generate_series(1, ${n}) as i`),
  );
  await db.execute(
    sql.raw(`insert into order_lines (order_id, position, sku, quantity, unit_price, total)
      select md5('order' || i)::uuid, 1, 'MUG-' || (i % 7), 1, 0, 0
      from generate_series(2, ${n}, 2) as i`),
  );
  await db.execute(
    sql.raw(`insert into allocations (order_id, order_line_id, warehouse_id, quantity)
      select l.order_id, l.id, 'wh-' || ((substr(o.number, 4)::int - 100000) % 3), l.quantity
      from order_lines l join orders o on o.id = l.order_id`),
  );
  // what autovacuum would have done by then: statistics for the planner, and the visibility
  // map that lets a count read the index alone
  for (const table of ['orders', 'order_lines', 'allocations']) {
    await db.execute(sql.raw(`vacuum analyze ${table}`));
  }
}

import type { CopyValue } from './copy.js';
import { SHIPPING_RATE, WAREHOUSES, type Dataset } from './model.js';
import type { Subgraph } from './seed.js';

// what each subgraph's database receives, row by row, from the one in-memory data set: ids
// that cross services (customer, order, order line, SKU) are the same in every database
type Rows = (dataset: Dataset) => Iterable<CopyValue[]>;
interface TableLoad {
  table: string;
  columns: string[];
  rows: Rows;
}

const customerTables: TableLoad[] = [
  {
    table: 'customers',
    columns: ['id', 'email', 'name', 'created_at'],
    rows: (d) => d.customers.map((c) => [c.id, c.email, c.name, c.createdAt]),
  },
];

const catalogTables: TableLoad[] = [
  {
    table: 'products',
    columns: ['id', 'name', 'category'],
    rows: (d) => d.products.map((p) => [p.id, p.name, p.category]),
  },
  {
    table: 'product_variants',
    columns: ['sku', 'product_id', 'name', 'price_amount', 'currency', 'position'],
    rows: (d) => d.variants.map((v) => [v.sku, v.productId, v.name, v.price, 'USD', v.position]),
  },
  {
    table: 'shipping_rates',
    columns: ['country', 'currency', 'amount', 'free_threshold'],
    rows: () => [
      [
        SHIPPING_RATE.country,
        SHIPPING_RATE.currency,
        SHIPPING_RATE.amount,
        SHIPPING_RATE.freeThreshold,
      ],
    ],
  },
];

const orderTables: TableLoad[] = [
  {
    table: 'orders',
    columns: [
      'id',
      'number',
      'customer_id',
      'status',
      'payment_status',
      'currency',
      'subtotal',
      'discount_total',
      'shipping_total',
      'tax_total',
      'total',
      'ship_name',
      'ship_line1',
      'ship_city',
      'ship_postal_code',
      'ship_country',
      'placed_at',
      'updated_at',
    ],
    rows: function* (d) {
      const names = new Map(d.customers.map((c) => [c.id, c.name]));
      for (const o of d.orders) {
        yield [
          o.id,
          o.number,
          o.customerId,
          o.status,
          o.paymentStatus,
          'USD',
          o.subtotal,
          0,
          o.shippingTotal,
          0,
          o.total,
          names.get(o.customerId)!,
          '1 Benchmark Way',
          'Springfield',
          '12345',
          'US',
          o.placedAt,
          o.placedAt,
        ];
      }
    },
  },
  {
    table: 'order_lines',
    columns: ['id', 'order_id', 'position', 'sku', 'quantity', 'unit_price', 'total'],
    rows: function* (d) {
      for (const o of d.orders) {
        for (const l of o.lines)
          yield [l.id, o.id, l.position, l.sku, l.quantity, l.unitPrice, l.total];
      }
    },
  },
  {
    table: 'payments',
    columns: [
      'order_id',
      'provider',
      'authorization_id',
      'amount',
      'currency',
      'status',
      'created_at',
      'updated_at',
    ],
    rows: (d) =>
      d.orders.map((o) => [
        o.id,
        'test',
        `bench-auth-${o.number}`,
        o.total,
        'USD',
        o.paymentStatus,
        o.placedAt,
        o.placedAt,
      ]),
  },
];

const inventoryTables: TableLoad[] = [
  {
    table: 'warehouses',
    columns: ['id', 'code', 'name', 'city', 'country', 'priority'],
    rows: () => WAREHOUSES.map((w) => [w.id, w.code, w.name, w.city, w.country, w.priority]),
  },
  {
    table: 'stock_levels',
    columns: ['sku', 'warehouse_id', 'on_hand', 'reserved'],
    rows: function* (d) {
      for (const levels of d.stockBySku.values()) {
        for (const s of levels) yield [s.sku, s.warehouseId, s.onHand, s.reserved];
      }
    },
  },
];

const shipmentTables: TableLoad[] = [
  {
    table: 'shipments',
    columns: [
      'id',
      'order_id',
      'customer_id',
      'warehouse_id',
      'status',
      'carrier_code',
      'tracking_number',
      'tracking_url',
      'shipped_at',
      'delivered_at',
      'created_at',
      'updated_at',
    ],
    rows: (d) =>
      d.orders.map(({ shipment: s, ...o }) => [
        s.id,
        o.id,
        o.customerId,
        WAREHOUSES[0].id,
        s.status,
        s.carrierCode,
        s.trackingNumber,
        s.trackingUrl,
        s.shippedAt,
        s.deliveredAt,
        s.createdAt,
        s.deliveredAt ?? s.shippedAt ?? s.createdAt,
      ]),
  },
  {
    table: 'shipment_lines',
    columns: ['shipment_id', 'order_line_id', 'sku', 'quantity'],
    rows: function* (d) {
      for (const o of d.orders) {
        for (const l of o.lines) yield [o.shipment.id, l.id, l.sku, l.quantity];
      }
    },
  },
];

export const TABLES: Record<Subgraph, TableLoad[]> = {
  customers: customerTables,
  catalog: catalogTables,
  orders: orderTables,
  inventory: inventoryTables,
  shipments: shipmentTables,
};

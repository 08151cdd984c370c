/** The shape of the benchmark's data set, and the reference data every subgraph shares. */

export interface Scale {
  customers: number;
  variants: number;
  orders: number;
}

export interface Customer {
  id: string;
  email: string;
  name: string;
  createdAt: Date;
}

export interface Product {
  id: string;
  name: string;
  category: string;
}

export interface Variant {
  sku: string;
  productId: string;
  name: string;
  /** USD cents */
  price: number;
  position: number;
}

export interface StockLevel {
  sku: string;
  warehouseId: string;
  onHand: number;
  reserved: number;
}

export interface OrderLine {
  id: string;
  position: number;
  sku: string;
  quantity: number;
  unitPrice: number;
  total: number;
}

export interface Shipment {
  id: string;
  status: string;
  carrierCode: string | null;
  trackingNumber: string | null;
  trackingUrl: string | null;
  shippedAt: Date | null;
  deliveredAt: Date | null;
  createdAt: Date;
}

export interface Order {
  id: string;
  number: string;
  customerId: string;
  status: string;
  paymentStatus: string;
  subtotal: number;
  shippingTotal: number;
  total: number;
  placedAt: Date;
  lines: OrderLine[];
  shipment: Shipment;
}

export interface Dataset {
  scale: Scale;
  /** names the seed: scale, generator version and PRNG seed */
  fingerprint: string;
  customers: Customer[];
  products: Product[];
  variants: Variant[];
  variantBySku: Map<string, Variant>;
  /** each SKU's stock, highest-priority warehouse first (as the inventory service lists it) */
  stockBySku: Map<string, StockLevel[]>;
  orders: Order[];
  /** each customer's orders, newest first (as Customer.orders pages them) */
  ordersByCustomer: Map<string, Order[]>;
  /** customers without seeded orders, who place the benchmark's orders */
  buyers: Customer[];
  /** SKUs no seeded order holds, with stock for any number of benchmark orders */
  buyableSkus: string[];
}

export const WAREHOUSES = [
  {
    id: 'wh-east',
    code: 'EAST',
    name: 'East Fulfilment',
    city: 'Newark',
    country: 'US',
    priority: 1,
  },
  {
    id: 'wh-west',
    code: 'WEST',
    name: 'West Fulfilment',
    city: 'Reno',
    country: 'US',
    priority: 2,
  },
] as const;

/** The only shipping rate: $9.90, free from $100.00; no tax rates, so tax is always 0. */
export const SHIPPING_RATE = { country: '*', currency: 'USD', amount: 990, freeThreshold: 10_000 };
export const shippingFor = (subtotal: number) =>
  subtotal >= SHIPPING_RATE.freeThreshold ? 0 : SHIPPING_RATE.amount;

/** on hand of each buyable SKU in each warehouse: no benchmark run can sell it out */
export const BUYABLE_STOCK = 1_000_000_000;

export const CARRIER_TRACKING_URL = 'https://www.ups.com/track?tracknum={trackingNumber}';

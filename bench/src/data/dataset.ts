import { createRandom, type Random } from './prng.js';
import {
  BUYABLE_STOCK,
  CARRIER_TRACKING_URL,
  shippingFor,
  WAREHOUSES,
  type Customer,
  type Dataset,
  type Order,
  type Product,
  type Scale,
  type StockLevel,
  type Variant,
} from './model.js';

/** Bump when the generator changes: a stored seed of another version is rebuilt. */
export const SEED_VERSION = 1;
const SEED = 20_250_101;

const BASE_TIME = Date.UTC(2025, 0, 1);
const MINUTE = 60_000;

// ids readable in a database dump: the first group names the kind, the last the number
const uuid = (kind: number, n: number) =>
  `b${kind.toString(16).padStart(7, '0')}-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;

const FIRST =
  'Ada Alan Grace Edsger Barbara Donald Frances Ken Radia Tim Hedy Linus Margaret John Katherine Dennis'.split(
    ' ',
  );
const LAST =
  'Lovelace Turing Hopper Dijkstra Liskov Knuth Allen Thompson Perlman Lee Lamarr Torvalds Hamilton Backus Johnson Ritchie'.split(
    ' ',
  );
const ADJECTIVES =
  'Classic Everyday Merino Canvas Trail Linen Ceramic Insulated Waxed Organic'.split(' ');
const NOUNS = 'Tee Sweater Hoodie Jacket Runner Sneaker Tote Mug Bottle Cap'.split(' ');
const CATEGORIES = ['apparel', 'footwear', 'accessories', 'home'];
const COLORS = ['Black', 'White', 'Navy', 'Grey', 'Sage', 'Oat'];
const SIZES = ['S', 'M', 'L', 'XL'];
const VARIANTS_PER_PRODUCT = 4;

// seeded orders go through their life cycle; each status comes with its shipment's
const LIFE_CYCLE = [
  { status: 'CONFIRMED', payment: 'AUTHORIZED', shipment: 'PENDING', weight: 0.25 },
  { status: 'PROCESSING', payment: 'AUTHORIZED', shipment: 'PICKING', weight: 0.15 },
  { status: 'SHIPPED', payment: 'CAPTURED', shipment: 'IN_TRANSIT', weight: 0.3 },
  { status: 'DELIVERED', payment: 'CAPTURED', shipment: 'DELIVERED', weight: 0.3 },
] as const;

function pickStage(random: Random) {
  let roll = random.next();
  for (const stage of LIFE_CYCLE) {
    roll -= stage.weight;
    if (roll < 0) return stage;
  }
  return LIFE_CYCLE[LIFE_CYCLE.length - 1]!;
}

/** Builds the whole data set in memory from the scale and the fixed seed; same input, same data. */
export function generateDataset(scale: Scale): Dataset {
  const random = createRandom(SEED);
  const buyerCount = Math.max(50, Math.floor(scale.customers / 20));
  const buyableCount = Math.max(20, Math.floor(scale.variants / 20));

  const customers: Customer[] = [];
  for (let n = 1; n <= scale.customers; n++) {
    const first = random.pick(FIRST);
    const last = random.pick(LAST);
    customers.push({
      id: uuid(1, n),
      email: `${first}.${last}.${n}@bench.example`.toLowerCase(),
      name: `${first} ${last}`,
      createdAt: new Date(BASE_TIME - (scale.customers - n) * MINUTE),
    });
  }

  const products: Product[] = [];
  const variants: Variant[] = [];
  for (let p = 1; variants.length < scale.variants; p++) {
    const product = {
      id: uuid(2, p),
      name: `${random.pick(ADJECTIVES)} ${random.pick(NOUNS)} ${p}`,
      category: random.pick(CATEGORIES),
    };
    products.push(product);
    for (let v = 0; v < VARIANTS_PER_PRODUCT && variants.length < scale.variants; v++) {
      variants.push({
        sku: `BENCH-${String(p).padStart(4, '0')}-${v + 1}`,
        productId: product.id,
        name: `${random.pick(COLORS)} / ${SIZES[v % SIZES.length]}`,
        price: random.int(500, 20_000),
        position: v,
      });
    }
  }
  const variantBySku = new Map(variants.map((variant) => [variant.sku, variant]));
  const orderedSkus = variants.slice(0, variants.length - buyableCount).map((v) => v.sku);
  const buyableSkus = variants.slice(variants.length - buyableCount).map((v) => v.sku);

  const stockBySku = new Map<string, StockLevel[]>();
  for (const sku of orderedSkus) {
    const levels: StockLevel[] = [];
    for (const warehouse of WAREHOUSES) {
      // about a third of the SKUs were never stocked in the second warehouse
      if (warehouse.priority > 1 && random.next() < 0.33) continue;
      const onHand = random.int(0, 1_000);
      levels.push({
        sku,
        warehouseId: warehouse.id,
        onHand,
        reserved: random.int(0, Math.min(onHand, 50)),
      });
    }
    stockBySku.set(sku, levels);
  }
  for (const sku of buyableSkus) {
    stockBySku.set(
      sku,
      WAREHOUSES.map((warehouse) => ({
        sku,
        warehouseId: warehouse.id,
        onHand: BUYABLE_STOCK,
        reserved: 0,
      })),
    );
  }

  const orderingCustomers = customers.slice(0, customers.length - buyerCount);
  const orders: Order[] = [];
  let lineNumber = 0;
  for (let n = 1; n <= scale.orders; n++) {
    const customer = random.pick(orderingCustomers);
    const placedAt = new Date(BASE_TIME + n * 30_000);
    const stage = pickStage(random);
    const lineCount = random.int(1, 8);
    const skus = new Set<string>();
    while (skus.size < lineCount) skus.add(random.pick(orderedSkus));
    const lines = [...skus].map((sku, position) => {
      const quantity = random.int(1, 3);
      const unitPrice = variantBySku.get(sku)!.price;
      return {
        id: uuid(4, ++lineNumber),
        position,
        sku,
        quantity,
        unitPrice,
        total: unitPrice * quantity,
      };
    });
    const subtotal = lines.reduce((sum, line) => sum + line.total, 0);
    const shippingTotal = shippingFor(subtotal);
    const shipped = stage.shipment === 'IN_TRANSIT' || stage.shipment === 'DELIVERED';
    const trackingNumber = shipped ? `1ZBENCH${String(n).padStart(9, '0')}` : null;
    orders.push({
      id: uuid(3, n),
      number: `OG-${n}`,
      customerId: customer.id,
      status: stage.status,
      paymentStatus: stage.payment,
      subtotal,
      shippingTotal,
      total: subtotal + shippingTotal,
      placedAt,
      lines,
      shipment: {
        id: uuid(6, n),
        status: stage.shipment,
        carrierCode: shipped ? 'ups' : null,
        trackingNumber,
        trackingUrl: trackingNumber
          ? CARRIER_TRACKING_URL.replace('{trackingNumber}', trackingNumber)
          : null,
        shippedAt: shipped ? new Date(placedAt.getTime() + 24 * 60 * MINUTE) : null,
        deliveredAt:
          stage.shipment === 'DELIVERED' ? new Date(placedAt.getTime() + 72 * 60 * MINUTE) : null,
        createdAt: new Date(placedAt.getTime() + MINUTE),
      },
    });
  }

  const ordersByCustomer = new Map<string, Order[]>();
  for (const order of orders) {
    const list = ordersByCustomer.get(order.customerId) ?? [];
    list.push(order);
    ordersByCustomer.set(order.customerId, list);
  }
  // orders were generated oldest first; Customer.orders lists newest first
  for (const list of ordersByCustomer.values()) list.reverse();

  return {
    scale,
    fingerprint: `v${SEED_VERSION}:${scale.customers}/${scale.variants}/${scale.orders}:${SEED}`,
    customers,
    products,
    variants,
    variantBySku,
    stockBySku,
    orders,
    ordersByCustomer,
    buyers: customers.slice(customers.length - buyerCount),
    buyableSkus,
  };
}

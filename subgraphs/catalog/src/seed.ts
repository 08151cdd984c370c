import { count } from 'drizzle-orm';
import { type DatabaseHandle, transaction } from '@ordergraph/shared';
import { createCatalogRepository } from './catalog.repository.js';
import { products } from './db/schema.js';
import { createPricingRepository } from './pricing.repository.js';

const productId = (n: number) => `00000000-0000-4000-8001-${String(n).padStart(12, '0')}`;

interface DemoVariant {
  sku: string;
  name: string;
  /** USD cents */
  price: number;
  active?: boolean;
}

const sizes = (prefix: string, label: string, price: number, list: string[]): DemoVariant[] =>
  list.map((size) => ({ sku: `${prefix}-${size}`, name: `${label}${size}`, price }));

/** The demo catalog, all in USD; fixed ids and SKUs so the demo orders and docs can name them. */
export const DEMO_PRODUCTS = [
  {
    id: productId(1),
    name: 'Classic Tee',
    category: 'apparel',
    description: 'A heavyweight organic cotton T-shirt with a relaxed fit.',
    variants: [
      ...sizes('TEE-CLASSIC-BLK', 'Black / ', 1990, ['S', 'M', 'L']),
      ...sizes('TEE-CLASSIC-WHT', 'White / ', 1990, ['S', 'M', 'L']),
    ],
  },
  {
    id: productId(2),
    name: 'Merino Crew Sweater',
    category: 'apparel',
    description: 'Fine-gauge merino wool, warm without the bulk.',
    variants: [
      ...sizes('SWTR-MERINO-NVY', 'Navy / ', 8900, ['M', 'L']),
      { sku: 'SWTR-MERINO-GRY-M', name: 'Grey / M', price: 8900 },
    ],
  },
  {
    id: productId(3),
    name: 'Everyday Hoodie',
    category: 'apparel',
    description: 'Brushed fleece hoodie with a double-layer hood.',
    variants: sizes('HOODIE-EVERYDAY-BLK', 'Black / ', 5900, ['M', 'L']),
  },
  {
    id: productId(4),
    name: 'Rain Jacket',
    category: 'apparel',
    description: 'Waterproof, breathable shell that packs into its own pocket.',
    variants: sizes('JACKET-RAIN-YLW', 'Yellow / ', 14900, ['M', 'L']),
  },
  {
    id: productId(5),
    name: 'Trail Runner',
    category: 'footwear',
    description: 'Grippy, cushioned running shoe for rough ground.',
    variants: sizes('SHOE-TRAIL', 'EU ', 12900, ['42', '43', '44']),
  },
  {
    id: productId(6),
    name: 'Canvas Sneaker',
    category: 'footwear',
    description: 'A low-top classic in washed canvas.',
    variants: sizes('SNKR-CANVAS-WHT', 'White / EU ', 6500, ['41', '42', '43']),
  },
  {
    id: productId(7),
    name: 'Wool Socks 3-Pack',
    category: 'apparel',
    description: 'Three pairs of cushioned merino-blend hiking socks.',
    variants: sizes('SOCKS-WOOL', 'Size ', 2450, ['M', 'L']),
  },
  {
    id: productId(8),
    name: 'Leather Belt',
    category: 'accessories',
    description: 'Full-grain leather with a solid brass buckle.',
    variants: sizes('BELT-LEATHER-BRN', 'Brown / ', 4500, ['90', '100']),
  },
  {
    id: productId(9),
    name: 'Baseball Cap',
    category: 'accessories',
    description: 'Six-panel cotton twill cap with an adjustable strap.',
    variants: [
      { sku: 'CAP-BASEBALL-NVY', name: 'Navy', price: 2500 },
      // discontinued: listed, but no longer sold
      { sku: 'CAP-BASEBALL-KHK', name: 'Khaki', price: 2500, active: false },
    ],
  },
  {
    id: productId(10),
    name: 'Canvas Tote',
    category: 'accessories',
    description: 'A sturdy tote bag for groceries and books.',
    variants: [
      { sku: 'TOTE-CANVAS-NAT', name: 'Natural', price: 1800 },
      { sku: 'TOTE-CANVAS-BLK', name: 'Black', price: 1800 },
    ],
  },
  {
    id: productId(11),
    name: 'Insulated Water Bottle',
    category: 'accessories',
    description: 'Double-walled steel: cold for a day, hot for twelve hours.',
    variants: [
      { sku: 'BOTTLE-STEEL-500', name: '500 ml', price: 2700 },
      { sku: 'BOTTLE-STEEL-750', name: '750 ml', price: 3200 },
    ],
  },
  {
    id: productId(12),
    name: 'Ceramic Mug',
    category: 'home',
    description: 'Hand-glazed stoneware mug, 350 ml.',
    variants: [
      { sku: 'MUG-CERAMIC-WHT', name: 'White', price: 1400 },
      { sku: 'MUG-CERAMIC-SAGE', name: 'Sage', price: 1400 },
    ],
  },
  {
    id: productId(13),
    name: 'Linen Throw Blanket',
    category: 'home',
    description: 'Stonewashed linen throw, 130 x 170 cm.',
    variants: [
      { sku: 'THROW-LINEN-OAT', name: 'Oat', price: 7900 },
      { sku: 'THROW-LINEN-SLATE', name: 'Slate', price: 7900 },
    ],
  },
  {
    id: productId(14),
    name: 'Scented Candle',
    category: 'home',
    description: 'Soy wax candle with a cotton wick; about 45 hours.',
    variants: [
      { sku: 'CANDLE-CEDAR', name: 'Cedar', price: 2200 },
      { sku: 'CANDLE-FIG', name: 'Fig', price: 2200 },
    ],
  },
] as const satisfies readonly {
  id: string;
  name: string;
  category: string;
  description: string;
  variants: readonly DemoVariant[];
}[];

/** The demo promotions; the validity windows are far from any test run's clock. */
export const DEMO_PROMOTIONS = [
  {
    code: 'WELCOME10',
    kind: 'PERCENTAGE',
    basisPoints: 1000,
    currency: 'USD',
    minimumSubtotal: 5000,
  },
  { code: 'FIVEOFF', kind: 'FIXED', amountOff: 500, currency: 'USD' },
  {
    code: 'SUMMER2020',
    kind: 'PERCENTAGE',
    basisPoints: 2000,
    startsAt: new Date('2020-06-01T00:00:00.000Z'),
    endsAt: new Date('2020-09-01T00:00:00.000Z'),
  },
  {
    code: 'FUTURE',
    kind: 'PERCENTAGE',
    basisPoints: 1500,
    startsAt: new Date('2099-01-01T00:00:00.000Z'),
  },
  { code: 'ONCE', kind: 'PERCENTAGE', basisPoints: 1000, usageLimit: 1 },
] as const;

/** Shipping: $9.90 by default, free from $100.00; $4.99 in the US, free from $50.00. */
export const DEMO_SHIPPING_RATES = [
  { country: '*', currency: 'USD', amount: 990, freeThreshold: 10000 },
  { country: 'US', currency: 'USD', amount: 499, freeThreshold: 5000 },
] as const;

/** Tax rates by shipping country, in basis points. */
export const DEMO_TAX_RATES = [
  { country: 'US', basisPoints: 725 },
  { country: 'GB', basisPoints: 2000 },
  { country: 'DE', basisPoints: 1900 },
  { country: 'FR', basisPoints: 2000 },
] as const;

/** Seeds the demo catalog and pricing tables into an empty database; does nothing otherwise. */
export async function seedDemoData({ db }: DatabaseHandle): Promise<void> {
  const [existing] = await db.select({ n: count() }).from(products);
  if ((existing?.n ?? 0) > 0) return;
  await transaction(db, async (tx) => {
    const catalog = createCatalogRepository({ db: tx });
    const pricing = createPricingRepository({ db: tx });
    for (const { variants, ...product } of DEMO_PRODUCTS) {
      await catalog.insertProduct({
        ...product,
        variants: variants.map((variant: DemoVariant) => ({
          sku: variant.sku,
          name: variant.name,
          priceAmount: variant.price,
          currency: 'USD',
          active: variant.active ?? true,
        })),
      });
    }
    for (const promotion of DEMO_PROMOTIONS) await pricing.insertPromotion(promotion);
    for (const rate of DEMO_SHIPPING_RATES) await pricing.saveShippingRate(rate);
    for (const rate of DEMO_TAX_RATES) await pricing.saveTaxRate(rate);
  });
}

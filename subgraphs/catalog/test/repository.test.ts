import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { count } from 'drizzle-orm';
import type { DatabaseHandle } from '@ordergraph/shared';
import { createTestDatabase } from '@ordergraph/shared/testing';
import {
  createCatalogRepository,
  SkuTakenError,
  type CatalogRepository,
} from '../src/catalog.repository.js';
import { products, productVariants } from '../src/db/schema.js';
import { createPricingRepository, type PricingRepository } from '../src/pricing.repository.js';
import { redeemPromoCode, releasePromoCode } from '../src/redemptions.js';
import { migrationsFolder } from '../src/server.js';
import { DEMO_PRODUCTS, seedDemoData } from '../src/seed.js';

let handle: DatabaseHandle;
let catalog: CatalogRepository;
let pricing: PricingRepository;

before(async () => {
  handle = await createTestDatabase({ name: 'catalog_repository', migrationsFolder });
  await seedDemoData(handle);
  catalog = createCatalogRepository({ db: handle.db });
  pricing = createPricingRepository({ db: handle.db });
});
after(() => handle.close());

const rowCount = async (table: typeof products | typeof productVariants) =>
  (await handle.db.select({ n: count() }).from(table))[0]!.n;

describe('seed', () => {
  it('seeds 14 products with 35 variants, once', async () => {
    await seedDemoData(handle);
    assert.equal(await rowCount(products), 14);
    assert.equal(await rowCount(productVariants), 35);
    assert.equal(DEMO_PRODUCTS.flatMap((p) => p.variants).length, 35);
  });
});

describe('catalog repository', () => {
  it('finds products by id, skipping malformed ids', async () => {
    const rows = await catalog.findProductsByIds(['nope', DEMO_PRODUCTS[1].id]);
    assert.deepEqual(
      rows.map((row) => row.name),
      ['Merino Crew Sweater'],
    );
    assert.deepEqual(await catalog.findProductsByIds([]), []);
  });

  it("finds variants by SKU and by product, in each product's order", async () => {
    const bySku = await catalog.findVariantsBySkus(['MUG-CERAMIC-SAGE', 'NOPE']);
    assert.deepEqual(
      bySku.map(({ sku, priceAmount, currency, active }) => ({
        sku,
        priceAmount,
        currency,
        active,
      })),
      [{ sku: 'MUG-CERAMIC-SAGE', priceAmount: 1400, currency: 'USD', active: true }],
    );
    const byProduct = await catalog.findVariantsByProductIds([
      DEMO_PRODUCTS[2].id,
      DEMO_PRODUCTS[1].id,
    ]);
    assert.deepEqual(
      byProduct.map((row) => [row.sku, row.position]),
      DEMO_PRODUCTS.slice(1, 3)
        .sort((a, b) => (a.id < b.id ? -1 : 1))
        .flatMap((p) => p.variants.map((v, i) => [v.sku, i])),
    );
  });

  it('lists in name order after a cursor, with literal search text', async () => {
    const page = await catalog.listProducts({
      limit: 2,
      after: { name: 'Everyday Hoodie', id: DEMO_PRODUCTS[2].id },
    });
    assert.deepEqual(
      page.map((row) => row.name),
      ['Insulated Water Bottle', 'Leather Belt'],
    );
    assert.deepEqual(
      await catalog
        .listProducts({ limit: 10, after: null, search: '3-pack' })
        .then((r) => r.map((p) => p.name)),
      ['Wool Socks 3-Pack'],
    );
    assert.deepEqual(await catalog.listProducts({ limit: 10, after: null, search: '_' }), []);
    assert.equal(
      (await catalog.listProducts({ limit: 10, after: null, category: 'Footwear' })).length,
      2,
    );
  });

  it('refuses a taken SKU as SkuTakenError and keeps nothing of the product', async () => {
    const before = await rowCount(products);
    await assert.rejects(
      catalog.insertProduct({
        name: 'Copy',
        description: null,
        category: null,
        variants: [
          { sku: 'COPY-1', name: 'One', priceAmount: 100, currency: 'USD' },
          { sku: 'CANDLE-FIG', name: 'Fig', priceAmount: 100, currency: 'USD' },
        ],
      }),
      (error) => error instanceof SkuTakenError && error.sku === 'CANDLE-FIG',
    );
    assert.equal(await rowCount(products), before);
  });
});

describe('pricing repository', () => {
  it('stores promotion codes upper-case and refuses inconsistent promotions', async () => {
    const row = await pricing.insertPromotion({
      code: 'spring',
      kind: 'FIXED',
      amountOff: 250,
      currency: 'USD',
    });
    assert.equal(row.code, 'SPRING');
    assert.equal((await pricing.findPromotion('SPRING'))?.amountOff, 250);
    assert.equal(await pricing.findPromotion('spring'), null);
    await assert.rejects(
      pricing.insertPromotion({ code: 'BROKEN', kind: 'FIXED', amountOff: 250 }),
    );
    await assert.rejects(
      pricing.insertPromotion({ code: 'BROKEN', kind: 'PERCENTAGE', basisPoints: 10001 }),
    );
  });

  it('saves and finds shipping and tax rates', async () => {
    await pricing.saveShippingRate({ country: 'CA', currency: 'USD', amount: 1500 });
    await pricing.saveShippingRate({
      country: 'CA',
      currency: 'USD',
      amount: 1200,
      freeThreshold: 20000,
    });
    const rates = await pricing.findShippingRates(['CA', '*']);
    assert.deepEqual(
      rates.sort((a, b) => a.country.localeCompare(b.country)),
      [
        { country: '*', currency: 'USD', amount: 990, freeThreshold: 10000 },
        { country: 'CA', currency: 'USD', amount: 1200, freeThreshold: 20000 },
      ],
    );
    await pricing.saveTaxRate({ country: 'CA', basisPoints: 500 });
    assert.equal(await pricing.findTaxBasisPoints('CA'), 500);
    assert.equal(await pricing.findTaxBasisPoints('JP'), null);
  });

  it('counts uses up to the limit and gives them back', async () => {
    await pricing.insertPromotion({
      code: 'TWICE',
      kind: 'PERCENTAGE',
      basisPoints: 100,
      usageLimit: 2,
    });
    assert.deepEqual(
      [
        await pricing.countUse('TWICE'),
        await pricing.countUse('TWICE'),
        await pricing.countUse('TWICE'),
      ],
      [true, true, false],
    );
    await pricing.giveBackUse('TWICE');
    assert.equal((await pricing.findPromotion('TWICE'))?.timesUsed, 1);
  });

  it('claims a redemption key once and releases it once', async () => {
    assert.equal(await pricing.claimRedemption({ redemptionKey: 'k-1', code: 'FIVEOFF' }), true);
    assert.equal(await pricing.claimRedemption({ redemptionKey: 'k-1', code: 'FIVEOFF' }), false);
    assert.equal(await pricing.releaseRedemption('k-1'), 'FIVEOFF');
    assert.equal(await pricing.releaseRedemption('k-1'), null);
    assert.equal(await pricing.releaseRedemption('unknown'), null);
    assert.notEqual((await pricing.findRedemption('k-1'))?.releasedAt, null);
  });
});

describe('redemptions', () => {
  it('checks the validity window against the given clock', async () => {
    const during = await redeemPromoCode(handle.db, {
      code: 'summer2020',
      redemptionKey: 'summer-1',
      now: new Date('2020-07-01T00:00:00Z'),
    });
    assert.deepEqual(during, { __typename: 'RedeemPromoCodeSuccess', code: 'SUMMER2020' });
    const atEnd = await redeemPromoCode(handle.db, {
      code: 'SUMMER2020',
      redemptionKey: 'summer-2',
      now: new Date('2020-09-01T00:00:00Z'),
    });
    assert.equal(atEnd.__typename === 'InvalidPromoCodeError' && atEnd.rejection, 'EXPIRED');
    assert.equal(await releasePromoCode(handle.db, { redemptionKey: 'summer-1' }), true);
    assert.equal((await pricing.findPromotion('SUMMER2020'))?.timesUsed, 0);
  });
});

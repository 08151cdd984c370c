import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { TestSubgraph } from '@ordergraph/shared/testing';
import { DEMO_PRODUCTS } from '../src/seed.js';
import { startCatalog, usd, type Request } from './support.js';

const [tee, sweater] = DEMO_PRODUCTS;
const cap = DEMO_PRODUCTS.find((product) => product.name === 'Baseball Cap')!;

let subgraph: TestSubgraph;
let request: Request;

before(async () => {
  ({ subgraph, request } = await startCatalog());
});
after(() => subgraph.stop());

describe('signed requests', () => {
  it('refuses an _entities call without the router signature', async () => {
    const response = await request(
      `query($r: [_Any!]!) { _entities(representations: $r) { ... on Product { name } } }`,
      { viewer: null, variables: { r: [{ __typename: 'Product', id: tee.id }] } },
    );
    assert.equal(response.status, 401);
    assert.equal(response.data, undefined);
    assert.deepEqual(response.errors?.[0]?.extensions, { code: 'UNAUTHENTICATED' });
  });
});

describe('entities', () => {
  it('resolves Product references in order, null for unknown and malformed ids', async () => {
    const response = await request(
      `query($r: [_Any!]!) { _entities(representations: $r) {
        ... on Product { id name category variants { sku } } } }`,
      {
        variables: {
          r: [
            { __typename: 'Product', id: sweater.id },
            { __typename: 'Product', id: '00000000-0000-4000-8001-0000000000ff' },
            { __typename: 'Product', id: 'not-a-uuid' },
            { __typename: 'Product', id: tee.id },
          ],
        },
      },
    );
    assert.deepEqual(response.data?._entities, [
      {
        id: sweater.id,
        name: 'Merino Crew Sweater',
        category: 'apparel',
        variants: [
          { sku: 'SWTR-MERINO-NVY-M' },
          { sku: 'SWTR-MERINO-NVY-L' },
          { sku: 'SWTR-MERINO-GRY-M' },
        ],
      },
      null,
      null,
      {
        id: tee.id,
        name: 'Classic Tee',
        category: 'apparel',
        variants: tee.variants.map(({ sku }) => ({ sku })),
      },
    ]);
  });

  it('resolves ProductVariant references by SKU, whatever its case', async () => {
    const response = await request(
      `query($r: [_Any!]!) { _entities(representations: $r) {
        ... on ProductVariant { sku name price { amount currencyCode } active product { id } } } }`,
      {
        variables: {
          r: [
            { __typename: 'ProductVariant', sku: 'CAP-BASEBALL-KHK' },
            { __typename: 'ProductVariant', sku: 'tee-classic-blk-m' },
            { __typename: 'ProductVariant', sku: 'NO-SUCH-SKU' },
          ],
        },
      },
    );
    assert.deepEqual(response.data?._entities, [
      {
        sku: 'CAP-BASEBALL-KHK',
        name: 'Khaki',
        price: usd('25.00'),
        active: false,
        product: { id: cap.id },
      },
      {
        sku: 'TEE-CLASSIC-BLK-M',
        name: 'Black / M',
        price: usd('19.90'),
        active: true,
        product: { id: tee.id },
      },
      null,
    ]);
  });
});

describe('queries', () => {
  const list = `query($first: Int, $after: String, $search: String, $category: String) {
    products(first: $first, after: $after, search: $search, category: $category) {
      nodes { name } edges { cursor node { id } } pageInfo { hasNextPage endCursor } } }`;
  const byName = [...DEMO_PRODUCTS]
    .map((p) => p.name)
    .sort((a, b) => (a.toLowerCase() < b.toLowerCase() ? -1 : 1));

  it('pages through every product in name order without gaps or repeats', async () => {
    const names: string[] = [];
    let after: string | null = null;
    let pages = 0;
    do {
      const response = await request(list, { variables: { first: 5, after } });
      const page = response.data?.products;
      names.push(...page.nodes.map((node: { name: string }) => node.name));
      assert.equal(page.pageInfo.endCursor, page.edges.at(-1).cursor);
      after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
      pages++;
    } while (after);
    assert.equal(pages, 3);
    assert.deepEqual(names, byName);
  });

  it('filters by search text in name, description or SKU, case-insensitively', async () => {
    const byText = await request(list, { variables: { search: 'CANVAS' } });
    assert.deepEqual(byText.data?.products.nodes, [
      { name: 'Canvas Sneaker' },
      { name: 'Canvas Tote' },
    ]);
    const byDescription = await request(list, { variables: { search: 'merino' } });
    assert.deepEqual(byDescription.data?.products.nodes, [
      { name: 'Merino Crew Sweater' },
      { name: 'Wool Socks 3-Pack' },
    ]);
    const bySku = await request(list, { variables: { search: 'mug-ceramic-sage' } });
    assert.deepEqual(bySku.data?.products.nodes, [{ name: 'Ceramic Mug' }]);
    const wildcard = await request(list, { variables: { search: '%' } });
    assert.deepEqual(wildcard.data?.products.nodes, []);
  });

  it('filters by category, case-insensitively, and lists the categories', async () => {
    const home = await request(list, { variables: { category: 'HOME' } });
    assert.deepEqual(home.data?.products.nodes, [
      { name: 'Ceramic Mug' },
      { name: 'Linen Throw Blanket' },
      { name: 'Scented Candle' },
    ]);
    const categories = await request('{ categories }');
    assert.deepEqual(categories.data, {
      categories: ['accessories', 'apparel', 'footwear', 'home'],
    });
  });

  it('refuses bad page sizes and cursors', async () => {
    for (const variables of [
      { first: 0 },
      { first: 101 },
      { after: '???' },
      { after: 'eyJhIjoxfQ' },
    ]) {
      const response = await request(list, { variables });
      assert.equal(
        response.errors?.[0]?.extensions?.code,
        'BAD_USER_INPUT',
        JSON.stringify(variables),
      );
    }
  });

  it('product(id) returns the product with its variants, null for unknown ids', async () => {
    const response = await request(
      `query($id: ID!) { product(id: $id) {
      name description category createdAt variants { sku name price { amount currencyCode } active } } }`,
      { variables: { id: cap.id } },
    );
    assert.deepEqual(
      { ...response.data?.product, createdAt: undefined },
      {
        name: 'Baseball Cap',
        description: cap.description,
        category: 'accessories',
        createdAt: undefined,
        variants: [
          { sku: 'CAP-BASEBALL-NVY', name: 'Navy', price: usd('25.00'), active: true },
          { sku: 'CAP-BASEBALL-KHK', name: 'Khaki', price: usd('25.00'), active: false },
        ],
      },
    );
    assert.match(response.data?.product.createdAt, /^\d{4}-\d{2}-\d{2}T.*Z$/);
    const missing = await request(
      '{ a: product(id: "nope") { id } b: product(id: "00000000-0000-4000-8001-0000000000ff") { id } }',
    );
    assert.deepEqual(missing.data, { a: null, b: null });
  });

  it('variant(sku) finds a variant case-insensitively, null for unknown SKUs', async () => {
    const response = await request(`{ a: variant(sku: " socks-wool-l ") { sku product { name } }
      b: variant(sku: "NOPE") { sku } }`);
    assert.deepEqual(response.data, {
      a: { sku: 'SOCKS-WOOL-L', product: { name: 'Wool Socks 3-Pack' } },
      b: null,
    });
  });

  it('sends a bounded number of SQL statements, whatever the list size', async () => {
    const before = subgraph.handle.statements.count;
    const response = await request(`{ products(first: 20) { nodes {
      variants { sku price { amount } product { name variants { sku } } } } } }`);
    assert.equal(response.errors, undefined);
    assert.equal(subgraph.handle.statements.count - before, 3);
  });
});

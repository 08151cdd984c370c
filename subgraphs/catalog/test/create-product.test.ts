import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { readEvents } from '@ordergraph/shared';
import { racesNeedPostgres, viewers, type TestSubgraph } from '@ordergraph/shared/testing';
import { startCatalog, usd, type Request } from './support.js';

let subgraph: TestSubgraph;
let request: Request;

before(async () => {
  ({ subgraph, request } = await startCatalog());
});
after(() => subgraph.stop());

const create = `mutation($input: CreateProductInput!) { createProduct(input: $input) {
  __typename
  ... on CreateProductSuccess { product { id name description category
    variants { sku name price { amount currencyCode } active product { name } } } }
  ... on SkuTakenError { message sku }
  ... on InvalidInputError { message field } } }`;

const variant = (sku: string, amount = '39.00') => ({
  sku,
  name: sku,
  price: { amount, currencyCode: 'USD' },
});
const input = (idempotencyKey: string, extra: Record<string, unknown> = {}) => ({
  name: 'Field Notebook',
  description: 'Dot grid, 96 pages.',
  category: 'stationery',
  variants: [variant('NOTE-DOT-A5'), variant('NOTE-DOT-A6', '29.50')],
  idempotencyKey,
  ...extra,
});
const createAs = (viewer: ReturnType<typeof viewers.staff>, value: Record<string, unknown>) =>
  request(create, { viewer, variables: { input: value } });

describe('createProduct', () => {
  it('creates a product with its variants for staff, normalising SKUs and texts', async () => {
    const response = await createAs(viewers.staff(), {
      ...input('create-1'),
      name: '  Pocket Notebook ',
      variants: [
        { sku: ' pocket-ruled ', name: ' Ruled ', price: { amount: '12.5', currencyCode: 'usd' } },
        { sku: 'POCKET-PLAIN', name: 'Plain', price: { amount: '12', currencyCode: 'USD' } },
      ],
    });
    const result = response.data?.createProduct;
    assert.deepEqual(
      { ...result, product: { ...result.product, id: undefined } },
      {
        __typename: 'CreateProductSuccess',
        product: {
          id: undefined,
          name: 'Pocket Notebook',
          description: 'Dot grid, 96 pages.',
          category: 'stationery',
          variants: [
            {
              sku: 'POCKET-RULED',
              name: 'Ruled',
              price: usd('12.50'),
              active: true,
              product: { name: 'Pocket Notebook' },
            },
            {
              sku: 'POCKET-PLAIN',
              name: 'Plain',
              price: usd('12.00'),
              active: true,
              product: { name: 'Pocket Notebook' },
            },
          ],
        },
      },
    );
    const events = await readEvents(subgraph.handle.db, {
      streamType: 'product',
      streamId: result.product.id,
    });
    assert.deepEqual(
      events.map(({ type, payload }) => ({ type, payload })),
      [
        {
          type: 'product.created',
          payload: { productId: result.product.id, skus: ['POCKET-RULED', 'POCKET-PLAIN'] },
        },
      ],
    );
  });

  it('returns the first result for a repeated key and refuses the key with another input', async () => {
    const first = await createAs(viewers.staff(), input('create-2'));
    const again = await createAs(viewers.staff(), input('create-2'));
    assert.equal(first.data?.createProduct.__typename, 'CreateProductSuccess');
    assert.deepEqual(again.data, first.data);
    const changed = await createAs(viewers.staff(), input('create-2', { name: 'Other' }));
    assert.deepEqual(changed.data?.createProduct, {
      __typename: 'InvalidInputError',
      message: 'This idempotencyKey was already used with a different input.',
      field: 'idempotencyKey',
    });
    const events = await readEvents(subgraph.handle.db, { streamType: 'product' });
    assert.equal(
      events.filter((event) => event.streamId === first.data?.createProduct.product.id).length,
      1,
    );
  });

  it('returns SkuTakenError for a SKU another variant has, in any case', async () => {
    const response = await createAs(
      viewers.staff(),
      input('create-3', { variants: [variant('SKU-NEW-1'), variant('tee-classic-blk-m')] }),
    );
    assert.deepEqual(response.data?.createProduct, {
      __typename: 'SkuTakenError',
      message: 'Another variant already has the SKU TEE-CLASSIC-BLK-M.',
      sku: 'TEE-CLASSIC-BLK-M',
    });
    const untouched = await request('{ variant(sku: "SKU-NEW-1") { sku } }');
    assert.deepEqual(untouched.data, { variant: null });
  });

  it(
    'creates the SKU once when products with the same SKU race',
    { skip: racesNeedPostgres },
    async () => {
      const results = await Promise.all(
        Array.from({ length: 6 }, (_, i) =>
          createAs(viewers.staff(), input(`race-${i}`, { variants: [variant('RACE-SKU')] })),
        ),
      );
      const kinds = results.map((r) => r.data?.createProduct.__typename).sort();
      assert.deepEqual(kinds, ['CreateProductSuccess', ...Array(5).fill('SkuTakenError')]);
      for (const r of results.filter((r) => r.data?.createProduct.__typename === 'SkuTakenError')) {
        assert.equal(r.data?.createProduct.sku, 'RACE-SKU');
      }
    },
  );

  it('returns InvalidInputError naming the field', async () => {
    const many = Array.from({ length: 51 }, (_, i) => variant(`MANY-${i}`));
    const cases: [Record<string, unknown>, string, string][] = [
      [
        { idempotencyKey: '' },
        'idempotencyKey',
        'idempotencyKey must be 1 to 200 printable characters.',
      ],
      [{ name: ' ' }, 'name', 'name must not be empty.'],
      [{ category: 'c'.repeat(101) }, 'category', 'category must be at most 100 characters.'],
      [{ variants: [] }, 'variants', 'A product has 1 to 50 variants.'],
      [{ variants: many }, 'variants', 'A product has 1 to 50 variants.'],
      [
        { variants: [variant('X')] },
        'variants.0.sku',
        'sku must be 2 to 64 letters, digits and dashes, starting with a letter or digit.',
      ],
      [
        { variants: [variant('NOTE_1')] },
        'variants.0.sku',
        'sku must be 2 to 64 letters, digits and dashes, starting with a letter or digit.',
      ],
      [
        { variants: [variant('-NOTE')] },
        'variants.0.sku',
        'sku must be 2 to 64 letters, digits and dashes, starting with a letter or digit.',
      ],
      [
        { variants: [variant('NOTE-1'), variant('note-1')] },
        'variants.1.sku',
        'The SKU NOTE-1 appears twice.',
      ],
      [
        { variants: [{ ...variant('NOTE-1'), name: '' }] },
        'variants.0.name',
        'variants.0.name must not be empty.',
      ],
      [
        { variants: [variant('NOTE-1', '19.999')] },
        'variants.0.price.amount',
        "amount must be a decimal from 0 to below 1000000 with at most the currency's minor digits.",
      ],
      [
        { variants: [variant('NOTE-1', '-1.00')] },
        'variants.0.price.amount',
        "amount must be a decimal from 0 to below 1000000 with at most the currency's minor digits.",
      ],
      [
        { variants: [variant('NOTE-1', '1000000.00')] },
        'variants.0.price.amount',
        "amount must be a decimal from 0 to below 1000000 with at most the currency's minor digits.",
      ],
      [
        { variants: [{ ...variant('NOTE-1'), price: { amount: '1.00', currencyCode: 'DOLLAR' } }] },
        'variants.0.price.currencyCode',
        'currencyCode must be an ISO 4217 code, e.g. "USD".',
      ],
      [
        {
          variants: [
            variant('NOTE-1'),
            { ...variant('NOTE-2'), price: { amount: '1.00', currencyCode: 'EUR' } },
          ],
        },
        'variants.1.price.currencyCode',
        'All variants of a product are priced in one currency (USD).',
      ],
    ];
    for (const [extra, field, message] of cases) {
      const response = await createAs(viewers.staff(), input(`bad-${field}`, extra));
      assert.deepEqual(
        response.data?.createProduct,
        { __typename: 'InvalidInputError', message, field },
        field,
      );
    }
  });

  it('is open to admins and FORBIDDEN for everyone else', async () => {
    const admin = await createAs(
      viewers.withRoles('admin-1', ['admin']),
      input('create-admin', { variants: [variant('ADMIN-1')] }),
    );
    assert.equal(admin.data?.createProduct.__typename, 'CreateProductSuccess');
    for (const viewer of [
      viewers.anonymous(),
      viewers.customer('00000000-0000-4000-8000-000000000001'),
      viewers.warehouse(),
      viewers.service('orders'),
    ]) {
      const response = await createAs(
        viewer,
        input('create-forbidden', { variants: [variant('NOPE-1')] }),
      );
      assert.deepEqual(response.data, null);
      assert.equal(response.errors?.[0]?.extensions?.code, 'FORBIDDEN', JSON.stringify(viewer));
    }
  });
});

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { SUPERGRAPH_FILE } from '../src/composition.js';
import { apiSchemaOf } from '../src/persisted/api-schema.js';
import {
  buildManifest,
  MANIFEST_FILE,
  operationId,
  readManifest,
  serializeManifest,
  validateOperations,
} from '../src/persisted/manifest.js';
import {
  collectOperations,
  InvalidOperationsError,
  normalizeOperation,
  readOperationSources,
} from '../src/persisted/operations.js';
import * as typedDocuments from '../../schema/client/graphql.js';

const schema = apiSchemaOf(readFileSync(SUPERGRAPH_FILE, 'utf8'));
const sources = readOperationSources();

describe('the persisted operations manifest', () => {
  it('is committed as `npm run persisted` writes it', () => {
    const manifest = buildManifest({ sources, schema });
    assert.equal(
      readFileSync(MANIFEST_FILE, 'utf8'),
      serializeManifest(manifest),
      'schema/persisted-queries.json is stale: run `npm run persisted`',
    );
  });

  it('holds every operation the apps and partners use, each validating against the API schema', () => {
    const manifest = readManifest();
    assert.deepEqual(
      manifest.operations.map(({ name, type }) => `${type} ${name}`),
      [
        'mutation AddOrderNote',
        'mutation CancelOrder',
        'query Carriers',
        'query CatalogBrowse',
        'mutation CreateCarrier',
        'mutation CreateWarehouse',
        'mutation DeactivateWarehouse',
        'query OrderDetail',
        'query OrderHistory',
        'query OrderInvoices',
        'query OrderNotes',
        'subscription OrderTracking',
        'mutation PlaceOrder',
        'query QuoteBasket',
        'mutation RecordTrackingEvent',
        'query ShipmentByTracking',
        'query ShipmentDetail',
        'mutation UpdateCarrier',
        'mutation UpdateWarehouse',
        'query VariantBySku',
        'query Warehouses',
      ],
    );
    assert.deepEqual(validateOperations(schema, manifest.operations), []);
    for (const operation of manifest.operations) {
      assert.equal(operation.id, operationId(operation.body), operation.name);
      assert.match(operation.id, /^[0-9a-f]{64}$/);
    }
  });

  it('gives each body the fragments it uses from any file, and only those', () => {
    const { operations } = readManifest();
    const body = (name: string) => operations.find((o) => o.name === name)!.body;
    assert.match(body('OrderDetail'), /fragment MoneyFields on Money[\s\S]*fragment OrderSummary/);
    assert.match(body('OrderDetail'), /fragment ShipmentTracking on Shipment/);
    assert.doesNotMatch(body('VariantBySku'), /fragment OrderSummary/);
    assert.ok(
      body('VariantBySku').endsWith('fragment MoneyFields on Money {\n  amount\n  currencyCode\n}'),
    );
  });

  it('ids the same operation the same, whatever its whitespace, comments and definition order', () => {
    const tidy =
      'query Price($sku: ID!) { variant(sku: $sku) { ...Price } }\nfragment Price on ProductVariant { price { amount } }';
    const messy = `# a comment
      fragment Unused on Money { amount }
      fragment Price on ProductVariant {
        price   { amount }
      }
      query   Price ( $sku : ID! ) {   variant(sku: $sku) { ...Price } }`;
    assert.equal(normalizeOperation(messy), normalizeOperation(tidy));
    assert.equal(
      normalizeOperation(messy),
      'query Price($sku: ID!) {\n  variant(sku: $sku) {\n    ...Price\n  }\n}\n\nfragment Price on ProductVariant {\n  price {\n    amount\n  }\n}',
    );
  });

  it('refuses an operation that does not validate, naming it and where it is', () => {
    const broken = {
      file: 'schema/operations/broken.graphql',
      text: 'query BrokenOrder($id: ID!) {\n  order(id: $id) {\n    number\n    colour\n  }\n}\n',
    };
    assert.throws(
      () => buildManifest({ sources: [...sources, broken], schema }),
      (error: unknown) => {
        assert.ok(error instanceof InvalidOperationsError);
        assert.equal(error.problems.length, 1);
        assert.match(error.message, /BrokenOrder: Cannot query field "colour" on type "Order"\./);
        assert.match(error.message, /schema\/operations\/broken\.graphql:4:5/);
        return true;
      },
    );
  });

  it('refuses anonymous operations, names used twice and fragments nothing uses', () => {
    const file = (text: string, name = 'extra.graphql') => [...sources, { file: name, text }];
    const problemsOf = (all: { file: string; text: string }[]) => {
      try {
        collectOperations(all);
      } catch (error) {
        if (error instanceof InvalidOperationsError) return error.problems;
        throw error;
      }
      return [];
    };
    assert.deepEqual(problemsOf(file('{ categories }')), [
      'extra.graphql: every persisted operation needs a name',
    ]);
    assert.deepEqual(problemsOf(file('query OrderDetail { categories }')), [
      'extra.graphql: operation name "OrderDetail" is used twice',
    ]);
    assert.deepEqual(problemsOf(file('fragment Lonely on Money { amount }')), [
      'fragment "Lonely" is used by no operation',
    ]);
  });

  it('matches the ids the typed client documents carry', () => {
    const { operations } = readManifest();
    for (const { name, id } of operations) {
      const document = (typedDocuments as Record<string, unknown>)[`${name}Document`];
      assert.deepEqual((document as { __meta__?: unknown }).__meta__, { hash: id }, name);
    }
  });
});

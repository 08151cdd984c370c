import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildSchema, getOperationAST, Kind, parse } from 'graphql';
import { readCostDirectives } from '../src/limits/cost-directives.js';
import { estimateCostWithInputs } from '../src/limits/cost.js';
import { measureOperation } from '../src/limits/operation-shape.js';
import { exceedsTokens } from '../src/limits/tokens.js';
import { costEstimator, limitChecker } from './support/cost-estimate.js';

// a supergraph-like SDL: the cost spec linked as composition links it
const SDL = `
schema @link(url: "https://specs.apollo.dev/cost/v0.1", import: ["@listSize"]) { query: Query }
directive @link(url: String, as: String, import: [String]) repeatable on SCHEMA
directive @cost(weight: Int!) on FIELD_DEFINITION | OBJECT | SCALAR | ENUM
directive @listSize(assumedSize: Int, slicingArguments: [String!], sizedFields: [String!], requireOneSlicingArgument: Boolean = true) on FIELD_DEFINITION
type Query {
  shop: Shop
  products(first: Int = 5, last: Int, after: String): ProductConnection!
  pagedProducts(take: Int): ProductConnection! @listSize(slicingArguments: ["take"], sizedFields: ["nodes"])
  search(limit: Int): [Product!]! @listSize(slicingArguments: ["limit"])
  featured: [Product!]! @listSize(assumedSize: 3)
  tags: [String!]!
  node(id: ID!): Node
  expensive: Int @cost(weight: 7)
}
type Shop { name: String! }
interface Node { id: ID! }
type Product implements Node { id: ID! name: String! reviews: [Review!]! price: Money! }
type Review implements Node { id: ID! stars: Int! }
type Customer implements Node { id: ID! name: String! }
type Money @cost(weight: 2) { amount: String! }
type ProductConnection { edges: [ProductEdge!]! nodes: [Product!]! pageInfo: PageInfo! }
type ProductEdge { cursor: String! node: Product! }
type PageInfo { hasNextPage: Boolean! }
`;
const schema = buildSchema(SDL);
const directives = readCostDirectives(SDL);

const estimate = costEstimator(SDL);
const costOf = (query: string, variables: Record<string, unknown> = {}) =>
  estimate(query, variables).cost;

const shapeOf = (query: string) => {
  const document = parse(query);
  const operation = getOperationAST(document);
  assert.ok(operation);
  return measureOperation(document, operation);
};

describe('the cost estimate', () => {
  it('prices an object field 1 and a scalar 0', () => {
    assert.equal(costOf('{ shop { name } tags }'), 1 + 10 * 0);
  });

  it("multiplies a connection's edges and nodes by `first`, its default when not given", () => {
    assert.equal(costOf('{ products { nodes { name } } }'), 1 + 5 * 1);
    assert.equal(
      costOf('{ products(first: 3) { edges { node { name } } pageInfo { hasNextPage } } }'),
      1 + 3 * (1 + 1) + 1,
    );
    // the largest slicing argument counts, defaults included: `first` is 5 unless given
    assert.equal(costOf('{ products(last: 4) { nodes { id } } }'), 1 + 5);
    assert.equal(costOf('{ products(first: 1, last: 4) { nodes { id } } }'), 1 + 4);
  });

  it('reads `first` from the variables, and the argument default without one', () => {
    const query = 'query($n: Int) { products(first: $n) { nodes { id } } }';
    assert.equal(costOf(query, { n: 7 }), 1 + 7);
    assert.equal(costOf(query), 1 + 5);
    assert.equal(costOf('query($n: Int = 2) { products(first: $n) { nodes { id } } }'), 1 + 2);
  });

  it('follows @listSize: its slicing arguments, its sized fields, its assumed size', () => {
    assert.equal(costOf('{ search(limit: 4) { name } }'), 4);
    assert.equal(costOf('{ search { name } }'), 10);
    assert.equal(costOf('{ featured { id } }'), 3);
    // only `nodes` is sized by `take`: edges take the default size
    assert.equal(
      costOf('{ pagedProducts(take: 2) { nodes { id } edges { cursor } } }'),
      1 + 2 + 10,
    );
  });

  it('multiplies nested lists, the default size where nothing says otherwise', () => {
    assert.equal(costOf('{ featured { reviews { stars } } }'), 3 * (1 + 10 * 1));
  });

  it('uses @cost weights of fields and of types', () => {
    assert.equal(costOf('{ expensive }'), 7);
    assert.equal(costOf('{ featured { price { amount } } }'), 3 * (1 + 2));
  });

  it('prices an abstract field as its most expensive possible type', () => {
    assert.equal(
      costOf(
        '{ node(id: "1") { id ... on Product { reviews { stars } } ... on Customer { name } } }',
      ),
      1 + 10,
    );
  });

  it('counts a fragment each time it is spread, in linear time for fragment bombs', () => {
    assert.equal(costOf('{ a: shop { ...S } b: shop { ...S } } fragment S on Shop { name }'), 2);
    const fragments = Array.from(
      { length: 40 },
      (_, i) => `fragment F${i + 1} on Product { ...F${i} ...F${i} }`,
    ).join('\n');
    const document = parse(
      `{ featured { ...F40 } } fragment F0 on Product { price { amount } } ${fragments}`,
    );
    // the innermost fragment's selections are counted each time they are read: walking every
    // spread would read them 2^40 times, so the count fails the test long before it ends
    let reads = 0;
    const definitions = document.definitions.map((definition) => {
      if (definition.kind !== Kind.FRAGMENT_DEFINITION || definition.name.value !== 'F0') {
        return definition;
      }
      const { selectionSet } = definition;
      return Object.defineProperty({ ...definition }, 'selectionSet', {
        enumerable: true,
        get() {
          if (++reads > 100) throw new Error('F0 read more than 100 times: spreads are expanded');
          return selectionSet;
        },
      });
    });
    const counted = { ...document, definitions };
    const operation = getOperationAST(counted);
    assert.ok(operation);
    const { cost } = estimateCostWithInputs({
      schema,
      document: counted,
      operation,
      variables: {},
      directives,
      defaultListSize: 10,
    });
    assert.equal(cost, 3 * (1 + 2 ** 40 * 2));
    assert.equal(reads, 1, 'read once: its cost on Product is kept');
  });

  it('finds renamed directives and none without the cost spec', () => {
    const renamed = readCostDirectives(`
      schema @link(url: "https://specs.apollo.dev/cost/v0.1", as: "demand", import: [{ name: "@listSize", as: "@size" }]) { query: Query }
      type Query { items: [Int] @size(assumedSize: 4) pricey: Int @demand(weight: 9) }`);
    assert.deepEqual(renamed.listSize('Query.items'), { assumedSize: 4 });
    assert.equal(renamed.weight('Query.pricey'), 9);
    const none = readCostDirectives('type Query { items: [Int] @listSize(assumedSize: 4) }');
    assert.equal(none.listSize('Query.items'), undefined);
  });
});

describe('the shape of an operation', () => {
  it('measures depth through fragments and inline fragments', () => {
    assert.deepEqual(shapeOf('{ shop { name } }'), { depth: 2, aliases: 0, rootFields: 1 });
    assert.equal(
      shapeOf(
        '{ featured { ...R } } fragment R on Product { ... on Product { reviews { stars } } }',
      ).depth,
      3,
    );
  });

  it('counts aliases each time their fragment is spread, and root fields apart', () => {
    assert.deepEqual(
      shapeOf('{ a: shop { ...N } b: shop { ...N } tags } fragment N on Shop { n: name }'),
      { depth: 2, aliases: 4, rootFields: 3 },
    );
  });

  it('stops at a fragment cycle instead of looping', () => {
    const shape = shapeOf(
      '{ featured { ...A } } fragment A on Product { id ...B } fragment B on Product { name ...A }',
    );
    assert.deepEqual(shape, { depth: 2, aliases: 0, rootFields: 1 });
  });
});

describe('the cost of a known document', () => {
  const limits = {
    maxDepth: 20,
    maxAliases: 30,
    maxRootFields: 20,
    maxCost: 50,
    defaultListSize: 10,
  };
  const checkLimits = limitChecker(SDL, limits);
  const check = (
    document: ReturnType<typeof parse>,
    variables: Record<string, unknown>,
    overrides: Partial<typeof limits> = {},
  ) => checkLimits(document, variables, overrides)?.extensions['cost.estimated'] ?? 'allowed';

  it('says whether a variable sized a list: only then do variables change it', () => {
    const inputs = (query: string, variables: Record<string, unknown>) => {
      const document = parse(query);
      const operation = getOperationAST(document)!;
      return estimateCostWithInputs({
        schema,
        document,
        operation,
        variables,
        directives,
        defaultListSize: 10,
      });
    };
    assert.deepEqual(inputs('query($n: Int) { search(limit: $n) { name } }', { n: 4 }), {
      cost: 4,
      readsVariables: true,
    });
    assert.deepEqual(inputs('query($id: ID!) { node(id: $id) { id } }', { id: '1' }), {
      cost: 1,
      readsVariables: false,
    });
  });

  it('is priced again for each request whose variables size its lists', () => {
    // the same document object, as Apollo Server hands it to every request with that text
    const document = parse('query($n: Int) { search(limit: $n) { reviews { stars } } }');
    assert.equal(check(document, { n: 2 }), 'allowed'); // 2 * (1 + 10)
    assert.equal(check(document, { n: 5 }), 5 * (1 + 10));
    assert.equal(check(document, { n: 1 }), 'allowed');
  });

  it('keeps a fixed cost per default list size', () => {
    const document = parse('{ search { reviews { stars } } }');
    assert.equal(check(document, {}), 10 * (1 + 10));
    assert.equal(check(document, {}, { defaultListSize: 2 }), 'allowed'); // 2 * (1 + 2)
    assert.equal(check(document, {}, { defaultListSize: 3, maxCost: 11 }), 3 * (1 + 3));
    assert.equal(check(document, {}), 10 * (1 + 10));
  });
});

describe('the token count', () => {
  it('counts as graphql-js maxTokens does: punctuation and names, not comments', () => {
    assert.equal(exceedsTokens('{ shop { name } }', 6), false);
    assert.equal(exceedsTokens('{ shop { name } }', 5), true);
    assert.equal(exceedsTokens('# a comment\n{ shop { name } } # another', 6), false);
    assert.throws(
      () => parse('{ shop { name } }', { maxTokens: 5 }),
      /contains more tha. 5 tokens/,
    );
    assert.doesNotThrow(() => parse('{ shop { name } }', { maxTokens: 6 }));
  });
});

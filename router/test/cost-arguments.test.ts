import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from 'graphql';
import { costEstimator, limitChecker } from './support/cost-estimate.js';

// a supergraph-like SDL whose arguments and input fields carry @cost
const SDL = `
schema @link(url: "https://specs.apollo.dev/cost/v0.1", import: ["@listSize"]) { query: Query }
directive @link(url: String, as: String, import: [String]) repeatable on SCHEMA
directive @cost(weight: Int!) on ARGUMENT_DEFINITION | ENUM | FIELD_DEFINITION | INPUT_FIELD_DEFINITION | OBJECT | SCALAR
directive @listSize(assumedSize: Int, slicingArguments: [String!], sizedFields: [String!], requireOneSlicingArgument: Boolean = true) on FIELD_DEFINITION
type Query {
  products(first: Int = 5, search: String @cost(weight: 20), filter: ProductFilter): [Product!]! @listSize(slicingArguments: ["first"])
  node(id: ID!): Node
  report(period: Period, at: Timestamp, approximate: Boolean @cost(weight: -5)): Report
}
interface Node { id: ID! }
type Product implements Node { id: ID! name: String! reviews(minStars: Int @cost(weight: 3)): [Review!]! }
type Review { stars: Int! }
type Report { total: Int! period: Period at: Timestamp lines: [Review!]! }
input ProductFilter { category: String @cost(weight: 4) price: PriceRange tags: [TagFilter!] }
input PriceRange { min: Int max: Int @cost(weight: 6) }
input TagFilter { name: String! exact: Boolean @cost(weight: 2) }
enum Period @cost(weight: 8) { DAY WEEK }
scalar Timestamp @cost(weight: 9)
`;
const estimate = costEstimator(SDL);
const costOf = (query: string, variables: Record<string, unknown> = {}) =>
  estimate(query, variables).cost;

// `products` alone: 5 products (the default `first`) of weight 1
const PRODUCTS = 5;

describe('the cost of arguments', () => {
  it("adds an argument's weight when the operation sets it with a literal", () => {
    assert.equal(costOf('{ products(search: "mug") { name } }'), PRODUCTS + 20);
    assert.equal(costOf('{ products { name } }'), PRODUCTS);
    assert.equal(costOf('{ products(search: null) { name } }'), PRODUCTS);
  });

  it('adds it for a variable only when the request gives that variable a value', () => {
    const query = 'query($s: String) { products(search: $s) { name } }';
    assert.equal(costOf(query, { s: 'mug' }), PRODUCTS + 20);
    assert.equal(costOf(query), PRODUCTS);
    assert.equal(costOf(query, { s: null }), PRODUCTS);
    assert.equal(
      costOf('query($s: String = "mug") { products(search: $s) { name } }'),
      PRODUCTS + 20,
    );
  });

  it('adds it once per call: not per item of a list, but per item of the list around it', () => {
    // reviews: 10 reviews of weight 1, and `minStars` once; for each of the 2 products
    assert.equal(
      costOf('{ products(first: 2) { reviews(minStars: 4) { stars } } }'),
      2 * (1 + (10 + 3)),
    );
  });

  it('adds the weights of the input fields a value sets, through nested input objects', () => {
    assert.equal(costOf('{ products(filter: {}) { name } }'), PRODUCTS);
    assert.equal(costOf('{ products(filter: { category: "mugs" }) { name } }'), PRODUCTS + 4);
    assert.equal(costOf('{ products(filter: { price: { min: 1 } }) { name } }'), PRODUCTS);
    assert.equal(costOf('{ products(filter: { price: { max: 9 } }) { name } }'), PRODUCTS + 6);
    assert.equal(
      costOf('{ products(filter: { category: null, price: { max: null } }) { name } }'),
      PRODUCTS,
    );
  });

  it('walks lists of input objects, counting each input field once however many items set it', () => {
    assert.equal(
      costOf('{ products(filter: { tags: [{ name: "a" }, { name: "b" }] }) { name } }'),
      PRODUCTS,
    );
    assert.equal(
      costOf(
        '{ products(filter: { tags: [{ name: "a", exact: true }, { name: "b", exact: true }] }) { name } }',
      ),
      PRODUCTS + 2,
    );
    assert.equal(
      costOf(
        `{ products(search: "m", filter: { category: "c", price: { max: 9 }, tags: [{ name: "a", exact: true }] }) {
          name } }`,
      ),
      PRODUCTS + 20 + 4 + 6 + 2,
    );
  });

  it('reads input fields from variables: a whole input object, or one field of a literal', () => {
    const whole = 'query($f: ProductFilter) { products(filter: $f) { name } }';
    assert.equal(costOf(whole, { f: { category: 'c', price: { max: 9 } } }), PRODUCTS + 4 + 6);
    assert.equal(costOf(whole, { f: { tags: [{ name: 'a', exact: false }] } }), PRODUCTS + 2);
    assert.equal(costOf(whole), PRODUCTS);
    const inner = 'query($max: Int) { products(filter: { price: { max: $max } }) { name } }';
    assert.equal(costOf(inner, { max: 9 }), PRODUCTS + 6);
    assert.equal(costOf(inner), PRODUCTS);
  });

  it('prices an argument without @cost at the @cost of its enum or scalar type', () => {
    // report: an object (1)
    assert.equal(costOf('{ report(period: DAY) { total } }'), 1 + 8);
    assert.equal(costOf('{ report(at: "2026-01-01T00:00:00Z") { total } }'), 1 + 9);
    // as in output fields, where the type's @cost was already counted
    assert.equal(costOf('{ report { period at } }'), 1 + 8 + 9);
  });

  it('never lets a negative weight make a field cost less than nothing, nor what it selects', () => {
    assert.equal(costOf('{ report(approximate: true) { total } }'), 0);
    assert.equal(costOf('{ report(approximate: true, period: WEEK) { total } }'), 1 - 5 + 8);
    assert.equal(costOf('{ report(approximate: true) { lines { stars } } }'), 10);
  });

  it('says a variable decided the cost only where an argument it fills carries a weight', () => {
    const readsVariables = (query: string, variables: Record<string, unknown>) =>
      estimate(query, variables).readsVariables;
    assert.equal(readsVariables('query($s: String) { products(search: $s) { id } }', {}), true);
    assert.equal(
      readsVariables('query($f: ProductFilter) { products(filter: $f) { id } }', {}),
      true,
    );
    assert.equal(
      readsVariables('query($n: String!) { products(filter: { tags: [{ name: $n }] }) { id } }', {
        n: 'a',
      }),
      true,
    );
    assert.equal(readsVariables('query($id: ID!) { node(id: $id) { id } }', { id: '1' }), false);
    assert.equal(readsVariables('{ products(search: "mug") { id } }', {}), false);
  });
});

describe('the budget with argument weights', () => {
  const check = limitChecker(SDL, {
    maxDepth: 20,
    maxAliases: 30,
    maxRootFields: 20,
    maxCost: 20,
    defaultListSize: 10,
  });

  it('refuses an operation whose arguments take it over, and prices each request anew', () => {
    // the same document object, as Apollo Server hands it to every request with that text
    const document = parse('query($s: String) { products(search: $s) { name } }');
    assert.equal(check(document, {}), null);
    assert.deepEqual(check(document, { s: 'mug' }), {
      code: 'COST_ESTIMATED_TOO_EXPENSIVE',
      message: "The operation's estimated cost is 25; this client's budget is 20.",
      status: 400,
      extensions: { 'cost.estimated': 25, 'cost.max': 20 },
    });
    assert.equal(check(document, { s: null }), null);
  });
});

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { GRACE, PLACE_ORDER, TEE, US_ADDRESS } from './support/fixtures.js';
import { startStack, type Stack } from './support/stack.js';

let stack: Stack;
before(async () => {
  stack = await startStack();
});
after(() => stack.stop());

async function post(body: string, headers: Record<string, string> = {}) {
  const response = await fetch(stack.routerUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
  return { status: response.status, body: (await response.json()) as Record<string, any> };
}

const placeOrderWith = async (lines: unknown) =>
  stack.request({
    token: await stack.token(GRACE, ['customer']),
    query: PLACE_ORDER,
    variables: {
      input: {
        idempotencyKey: `bad-${Math.random()}`,
        lines,
        shippingAddress: US_ADDRESS,
        payment: { token: 'tok_visa' },
      },
    },
  });

describe('bad input gets a clear error and no 500', () => {
  it('malformed JSON: 400 BAD_REQUEST', async () => {
    const { status, body } = await post('{"query": "{ me { id } }"');
    assert.equal(status, 400);
    assert.deepEqual(body, {
      errors: [
        { message: 'The request body is not valid JSON.', extensions: { code: 'BAD_REQUEST' } },
      ],
    });
  });

  it('an unknown field: 400 GRAPHQL_VALIDATION_FAILED naming it', async () => {
    const { status, body } = await post(
      JSON.stringify({ query: '{ products { nodes { colour } } }' }),
    );
    assert.equal(status, 400);
    assert.equal(body['errors'][0].extensions.code, 'GRAPHQL_VALIDATION_FAILED');
    assert.match(body['errors'][0].message, /Cannot query field "colour" on type "Product"/);
  });

  it('a wrong variable type: 400 BAD_USER_INPUT', async () => {
    const { status, body } = await post(
      JSON.stringify({
        query: 'query($n: Int) { products(first: $n) { nodes { id } } }',
        variables: { n: 'ten' },
      }),
    );
    assert.equal(status, 400);
    assert.equal(body['errors'][0].extensions.code, 'BAD_USER_INPUT');
    assert.match(body['errors'][0].message, /\$n/);
  });

  it('a syntax error: 400 GRAPHQL_PARSE_FAILED', async () => {
    const { status, body } = await post(JSON.stringify({ query: '{ products { ' }));
    assert.equal(status, 400);
    assert.equal(body['errors'][0].extensions.code, 'GRAPHQL_PARSE_FAILED');
  });

  it('a negative quantity: InvalidInputError naming the line', async () => {
    const response = await placeOrderWith([{ sku: TEE, quantity: -3 }]);
    assert.equal(response.status, 200);
    assert.equal(response.data?.placeOrder.__typename, 'InvalidInputError');
    assert.equal(response.data?.placeOrder.field, 'lines.0.quantity');
  });

  it('an oversized list: InvalidInputError on lines', async () => {
    const lines = Array.from({ length: 500 }, (_, i) => ({ sku: `SKU-${i}`, quantity: 1 }));
    const response = await placeOrderWith(lines);
    assert.equal(response.data?.placeOrder.__typename, 'InvalidInputError');
    assert.equal(response.data?.placeOrder.field, 'lines');
  });

  it('a page size out of range: BAD_USER_INPUT', async () => {
    const response = await stack.request({ query: '{ products(first: -1) { nodes { id } } }' });
    assert.equal(response.errors?.[0]?.extensions?.['code'], 'BAD_USER_INPUT');
  });

  it('an oversized body: 413 PAYLOAD_TOO_LARGE', async () => {
    const { status, body } = await post(
      JSON.stringify({ query: `{ me { id } }${' '.repeat(2_000_000)}` }),
    );
    assert.equal(status, 413);
    assert.equal(body['errors'][0].extensions.code, 'PAYLOAD_TOO_LARGE');
  });

  it('a missing query: 400 BAD_REQUEST', async () => {
    const { status, body } = await post(JSON.stringify({ variables: {} }));
    assert.equal(status, 400);
    assert.equal(body['errors'][0].extensions.code, 'BAD_REQUEST');
  });
});

import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { hashApiKey } from '../src/clients/clients-file.js';
import type { Router } from '../src/server.js';
import { post } from './support/clients.js';
import { startStack, type Stack } from './support/stack.js';
import { wsClient } from './support/subscription-clients.js';

const TOOLING_KEY = 'og_test_tooling_key_0123456789';
const APP_KEY = 'og_test_app_key_0123456789';

/** a clients file with a schema tooling client (may introspect) and an app (may not) */
function writeClientsFile(): string {
  const path = join(mkdtempSync(join(tmpdir(), 'ordergraph-clients-')), 'clients.json');
  const client = (name: string, key: string, introspection: boolean) => ({
    name,
    policy: 'open',
    introspection,
    apiKeys: [{ sha256: hashApiKey(key) }],
  });
  writeFileSync(
    path,
    JSON.stringify({
      clients: [client('schema-tooling', TOOLING_KEY, true), client('storefront', APP_KEY, false)],
    }),
  );
  return path;
}

const SCHEMA = '{ __schema { queryType { name } } }';
const TYPE = '{ __type(name: "Order") { name } }';
const IN_FRAGMENT = 'query { ...Types } fragment Types on Query { __schema { types { name } } }';
const TYPO = '{ products(first: 1) { nodes { nam } } }';

let stack: Stack;
let development: { router: Router; url: string };
before(async () => {
  stack = await startStack({
    routerOptions: { production: true, clientsPath: writeClientsFile() },
  });
  development = await stack.startExtraRouter({ production: false });
});
after(async () => {
  await development?.router.stop();
  await stack?.stop();
});

const codesOf = (body: any): unknown[] =>
  (body.errors ?? []).map((error: any) => error.extensions?.code);

describe('introspection and suggestions in production', () => {
  it('refuses __schema and __type with INTROSPECTION_DISABLED, in fragments too', async () => {
    for (const query of [SCHEMA, TYPE, IN_FRAGMENT]) {
      const { status, body } = await post(stack.routerUrl, { query });
      assert.equal(status, 403, query);
      assert.deepEqual(codesOf(body), ['INTROSPECTION_DISABLED']);
      assert.equal(body.data, undefined);
    }
    const app = await post(stack.routerUrl, { query: SCHEMA }, { 'x-api-key': APP_KEY });
    assert.deepEqual(codesOf(app.body), ['INTROSPECTION_DISABLED']);
  });

  it('keeps __typename', async () => {
    const { status, body } = await post(stack.routerUrl, { query: '{ __typename }' });
    assert.equal(status, 200);
    assert.deepEqual(body.data, { __typename: 'Query' });
  });

  it('lets a client with "introspection": true introspect', async () => {
    const { status, body } = await post(
      stack.routerUrl,
      { query: SCHEMA },
      { 'x-api-key': TOOLING_KEY },
    );
    assert.equal(status, 200);
    assert.equal(body.data.__schema.queryType.name, 'Query');
  });

  it('drops "Did you mean" from validation errors, except for that client', async () => {
    const anonymous = await post(stack.routerUrl, { query: TYPO });
    assert.equal(anonymous.status, 400);
    assert.deepEqual(codesOf(anonymous.body), ['GRAPHQL_VALIDATION_FAILED']);
    assert.match(anonymous.body.errors[0].message, /Cannot query field "nam" on type "Product"\.$/);
    assert.doesNotMatch(JSON.stringify(anonymous.body), /Did you mean/);
    const tooling = await post(stack.routerUrl, { query: TYPO }, { 'x-api-key': TOOLING_KEY });
    assert.match(tooling.body.errors[0].message, /Did you mean "name"\?/);
  });

  it('applies the same rules over WebSocket', async () => {
    const client = wsClient(stack.routerUrl);
    const run = (query: string) =>
      new Promise<any>((resolve) => {
        const results: any[] = [];
        client.subscribe(
          { query },
          {
            next: (result) => results.push(result),
            error: (error) => resolve(Array.isArray(error) ? { errors: error } : error),
            complete: () => resolve(results[0]),
          },
        );
      });
    try {
      assert.deepEqual(codesOf(await run(SCHEMA)), ['INTROSPECTION_DISABLED']);
      const typo = await run('subscription { orderUpdated(orderId: "1") { cursr } }');
      assert.match(typo.errors[0].message, /Cannot query field "cursr"/);
      assert.doesNotMatch(JSON.stringify(typo), /Did you mean/);
    } finally {
      await client.dispose();
    }
  });

  it('allows introspection and suggestions to everyone outside production', async () => {
    const { status, body } = await post(development.url, { query: SCHEMA });
    assert.equal(status, 200);
    assert.equal(body.data.__schema.queryType.name, 'Query');
    const typo = await post(development.url, { query: TYPO });
    assert.match(typo.body.errors[0].message, /Did you mean "name"\?/);
  });
});

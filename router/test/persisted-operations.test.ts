import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import {
  get,
  manifestOperation,
  OPEN_CLIENT_KEY,
  PARTNER_KEY,
  persistedQuery,
  post,
  writeTestClientsFile,
} from './support/clients.js';
import { startStack, type Stack } from './support/stack.js';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

describe('persisted operations, clients and APQ', () => {
  let stack: Stack;
  const variantBySku = manifestOperation('VariantBySku');
  const variables = { sku: 'CAP-BASEBALL-NVY' };
  const partner = { 'x-api-key': PARTNER_KEY };

  before(async () => {
    stack = await startStack({ routerOptions: { clientsPath: writeTestClientsFile() } });
  });
  after(() => stack?.stop());

  // counted by request id: the consumers' long polls run SQL of their own meanwhile
  const statementsOf = (requestId: string) =>
    Object.values(stack.statementsFor(requestId)).reduce((sum, count) => sum + count, 0);

  it('runs a manifest operation by id for a safelisted partner over POST', async () => {
    const result = await post(
      stack.routerUrl,
      { variables, extensions: persistedQuery(variantBySku.id) },
      { ...partner, 'x-request-id': 'partner-post' },
    );
    assert.equal(result.status, 200, JSON.stringify(result.body));
    assert.equal(result.body.errors, undefined);
    assert.equal(result.body.data.variant.sku, 'CAP-BASEBALL-NVY');
    assert.ok(statementsOf('partner-post') > 0, 'the subgraphs were asked');
  });

  it('runs it over GET with Cache-Control, an ETag and 304 on If-None-Match', async () => {
    const params = {
      operationName: 'VariantBySku',
      variables,
      extensions: persistedQuery(variantBySku.id),
    };
    const first = await get(stack.routerUrl, params, partner);
    assert.equal(first.status, 200, first.text);
    assert.equal(JSON.parse(first.text).data.variant.sku, 'CAP-BASEBALL-NVY');
    assert.match(first.headers.get('cache-control') ?? '', /^private, max-age=\d+$/);
    const etag = first.headers.get('etag');
    assert.ok(etag, 'an ETag');
    const again = await get(stack.routerUrl, params, { ...partner, 'if-none-match': etag });
    assert.equal(again.status, 304);
    assert.equal(again.text, '');
    assert.equal(again.headers.get('etag'), etag);
    const changed = await get(stack.routerUrl, params, { ...partner, 'if-none-match': '"other"' });
    assert.equal(changed.status, 200);

    // anonymous callers get responses shared caches may keep
    const anonymous = await get(stack.routerUrl, params);
    assert.equal(anonymous.status, 200, anonymous.text);
    assert.match(anonymous.headers.get('cache-control') ?? '', /^public, max-age=\d+$/);
  });

  it('never marks a mutation or a failed GET cacheable', async () => {
    const mutation = manifestOperation('PlaceOrder');
    const refused = await get(stack.routerUrl, {
      operationName: 'PlaceOrder',
      variables: { input: {} },
      extensions: persistedQuery(mutation.id),
    });
    assert.equal(refused.status, 405, refused.text); // Apollo Server runs no mutation over GET
    assert.doesNotMatch(refused.headers.get('cache-control') ?? '', /max-age/);
    const failed = await get(stack.routerUrl, { query: '{ variant(sku: 1, nope: 2) { sku } }' });
    assert.equal(failed.headers.get('cache-control'), 'no-store');
    assert.equal(failed.headers.get('etag'), null);
  });

  it('accepts the manifest text from a safelisted partner, normalized', async () => {
    const reformatted = `# the same operation, laid out differently\n${variantBySku.body.replaceAll('\n', ' \n  ')}`;
    const result = await post(stack.routerUrl, { query: reformatted, variables }, partner);
    assert.equal(result.status, 200, JSON.stringify(result.body));
    assert.equal(result.body.data.variant.sku, 'CAP-BASEBALL-NVY');
  });

  it('refuses freeform text, unknown ids and changed bodies before any subgraph is asked', async () => {
    const cases = [
      {
        name: 'freeform text',
        body: { query: '{ variant(sku: "CAP-BASEBALL-NVY") { sku name } }' },
        status: 403,
        code: 'QUERY_NOT_IN_SAFELIST',
      },
      {
        name: 'unknown id',
        body: { variables, extensions: persistedQuery(sha256('query Unknown { __typename }')) },
        status: 404,
        code: 'PERSISTED_QUERY_NOT_IN_LIST',
      },
      {
        name: 'manifest id with a changed body',
        body: {
          query: variantBySku.body.replace('onHand', 'onHand\n      reserved: onHand'),
          variables,
          extensions: persistedQuery(variantBySku.id),
        },
        status: 403,
        code: 'QUERY_NOT_IN_SAFELIST',
      },
      {
        name: 'a document that does not parse',
        body: { query: '{ variant(' },
        status: 403,
        code: 'QUERY_NOT_IN_SAFELIST',
      },
    ];
    for (const { name, body, status, code } of cases) {
      const requestId = `refused-${code}-${name.replaceAll(' ', '-')}`;
      const result = await post(stack.routerUrl, body, { ...partner, 'x-request-id': requestId });
      assert.equal(result.status, status, `${name}: ${JSON.stringify(result.body)}`);
      assert.equal(result.body.errors?.[0]?.extensions?.code, code, name);
      assert.equal(result.body.data, undefined, name);
      assert.equal(statementsOf(requestId), 0, `${name}: no subgraph statement`);
    }
    const overGet = await get(
      stack.routerUrl,
      { query: '{ variant(sku: "CAP-BASEBALL-NVY") { sku } }' },
      partner,
    );
    assert.equal(overGet.status, 403);
    assert.equal(JSON.parse(overGet.text).errors[0].extensions.code, 'QUERY_NOT_IN_SAFELIST');
  });

  it('refuses an APQ registration from a safelisted partner, and stores nothing', async () => {
    // a text of its own each run, so a shared store cannot already know it
    const query = `query PartnerApq${Date.now()} { variant(sku: "CAP-BASEBALL-NVY") { sku name } }`;
    const extensions = persistedQuery(sha256(query));
    const requestId = `partner-apq-${Date.now()}`;
    const result = await post(
      stack.routerUrl,
      { query, extensions },
      { ...partner, 'x-request-id': requestId },
    );
    assert.equal(result.status, 404, JSON.stringify(result.body));
    assert.deepEqual(result.body, {
      errors: [
        {
          message:
            'This client may only run the operations of the persisted query manifest; the id is not in it.',
          extensions: { code: 'PERSISTED_QUERY_NOT_IN_LIST' },
        },
      ],
    });
    assert.equal(statementsOf(requestId), 0, 'no subgraph statement');
    // not registered: an open client asking by the hash is told to send the text
    const byHash = await post(stack.routerUrl, { extensions }, { 'x-api-key': OPEN_CLIENT_KEY });
    assert.equal(byHash.body.errors?.[0]?.extensions?.code, 'PERSISTED_QUERY_NOT_FOUND');
  });

  it('refuses an unknown API key with 401', async () => {
    const result = await post(
      stack.routerUrl,
      { extensions: persistedQuery(variantBySku.id), variables },
      { 'x-api-key': 'not-a-key-of-anyone' },
    );
    assert.equal(result.status, 401);
    assert.equal(result.body.errors[0].extensions.code, 'UNAUTHENTICATED');
  });

  it('lets open clients and users run any operation and register APQs', async () => {
    const freeform = await post(
      stack.routerUrl,
      { query: '{ variant(sku: "CAP-BASEBALL-NVY") { sku } }' },
      { 'x-api-key': OPEN_CLIENT_KEY },
    );
    assert.deepEqual(freeform.body, { data: { variant: { sku: 'CAP-BASEBALL-NVY' } } });

    // a text of its own each run, so a shared store cannot already know it
    const query = `query Apq${Date.now()} { variant(sku: "CAP-BASEBALL-NVY") { sku name } }`;
    const extensions = persistedQuery(sha256(query));
    const token = await stack.token('staff-apq', ['staff']);
    const headers = { authorization: `Bearer ${token}` };
    const unknown = await post(stack.routerUrl, { extensions }, headers);
    assert.equal(unknown.body.errors[0].extensions.code, 'PERSISTED_QUERY_NOT_FOUND');
    const registered = await post(stack.routerUrl, { query, extensions }, headers);
    assert.equal(registered.body.data.variant.sku, 'CAP-BASEBALL-NVY');
    const byHash = await post(stack.routerUrl, { extensions }, headers);
    assert.deepEqual(byHash.body, registered.body);
    const overGet = await get(stack.routerUrl, { extensions }, headers);
    assert.deepEqual(JSON.parse(overGet.text), registered.body);
    assert.match(overGet.headers.get('cache-control') ?? '', /^private/);

    const mismatch = await post(
      stack.routerUrl,
      { query: `${query} `, extensions: persistedQuery(sha256('something else')) },
      headers,
    );
    assert.equal(mismatch.status, 400);
  });

  it("counts each client's operations, errors and latency in /metrics", async () => {
    const metrics = await (await fetch(new URL('/metrics', stack.routerUrl))).text();
    assert.match(
      metrics,
      /ordergraph_client_operations_total\{client="partner-acme",operation="VariantBySku"\} [1-9]/,
    );
    assert.match(
      metrics,
      /ordergraph_client_operation_errors_total\{client="partner-acme",[^}]*\} [1-9]/,
    );
    assert.match(
      metrics,
      /ordergraph_client_operation_duration_seconds_count\{client="partner-acme",operation="VariantBySku"\} [1-9]/,
    );
  });
});

import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import {
  manifestOperation,
  PARTNER_KEY,
  persistedQuery,
  writeTestClientsFile,
} from './support/clients.js';
import { startStack, type Stack } from './support/stack.js';

// what a page on another site can make a browser send without a preflight: an <img> or a
// plain link (GET, no content type), a <form> (urlencoded, multipart or text/plain), a
// no-cors fetch (those, plus a safelisted Accept); all refused before anything runs

const PRODUCTS = '{ products(first: 1) { nodes { id } } }';

let stack: Stack;
before(async () => {
  stack = await startStack({ routerOptions: { clientsPath: writeTestClientsFile() } });
});
after(() => stack?.stop());

// each request carries an id of its own, so the SQL it caused is counted apart from what the
// services' background work does meanwhile; x-request-id is no proof of a preflight
let requestId = '';

async function send(
  init: { method?: string; headers?: Record<string, string>; body?: string },
  search = '',
) {
  const response = await fetch(`${stack.routerUrl}${search}`, {
    ...init,
    headers: { ...init.headers, 'x-request-id': requestId || randomUUID() },
  });
  const text = await response.text();
  return { status: response.status, text, body: JSON.parse(text) as any };
}

/** asserts the CSRF refusal, and that no subgraph ran a statement for it */
async function assertRefused(request: () => ReturnType<typeof send>) {
  requestId = randomUUID();
  const { status, body } = await request();
  assert.equal(status, 400);
  assert.equal(body.errors[0].extensions.code, 'BAD_REQUEST');
  assert.match(body.errors[0].message, /cross-site request forgery \(CSRF\)/);
  assert.equal(body.data, undefined);
  assert.deepEqual(Object.values(stack.statementsFor(requestId)), [0, 0, 0, 0, 0]);
  requestId = '';
}

const searchOf = (params: Record<string, unknown>) =>
  `?${new URLSearchParams(
    Object.entries(params).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]),
  ).toString()}`;

describe('cross-site request forgery', () => {
  it('refuses a GET with no content type and no preflight header (an <img> on another site)', async () => {
    await assertRefused(() => send({}, searchOf({ query: PRODUCTS })));
  });

  it('refuses form posts: urlencoded, multipart and text/plain bodies', async () => {
    await assertRefused(() =>
      send({
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: `query=${encodeURIComponent(PRODUCTS)}`,
      }),
    );
    await assertRefused(() =>
      send({
        method: 'POST',
        headers: { 'content-type': 'multipart/form-data; boundary=x' },
        body: `--x\r\ncontent-disposition: form-data; name="query"\r\n\r\n${PRODUCTS}\r\n--x--`,
      }),
    );
    // a JSON body under a simple content type, which a lenient parser would read
    await assertRefused(() =>
      send({
        method: 'POST',
        headers: { 'content-type': 'text/plain; x=json' },
        body: JSON.stringify({ query: PRODUCTS }),
      }),
    );
  });

  it('refuses a no-cors subscription over multipart HTTP or SSE (safelisted Accept only)', async () => {
    const subscription = 'subscription { orderUpdated(orderId: "1") { cursor } }';
    await assertRefused(() =>
      send({
        method: 'POST',
        headers: {
          'content-type': 'text/plain; x=json',
          accept: 'multipart/mixed;subscriptionSpec=1.0',
        },
        body: JSON.stringify({ query: subscription }),
      }),
    );
    await assertRefused(() =>
      send({ headers: { accept: 'text/event-stream' } }, searchOf({ query: subscription })),
    );
    await assertRefused(() =>
      send({
        method: 'POST',
        headers: { 'content-type': 'text/plain', accept: 'text/event-stream' },
        body: JSON.stringify({ query: subscription }),
      }),
    );
  });

  it('refuses a persisted GET by id without a preflight header', async () => {
    const { id } = manifestOperation('CatalogBrowse');
    await assertRefused(() => send({}, searchOf({ extensions: persistedQuery(id) })));
  });

  it('serves persisted GETs to partners (x-api-key) and to apollo-require-preflight', async () => {
    const { id } = manifestOperation('CatalogBrowse');
    const search = searchOf({ extensions: persistedQuery(id), variables: { first: 1 } });
    const partner: Record<string, string> = { 'x-api-key': PARTNER_KEY };
    for (const headers of [partner, { 'apollo-require-preflight': 'true' }]) {
      const { status, body } = await send({ headers }, search);
      assert.equal(status, 200, JSON.stringify(body));
      assert.equal(body.errors, undefined);
      assert.ok(body.data);
    }
  });

  it('serves what only a preflighted request can send: JSON, or the preflight headers', async () => {
    const json = await send({
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: PRODUCTS }),
    });
    assert.equal(json.status, 200);
    const get = await send(
      { headers: { 'x-apollo-operation-name': 'Products' } },
      searchOf({ query: PRODUCTS }),
    );
    assert.equal(get.status, 200);
    assert.ok(get.body.data.products);
  });
});

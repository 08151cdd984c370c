import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { hashApiKey, type ClientsFile } from '../src/clients/clients-file.js';
import { SUPERGRAPH_FILE } from '../src/composition.js';
import type { Router } from '../src/server.js';
import { post } from './support/clients.js';
import { parsePrometheusText } from './support/prometheus.js';
import { MUG, TEE } from './support/fixtures.js';
import { startStack, type Stack } from './support/stack.js';
import {
  subscribeOverMultipart,
  subscribeOverSse,
  subscribeOverWebSocket,
  type OpenSubscription,
  type Result,
} from './support/subscription-clients.js';

const BUDGET_CLIENT_KEY = 'og_test_budget_key_0123456789';
const LIMITS = {
  maxDepth: 4,
  maxAliases: 2,
  maxRootFields: 3,
  maxTokens: 40,
  maxBodyBytes: 2_000,
  maxCost: 50,
  rateLimit: null,
};

/** a clients file with one open client whose cost budget is 100 */
function writeBudgetClientsFile(): string {
  const file: ClientsFile = {
    defaultPolicy: 'open',
    clients: [
      {
        name: 'big-reports',
        roles: [],
        policy: 'open',
        apiKeys: [{ sha256: hashApiKey(BUDGET_CLIENT_KEY) }],
        limits: { maxCost: 100 },
      },
    ],
  };
  const path = join(mkdtempSync(join(tmpdir(), 'ordergraph-limits-')), 'clients.json');
  writeFileSync(path, JSON.stringify(file));
  return path;
}

let stack: Stack;
before(async () => {
  stack = await startStack({
    routerOptions: { clientsPath: writeBudgetClientsFile(), limits: LIMITS },
  });
});
after(() => stack?.stop());

let sent = 0;
/**
 * posts an operation; the response and how many SQL statements the subgraphs ran for it,
 * counted by its request id (the consumers' long polls run SQL of their own meanwhile)
 */
async function send(body: unknown, headers: Record<string, string> = {}, url = stack.routerUrl) {
  const requestId = `limits-${process.pid}-${++sent}`;
  const response = await post(url, body, { 'x-request-id': requestId, ...headers });
  const statements = Object.values(stack.statementsFor(requestId)).reduce((a, b) => a + b, 0);
  return { ...response, statements };
}

async function assertPasses(body: unknown, headers: Record<string, string> = {}, url?: string) {
  const { status, body: result } = await send(body, headers, url);
  assert.equal(status, 200, JSON.stringify(result));
  assert.equal(result.errors, undefined, JSON.stringify(result.errors));
  return result;
}

async function assertRefused(
  body: unknown,
  { code, status = 400, extensions }: { code: string; status?: number; extensions?: object },
  headers: Record<string, string> = {},
  url?: string,
) {
  const refused = await send(body, headers, url);
  assert.equal(refused.status, status, JSON.stringify(refused.body));
  assert.equal(refused.body.data, undefined);
  assert.equal(refused.body.errors.length, 1);
  const { code: actual, stacktrace: _, ...rest } = refused.body.errors[0].extensions;
  assert.equal(actual, code);
  if (extensions) assert.deepEqual(rest, extensions);
  assert.equal(refused.statements, 0, 'no subgraph was asked');
}

describe('request limits: just under passes, just over is refused with its code', () => {
  it('depth, counted through fragments: 4 passes, 5 is MAX_DEPTH_EXCEEDED', async () => {
    const result = await assertPasses({
      query: `{ variant(sku: "${TEE}") { product { variants { sku } } } }`,
    });
    assert.ok(result.data.variant.product.variants.length > 0);
    await assertRefused(
      { query: `{ variant(sku: "${TEE}") { product { variants { product { name } } } } }` },
      { code: 'MAX_DEPTH_EXCEEDED', extensions: { depth: 5, maxDepth: 4 } },
    );
    await assertRefused(
      {
        query: `{ variant(sku: "${TEE}") { ...V } }
          fragment V on ProductVariant { product { variants { product { name } } } }`,
      },
      { code: 'MAX_DEPTH_EXCEEDED', extensions: { depth: 5, maxDepth: 4 } },
    );
  });

  it('aliases: 2 pass, 3 are MAX_ALIASES_EXCEEDED', async () => {
    const aliased = (names: string[]) =>
      `{ ${names.map((name) => `${name}: variant(sku: "${TEE}") { sku }`).join(' ')} }`;
    const result = await assertPasses({ query: aliased(['a', 'b']) });
    assert.deepEqual(result.data, { a: { sku: TEE }, b: { sku: TEE } });
    await assertRefused(
      { query: aliased(['a', 'b', 'c']) },
      { code: 'MAX_ALIASES_EXCEEDED', extensions: { aliases: 3, maxAliases: 2 } },
    );
  });

  it('root fields: 3 pass, 4 are MAX_ROOT_FIELDS_EXCEEDED', async () => {
    await assertPasses({ query: '{ categories a: categories b: categories }' });
    await assertRefused(
      { query: `{ categories a: categories b: categories variant(sku: "${TEE}") { sku } }` },
      { code: 'MAX_ROOT_FIELDS_EXCEEDED', extensions: { rootFields: 4, maxRootFields: 3 } },
    );
  });

  it('tokens: 40 pass, 41 are MAX_TOKENS_EXCEEDED', async () => {
    // `{ variant ( sku : "…" ) {` and `} }` are 10 tokens; each repeated `sku` one more
    const withTokens = (tokens: number) =>
      `{ variant(sku: "${TEE}") { ${'sku '.repeat(tokens - 10)}} }`;
    const result = await assertPasses({ query: withTokens(40) });
    assert.deepEqual(result.data, { variant: { sku: TEE } });
    await assertRefused({ query: withTokens(41) }, { code: 'MAX_TOKENS_EXCEEDED', extensions: {} });
  });

  it('body size: 2000 bytes pass, 2001 are 413 PAYLOAD_TOO_LARGE', async () => {
    const bodyOf = (bytes: number) => {
      const empty = JSON.stringify({ query: '{ categories }' });
      return JSON.stringify({ query: `{ categories }${' '.repeat(bytes - empty.length)}` });
    };
    const raw = async (body: string) => {
      assert.equal(Buffer.byteLength(body), body.length);
      const response = await fetch(stack.routerUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
      return { status: response.status, body: (await response.json()) as any };
    };
    const under = await raw(bodyOf(2_000));
    assert.equal(under.status, 200, JSON.stringify(under.body));
    assert.ok(Array.isArray(under.body.data.categories));
    const over = await raw(bodyOf(2_001));
    assert.equal(over.status, 413);
    assert.deepEqual(over.body, {
      errors: [
        { message: 'Request body is too large.', extensions: { code: 'PAYLOAD_TOO_LARGE' } },
      ],
    });
  });

  it('cost, with `first` from the variables: 50 passes, 51 is COST_ESTIMATED_TOO_EXPENSIVE', async () => {
    // products (1) + first × node (1)
    const query = 'query($n: Int) { products(first: $n) { nodes { name } } }';
    const result = await assertPasses({ query, variables: { n: 49 } });
    assert.ok(result.data.products.nodes.length > 0);
    await assertRefused(
      { query, variables: { n: 50 } },
      {
        code: 'COST_ESTIMATED_TOO_EXPENSIVE',
        extensions: { 'cost.estimated': 51, 'cost.max': 50 },
      },
    );
    // the schema's default `first` (20) is priced when none is given
    await assertPasses({ query });
  });

  it("applies a client's own budget from the clients file: 100 passes, 101 is refused", async () => {
    const client = { 'x-api-key': BUDGET_CLIENT_KEY };
    const query = 'query($n: Int) { products(first: $n) { nodes { name } } }';
    await assertPasses({ query, variables: { n: 99 } }, client);
    await assertRefused(
      { query, variables: { n: 100 } },
      {
        code: 'COST_ESTIMATED_TOO_EXPENSIVE',
        extensions: { 'cost.estimated': 101, 'cost.max': 100 },
      },
      client,
    );
    // the same document, cached for the client, is still priced against the anonymous budget
    await assertRefused(
      { query, variables: { n: 99 } },
      {
        code: 'COST_ESTIMATED_TOO_EXPENSIVE',
        extensions: { 'cost.estimated': 100, 'cost.max': 50 },
      },
    );
  });
});

/** the operations the router counted over their cost budget, by cost mode */
async function overBudget(url: string): Promise<Record<string, number>> {
  const text = await (await fetch(new URL('/metrics', url))).text();
  return Object.fromEntries(
    parsePrometheusText(text)
      .samples.filter((sample) => sample.name === 'ordergraph_router_cost_over_budget_total')
      .map((sample) => [sample.labels['mode']!, sample.value]),
  );
}

describe('demand control in measure mode', () => {
  let measuring: { router: Router; url: string };
  before(async () => {
    measuring = await stack.startExtraRouter({ limits: { ...LIMITS, costMode: 'measure' } });
  });
  after(() => measuring?.router.stop());

  it('runs an operation over its budget, and counts it as measured', async () => {
    const query = 'query($n: Int) { products(first: $n) { nodes { name } } }';
    assert.deepEqual(await overBudget(measuring.url), {});
    const result = await assertPasses({ query, variables: { n: 50 } }, {}, measuring.url);
    assert.ok(result.data.products.nodes.length > 0);
    await assertPasses({ query, variables: { n: 49 } }, {}, measuring.url);
    assert.deepEqual(await overBudget(measuring.url), { measure: 1 });
    // the other limits still refuse: measure mode is for the cost budget alone
    await assertRefused(
      { query: `{ variant(sku: "${TEE}") { product { variants { product { name } } } } }` },
      { code: 'MAX_DEPTH_EXCEEDED', extensions: { depth: 5, maxDepth: 4 } },
      {},
      measuring.url,
    );
  });

  it('is off by default: the router that refuses counts its refusals as enforced', async () => {
    const query = 'query($n: Int) { products(first: $n) { nodes { name } } }';
    const before = (await overBudget(stack.routerUrl))['enforce'] ?? 0;
    await assertRefused(
      { query, variables: { n: 60 } },
      {
        code: 'COST_ESTIMATED_TOO_EXPENSIVE',
        extensions: { 'cost.estimated': 61, 'cost.max': 50 },
      },
    );
    assert.deepEqual(await overBudget(stack.routerUrl), { enforce: before + 1 });
  });
});

describe("the supergraph's argument and input field weights count toward the budget", () => {
  /** the committed supergraph with one more `@cost`, appended to what `place` matches */
  const withWeight = (sdl: string, place: RegExp, weight: number) => {
    const weighted = sdl.replace(place, `$1 @cost(weight: ${weight})`);
    assert.notEqual(weighted, sdl, `the supergraph has ${place.source}`);
    return weighted;
  };
  let weighted: { router: Router; url: string };
  before(async () => {
    let supergraphSdl = readFileSync(SUPERGRAPH_FILE, 'utf8');
    supergraphSdl = withWeight(supergraphSdl, /(\n {2}products\([^)]*?\n {4}search: String)/, 45);
    supergraphSdl = withWeight(
      supergraphSdl,
      /(\ninput QuoteInput\b[^}]*?\n {2}promoCode: String)/,
      50,
    );
    weighted = await stack.startExtraRouter({ limits: LIMITS, supergraphSdl });
  });
  after(() => weighted?.router.stop());

  it('an argument given by a variable: 6 without it passes, 6 + 45 with it is refused', async () => {
    // products (1) + first × node (1), and `search` (45) when it is set
    const query = 'query($s: String) { products(first: 5, search: $s) { nodes { name } } }';
    const result = await assertPasses({ query }, {}, weighted.url);
    assert.equal(result.data.products.nodes.length, 5);
    await assertRefused(
      { query, variables: { s: 'tee' } },
      {
        code: 'COST_ESTIMATED_TOO_EXPENSIVE',
        extensions: { 'cost.estimated': 51, 'cost.max': 50 },
      },
      {},
      weighted.url,
    );
  });

  it('an input field set in a literal: a quote with a promo code is refused', async () => {
    const quote = (extra: string) =>
      `{ quote(input: { lines: [{ sku: "${TEE}", quantity: 1 }]${extra} }) { __typename } }`;
    const result = await assertPasses({ query: quote('') }, {}, weighted.url);
    assert.equal(result.data.quote.__typename, 'Quote');
    await assertRefused(
      { query: quote(', promoCode: "WELCOME10"') },
      {
        code: 'COST_ESTIMATED_TOO_EXPENSIVE',
        extensions: { 'cost.estimated': 51, 'cost.max': 50 },
      },
      {},
      weighted.url,
    );
  });
});

describe('subscriptions obey the same limits', () => {
  const allowed = `subscription { stockChanged(sku: "${MUG}") { variant { product { name } } } }`;
  const tooDeep = `subscription { stockChanged(sku: "${MUG}") { variant { product { variants { sku } } } } }`;

  /** the codes a subscription ended with: a result's errors, or the errors it failed with */
  const codesOf = async (subscription: OpenSubscription) => {
    const results = await subscription.received.end();
    const failure = subscription.received.failure as Result['errors'] | { response?: Response };
    // graphql-ws fails with the errors, graphql-sse with the refused response
    const refused: Result =
      failure && 'response' in failure && failure.response
        ? ((await failure.response.json()) as Result)
        : { errors: Array.isArray(failure) ? failure : [] };
    const errors = [...results, refused].flatMap((result) => result.errors ?? []);
    await subscription.close();
    return errors.map((error) => error.extensions?.['code']);
  };

  it('refuses a subscription one field too deep on every transport', async () => {
    const options = { url: stack.routerUrl, query: tooDeep };
    const multipart = subscribeOverMultipart(options);
    assert.equal(await multipart.status, 400);
    assert.deepEqual(await codesOf(multipart), ['MAX_DEPTH_EXCEEDED']);
    assert.deepEqual(await codesOf(subscribeOverWebSocket(options)), ['MAX_DEPTH_EXCEEDED']);
    assert.deepEqual(await codesOf(subscribeOverSse(options)), ['MAX_DEPTH_EXCEEDED']);
  });

  it('refuses a subscription over the token limit', async () => {
    const long = `subscription { stockChanged(sku: "${MUG}") { ${'cursor '.repeat(40)}} }`;
    const options = { url: stack.routerUrl, query: long };
    assert.deepEqual(await codesOf(subscribeOverWebSocket(options)), ['MAX_TOKENS_EXCEEDED']);
    assert.deepEqual(await codesOf(subscribeOverMultipart(options)), ['MAX_TOKENS_EXCEEDED']);
  });

  it('accepts one at the depth limit', async () => {
    const multipart = subscribeOverMultipart({ url: stack.routerUrl, query: allowed });
    assert.equal(await multipart.status, 200);
    await multipart.close();
  });
});

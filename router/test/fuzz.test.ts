import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import WebSocket from 'ws';
import { withDeadline } from '@ordergraph/shared/testing';
import { startStack, type Stack } from './support/stack.js';

// Thousands of malformed and hostile requests against a real router, from a seeded PRNG so a
// failure replays: no 5xx, every answer a well-formed GraphQL error (a 4xx, or a 200 with
// errors), the router answering normal queries throughout, and its memory bounded. Nothing here
// depends on the request limits' own codes: without them the router must still hold.

const SEED = Number(process.env['FUZZ_SEED'] ?? 20_240_611);
const HTTP_REQUESTS = 2_000;
const SOCKETS = 120;
const CONCURRENCY = 8;
const NORMAL_QUERY = '{ products(first: 1) { nodes { id } } }';

/**
 * Heap growth allowed between the warm-up and the end, after a full GC. The router keeps only
 * bounded caches (Apollo's document and query-plan stores, the APQ LRU, the subscription
 * documents), and the hostile documents are invalid, so almost none of it fills. 64 MiB is far
 * below what a leak would show: about 200 of these requests carry 0.5-1.2 MB bodies, so keeping
 * any fraction of them, or of anything per request, overshoots it.
 */
const HEAP_GROWTH_LIMIT = 64 * 1024 * 1024;
/** RSS also counts freed pages V8 keeps for reuse; a leak of the bodies would still exceed it */
const RSS_GROWTH_LIMIT = 384 * 1024 * 1024;

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** mulberry32: small, fast and the same on every machine */
function prng(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  const pick = <T>(items: readonly T[]): T => items[int(0, items.length - 1)] as T;
  const bytes = (length: number) => Buffer.from(Array.from({ length }, () => int(0, 255)));
  return { next, int, pick, bytes };
}

interface HostileRequest {
  kind: string;
  method: string;
  headers: Record<string, string>;
  body?: Buffer | string;
  search?: string;
}

type Random = ReturnType<typeof prng>;

const aliases = (random: Random, field: string) =>
  Array.from({ length: random.int(300, 2_000) }, (_, i) => `a${i}: ${field}`).join(' ');

/** GraphQL documents that must fail: unparsable, invalid, or refused at execution */
const hostileDocuments: ((random: Random) => string)[] = [
  (r) => `{ ${'a { '.repeat(r.int(200, 4_000))}${'}'.repeat(r.int(0, 4_000))}`,
  (r) => `{ ${'products { nodes { '.repeat(r.int(50, 600))}id ${'} } '.repeat(r.int(50, 600))}}`,
  (r) => `{ ${aliases(r, '__typename')} notAField }`,
  (r) => `{ ${aliases(r, 'me { id }')} alsoNotAField }`,
  (r) => `{ ${aliases(r, `order(id: "${r.int(1, 1e9)}") { id }`)} }`,
  (r) => `{ me { ${'id '.repeat(r.int(500, 3_000))} nope } }`,
  () => 'query { ...A } fragment A on Query { ...B } fragment B on Query { ...A }',
  () => 'query { ...A } fragment A on Query { __typename ...A }',
  (r) =>
    `query Q(${Array.from({ length: r.int(50, 500) }, (_, i) => `$v${i}: Int`).join(' ')}) { x }`,
  (r) => 'x'.repeat(r.int(100_000, 900_000)),
  (r) => `{ products(search: "${'\\u0000'.repeat(r.int(1, 50))}${'z'.repeat(r.int(1, 1000))}") }`,
  (r) => r.bytes(r.int(1, 2_000)).toString('latin1'),
  () => 'subscription { orderUpdated(orderId: 1) { nope } }',
  () => 'mutation { placeOrder(input: {}) { __typename } }',
  () => '{ __schema { types { fields { type { ofType { ofType { name } } } } } } nope }',
  (r) => `{ ${'__typename '.repeat(r.int(1, 10))} } { __typename }`,
];

function deepJson(random: Random): string {
  const depth = random.int(1_000, 60_000);
  return `${'['.repeat(depth)}${']'.repeat(random.next() < 0.5 ? depth : random.int(0, depth))}`;
}

function hostileBody(random: Random): Buffer | string {
  const query = random.pick(hostileDocuments)(random);
  switch (random.int(0, 11)) {
    case 0:
      return random.bytes(random.int(0, 4_096));
    case 1: // invalid UTF-8 inside a JSON string
      return Buffer.concat([
        Buffer.from('{"query":"{ me { id } }","operationName":"'),
        random.pick([
          Buffer.from([0xc3, 0x28]),
          Buffer.from([0xff, 0xfe]),
          Buffer.from([0xed, 0xa0, 0x80]),
        ]),
        Buffer.from('"}'),
      ]);
    case 2:
      return `{"query":${JSON.stringify(query)},"variables":{"v":${deepJson(random)}}}`;
    case 3:
      return deepJson(random);
    case 4:
      return random.pick([
        '1',
        '"x"',
        'null',
        '[]',
        '{}',
        'true',
        '[{"query":"{ me { id } }"}, 1, null]',
      ]);
    case 5:
      return JSON.stringify({
        extensions: {
          persistedQuery: random.pick([
            { version: 1, sha256Hash: random.bytes(32).toString('hex') },
            { version: 'x', sha256Hash: 42 },
            'nonsense',
          ]),
        },
        ...(random.next() < 0.5 ? { query: query.slice(0, 1_000) } : {}),
      });
    case 6:
      return JSON.stringify({ query: random.int(0, 9), variables: 'not json', operationName: [] });
    case 7: // over the body limit
      return `{"query":"${'y'.repeat(random.int(1_000_001, 1_200_000))}"}`;
    default:
      return JSON.stringify({
        query,
        ...(random.next() < 0.3 ? { operationName: random.bytes(8).toString('hex') } : {}),
        ...(random.next() < 0.3
          ? { variables: { input: random.bytes(16).toString('base64') } }
          : {}),
      });
  }
}

function hostileRequest(random: Random): HostileRequest {
  const headers: Record<string, string> = {};
  // most pass the CSRF check so the deeper layers are reached
  if (random.next() < 0.9) headers['apollo-require-preflight'] = 'true';
  const roll = random.next();
  if (roll < 0.05) headers['authorization'] = random.pick(['Bearer x.y.z', 'Basic Zm9v', 'Bearer']);
  else if (roll < 0.1) headers['x-api-key'] = random.bytes(12).toString('hex');
  const transport = random.next();
  if (transport < 0.1) headers['accept'] = 'multipart/mixed;subscriptionSpec=1.0';
  else if (transport < 0.2) headers['accept'] = 'text/event-stream';
  const method = random.next() < 0.15 ? random.pick(['GET', 'GET', 'PATCH']) : 'POST';
  if (method === 'GET') {
    const search = new URLSearchParams();
    search.set('query', random.pick(hostileDocuments)(random).slice(0, 6_000));
    if (random.next() < 0.4) search.set('variables', random.bytes(20).toString('latin1'));
    if (random.next() < 0.3) search.set('extensions', '{"persistedQuery":{"sha256Hash":"00"}}');
    return { kind: 'get', method, headers, search: `?${search.toString()}` };
  }
  headers['content-type'] = random.pick([
    'application/json',
    'application/json',
    'application/json; charset=utf-8',
    'application/graphql-response+json',
    'application/graphql',
    'application/xml',
    'text/plain',
    'application/x-www-form-urlencoded',
    'multipart/form-data; boundary=zz',
    'application/json; charset=latin1',
    ';;;',
  ]);
  return { kind: 'post', method, headers, body: hostileBody(random) };
}

interface Outcome {
  status: number;
  wellFormed: boolean;
  text: string;
}

async function send(url: string, request: HostileRequest): Promise<Outcome> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), 30_000);
  try {
    const response = await fetch(`${url}${request.search ?? ''}`, {
      method: request.method,
      headers: request.headers,
      signal: abort.signal,
      ...(request.body === undefined
        ? {}
        : { body: typeof request.body === 'string' ? request.body : new Uint8Array(request.body) }),
    });
    const type = response.headers.get('content-type') ?? '';
    let text: string;
    if (type.startsWith('text/event-stream') || type.startsWith('multipart/mixed')) {
      // a stream: its first event or part must carry the errors
      const reader = response.body!.getReader();
      text = '';
      while (!/"errors"/.test(text) && text.length < 100_000) {
        const { value, done } = await reader.read();
        if (done) break;
        text += new TextDecoder().decode(value);
      }
      abort.abort();
      return { status: response.status, wellFormed: /"errors":\[\{"message":"/.test(text), text };
    }
    text = await response.text();
    return { status: response.status, wellFormed: isErrorBody(text), text };
  } catch (error) {
    // the router hung up, or never answered: reported with the request that did it
    const cause = (error as { cause?: unknown }).cause;
    return { status: 0, wellFormed: false, text: `${String(error)} (${String(cause)})` };
  } finally {
    clearTimeout(timer);
  }
}

/** `{ errors: [{ message }, …] }`, possibly with data */
function isErrorBody(text: string): boolean {
  try {
    const body = JSON.parse(text) as { errors?: unknown };
    return (
      Array.isArray(body.errors) &&
      body.errors.length > 0 &&
      body.errors.every(
        (error) =>
          typeof error === 'object' &&
          error !== null &&
          typeof (error as { message?: unknown }).message === 'string',
      )
    );
  } catch {
    return false;
  }
}

/** hostile graphql-transport-ws conversations; resolves to the close code */
function hostileSocket(url: string, random: Random): Promise<number> {
  const scripts: ((socket: WebSocket) => void)[] = [
    (s) => s.send(random.bytes(random.int(1, 512))),
    (s) => s.send('{"type":'),
    (s) =>
      s.send(JSON.stringify({ type: 'subscribe', id: '1', payload: { query: '{ __typename }' } })),
    (s) => {
      s.send(JSON.stringify({ type: 'connection_init' }));
      s.send(JSON.stringify({ type: 'connection_init' }));
    },
    (s) => {
      s.send(JSON.stringify({ type: 'connection_init', payload: { 'x-api-key': 42 } }));
    },
    (s) => {
      s.send(
        JSON.stringify({ type: 'connection_init', payload: { authorization: 'Bearer nope' } }),
      );
    },
    (s) => {
      s.send(JSON.stringify({ type: 'connection_init', payload: deepJson(random) }));
    },
    (s) => {
      s.send(JSON.stringify({ type: 'connection_init' }));
      s.send(JSON.stringify({ type: 'subscribe', id: 'x', payload: { query: 12 } }));
    },
    (s) => {
      s.send(JSON.stringify({ type: 'connection_init' }));
      const payload = { query: random.pick(hostileDocuments)(random).slice(0, 200_000) };
      s.send(JSON.stringify({ type: 'subscribe', id: 'a', payload }));
      s.send(JSON.stringify({ type: 'subscribe', id: 'a', payload }));
      s.send(JSON.stringify({ type: 'bogus', id: 'a' }));
    },
    (s) => s.send(`{"type":"connection_init","payload":"${'p'.repeat(1_100_000)}"}`),
    (s) => s.send(`{"type":"connection_init","payload":${deepJson(random)}}`),
  ];
  const index = random.int(0, scripts.length - 1);
  const script = scripts[index]!;
  const conversation = new Promise<number>((resolve) => {
    const socket = new WebSocket(url.replace(/^http/, 'ws'), 'graphql-transport-ws');
    // a socket the router leaves open fails the deadline below; the test's end closes it
    opened.add(socket);
    socket.once('open', () => script(socket));
    socket.on('message', (data) => {
      // an error for an operation is fine; the socket is closed once its turn is over
      if (String(data).includes('"type":"error"') || String(data).includes('"type":"next"')) {
        socket.close(1000);
      }
    });
    socket.once('close', (code) => {
      opened.delete(socket);
      resolve(code);
    });
    socket.once('error', () => {});
  });
  return withDeadline(conversation, {
    what: `the router to close (or answer) hostile WebSocket conversation ${index}`,
  });
}

// sockets still open, terminated when the file ends (after a failed deadline)
const opened = new Set<WebSocket>();

let stack: Stack;
before(async () => {
  stack = await startStack();
});
after(async () => {
  for (const socket of opened) socket.terminate();
  await stack?.stop();
});

/** a normal query still answered, whole; a router the hostile input wedged fails the deadline */
async function assertResponsive(after: string) {
  const response = await withDeadline(stack.request({ query: NORMAL_QUERY }), {
    what: `a normal query answered after ${after}`,
  });
  assert.equal(response.status, 200, JSON.stringify(response));
  assert.equal(response.errors, undefined, JSON.stringify(response.errors));
  assert.equal(response.data?.products.nodes.length, 1);
}

const memory = () => {
  gc();
  return process.memoryUsage();
};

describe('hostile input', () => {
  it(`${HTTP_REQUESTS} malformed HTTP requests: no 5xx, GraphQL errors, responsive, bounded memory`, async () => {
    const random = prng(SEED);
    const failures: string[] = [];
    let baseline: NodeJS.MemoryUsage | undefined;
    let index = 0;
    // rounds of 250, a normal query after each; the memory baseline after the first round, so
    // it has the caches and pools a router holds anyway
    for (let round = 0; index < HTTP_REQUESTS; round++) {
      const end = Math.min(HTTP_REQUESTS, index + 250);
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          while (index < end) {
            const position = index++;
            // made when sent (in order: the same sequence for a seed), dropped once answered
            const request = hostileRequest(random);
            const outcome = await send(stack.routerUrl, request);
            const acceptable =
              outcome.status < 500 &&
              (outcome.status === 200 || outcome.status >= 400) &&
              outcome.wellFormed;
            if (!acceptable && failures.length < 20) {
              failures.push(
                `#${position} ${request.method} ${JSON.stringify(request.headers)} ` +
                  `${String(request.body ?? request.search).slice(0, 120)} -> ${outcome.status} ` +
                  outcome.text.slice(0, 300),
              );
            }
          }
        }),
      );
      await assertResponsive(`round ${round} of hostile requests`);
      if (round === 0) baseline = memory();
    }
    assert.deepEqual(failures, []);
    assert.equal(index, HTTP_REQUESTS);

    const end = memory();
    const heapGrowth = end.heapUsed - baseline!.heapUsed;
    const rssGrowth = end.rss - baseline!.rss;
    assert.ok(
      heapGrowth < HEAP_GROWTH_LIMIT,
      `heap grew by ${Math.round(heapGrowth / 2 ** 20)} MiB`,
    );
    assert.ok(rssGrowth < RSS_GROWTH_LIMIT, `RSS grew by ${Math.round(rssGrowth / 2 ** 20)} MiB`);
  });

  it(`${SOCKETS} hostile WebSocket conversations: closed with a protocol code, never an internal error`, async () => {
    const random = prng(SEED + 1);
    const codes: number[] = [];
    for (let batch = 0; batch < SOCKETS; batch += CONCURRENCY) {
      codes.push(
        ...(await Promise.all(
          Array.from({ length: Math.min(CONCURRENCY, SOCKETS - batch) }, () =>
            hostileSocket(stack.routerUrl, random),
          ),
        )),
      );
    }
    const internal = codes.filter((code) => code === 4500 || code === 1011 || code === 1006);
    assert.deepEqual(internal, [], `close codes: ${codes.join(', ')}`);
    await assertResponsive('the hostile sockets');
    assert.equal(stack.router.subscriptionStats().sockets, 0);
  });

  it('a WebSocket frame over the size limit: closed with 1009, not logged as an internal error', async (t) => {
    const logged = t.mock.method(console, 'error', () => {});
    const socket = new WebSocket(stack.routerUrl.replace(/^http/, 'ws'), 'graphql-transport-ws');
    socket.once('error', () => {});
    await new Promise((resolve) => socket.once('open', resolve));
    const closed = new Promise<number>((resolve) => socket.once('close', resolve));
    socket.send(`{"type":"connection_init","payload":"${'p'.repeat(2_000_000)}"}`);
    assert.equal(
      await withDeadline(closed, { what: 'the socket of an oversized frame to close' }),
      1009,
    );
    // graphql-ws would log the socket's error in a turn of its own: a whole request answered
    // after the close comes later than that turn
    await assertResponsive('the oversized frame');
    assert.deepEqual(
      logged.mock.calls.map((call) => String(call.arguments[0])),
      [],
    );
  });
});

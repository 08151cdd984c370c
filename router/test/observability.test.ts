import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTracing } from '@ordergraph/shared';
import { captureTestLogs } from '@ordergraph/shared/testing';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-node';
import { parsePrometheusText as parsePrometheus } from './support/prometheus.js';
import { GRACE, MUG, placeOrder, receiveStock, TEE } from './support/fixtures.js';
import { startStack, type Stack } from './support/stack.js';

const ORDER_QUERY = `query ObsOrders {
  me { name orders(first: 5) { nodes {
    number customer { name }
    lines { quantity variant { sku name stock { onHand } } }
    shipments { status }
  } } }
}`;

const spans = new InMemorySpanExporter();
let stack: Stack;
let logs: ReturnType<typeof captureTestLogs>;
before(async () => {
  // registered before the services start, as the entry points do
  startTracing({
    serviceName: 'ordergraph-test',
    spanProcessors: [new SimpleSpanProcessor(spans)],
  });
  logs = captureTestLogs();
  stack = await startStack();
  await receiveStock(stack, { sku: TEE, quantity: 5 });
  await receiveStock(stack, { sku: MUG, quantity: 3 });
  const placed = await placeOrder(stack, {
    customerId: GRACE,
    lines: [
      { sku: TEE, quantity: 1 },
      { sku: MUG, quantity: 1 },
    ],
  });
  assert.equal(placed.__typename, 'PlaceOrderSuccess');
  await stack.settle();
});
after(async () => {
  await stack.stop();
  logs.stop();
});

describe('request ids in the logs', () => {
  it('carries the caller’s x-request-id into the log lines of every subgraph the request touched', async () => {
    const requestId = 'obs-request-id-1';
    const response = await stack.request({
      query: ORDER_QUERY,
      token: await stack.token(GRACE, ['customer']),
      requestId,
    });
    assert.equal(response.errors, undefined);
    // the subgraphs that ran SQL for the request, counted apart from the logs
    const touched = Object.entries(stack.statementsFor(requestId))
      .filter(([, statements]) => statements > 0)
      .map(([name]) => name)
      .sort();
    assert.deepEqual(touched, ['catalog', 'customers', 'inventory', 'orders', 'shipments']);
    const servicesThatLogged = new Set(
      logs.lines.filter((line) => line['requestId'] === requestId).map((line) => line['service']),
    );
    assert.deepEqual([...servicesThatLogged].sort(), ['router', ...touched].sort());
  });

  it('makes a request id when the caller sends none and answers with it', async () => {
    const response = await fetch(stack.routerUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ categories }' }),
    });
    const requestId = response.headers.get('x-request-id');
    assert.match(requestId ?? '', /^[0-9a-f-]{36}$/);
    await response.json();
    const catalogLine = logs.lines.find(
      (line) => line['service'] === 'catalog' && line['requestId'] === requestId,
    );
    assert.equal(catalogLine?.['msg'], 'graphql request');
  });

  it('logs a read that went well at debug, a mutation and a refused request at info', async () => {
    const token = await stack.token(GRACE, ['customer']);
    await stack.request({ query: '{ categories }', requestId: 'obs-level-read' });
    await stack.request({
      query: `mutation { cancelOrder(input: { orderId: "00000000-0000-4000-8000-00000000dead",
        idempotencyKey: "obs-level" }) { __typename } }`,
      token,
      requestId: 'obs-level-mutation',
    });
    await stack.request({ query: '{ nothingHere }', requestId: 'obs-level-invalid' });
    // pino's levels: 20 debug, 30 info
    const levels = (requestId: string) =>
      logs.lines
        .filter((line) => line['requestId'] === requestId && line['msg'] === 'graphql request')
        .map((line) => `${String(line['service'])} ${String(line['level'])}`)
        .sort();
    assert.deepEqual(levels('obs-level-read'), ['catalog 20', 'router 20']);
    assert.deepEqual(levels('obs-level-mutation'), ['orders 20', 'router 30']);
    assert.deepEqual(levels('obs-level-invalid'), ['router 30']);
  });
});

describe('traces', () => {
  it('links the router request, its plan, the subgraph fetches and their SQL in one trace', async () => {
    const requestId = 'obs-trace-1';
    spans.reset();
    const response = await stack.request({
      // a query of its own: a plan the router has cached makes no plan span
      query: ORDER_QUERY.replace('ObsOrders', 'ObsTraced'),
      token: await stack.token(GRACE, ['customer']),
      requestId,
    });
    assert.equal(response.errors, undefined);
    const finished = spans.getFinishedSpans();
    const routerSpan = finished.find(
      (span) =>
        span.name === 'router request' && span.attributes['ordergraph.request_id'] === requestId,
    );
    assert.ok(routerSpan, 'a router request span');
    const traceId = routerSpan.spanContext().traceId;
    const inTrace = finished.filter((span) => span.spanContext().traceId === traceId);
    const byId = new Map(inTrace.map((span) => [span.spanContext().spanId, span]));
    const parentOf = (span: (typeof inTrace)[number]) =>
      span.parentSpanContext ? byId.get(span.parentSpanContext.spanId) : undefined;
    const ancestors = (span: (typeof inTrace)[number]) => {
      const names: string[] = [];
      for (let at = parentOf(span); at; at = parentOf(at)) names.push(at.name);
      return names;
    };
    const names = new Set(inTrace.map((span) => span.name));
    for (const expected of ['gateway.request', 'gateway.plan', 'gateway.fetch', 'db.query']) {
      assert.ok(names.has(expected), `a ${expected} span in the trace (saw ${[...names]})`);
    }
    // each subgraph's server span hangs under a gateway fetch: traceparent crossed the wire
    for (const subgraph of ['customers', 'orders', 'catalog', 'inventory', 'shipments']) {
      const server = inTrace.find((span) => span.name === `${subgraph} request`);
      assert.ok(server, `a ${subgraph} request span in the trace`);
      assert.deepEqual(ancestors(server).slice(-1), ['router request']);
      assert.ok(ancestors(server).includes('gateway.fetch'), `${subgraph} under gateway.fetch`);
    }
    const statement = inTrace.find((span) => span.name === 'db.query');
    assert.ok(statement);
    assert.match(
      ancestors(statement)[0] ?? '',
      /^(customers|orders|catalog|inventory|shipments) request$/,
    );
    assert.equal(typeof statement.attributes['db.query.text'], 'string');
    // each statement span lasts from sending to result, and names the statement, not its values
    for (const span of inTrace.filter((candidate) => candidate.name === 'db.query')) {
      const [seconds, nanos] = span.duration;
      assert.ok(seconds * 1e9 + nanos > 0, 'a SQL span with a duration');
      assert.equal(span.attributes['db.system'], 'postgresql');
      assert.match(String(span.attributes['db.query.text']), /\b(select|insert|update)\b/i);
      assert.ok(!String(span.attributes['db.query.text']).includes(GRACE), 'no parameter values');
      const parent = parentOf(span);
      assert.ok(parent, 'the SQL span has its parent in the trace');
      // within its parent's time, give or take the millisecond each span's clock is anchored to
      const at = (time: [number, number]) => (time[0] - parent.startTime[0]) * 1e9 + time[1];
      const MS = 1e6;
      assert.ok(at(span.endTime) >= at(span.startTime));
      assert.ok(at(span.startTime) >= at(parent.startTime) - MS, 'starts within its parent');
      assert.ok(at(span.endTime) <= at(parent.endTime) + MS, 'ends within its parent');
    }
  });
});

describe('metrics', () => {
  const scrape = async (url: string) => {
    const response = await fetch(new URL('/metrics', url));
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    return parsePrometheus(await response.text());
  };

  it('counts a known sequence of requests exactly, on the router and on the subgraph', async () => {
    const send = (query: string, client?: string) =>
      fetch(stack.routerUrl, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(client
            ? { 'apollographql-client-name': client, 'apollographql-client-version': '2.1.0' }
            : {}),
        },
        body: JSON.stringify({ query }),
      }).then((response) => response.json());
    for (let i = 0; i < 3; i++) await send('query MetricsCategories { categories }', 'web');
    await send('query MetricsCategories { categories }');
    for (let i = 0; i < 2; i++) {
      const answer = (await send(
        'query MetricsCustomers { customers(first: 1) { nodes { id } } }',
        'web',
      )) as {
        errors?: unknown[];
      };
      assert.ok(answer.errors?.length, 'customers without a staff token is an error');
    }

    const router = await scrape(stack.routerUrl);
    const value = (name: string, labels: Record<string, string>) => router.value(name, labels);
    assert.equal(
      value('ordergraph_router_requests_total', {
        operation: 'MetricsCategories',
        client: 'web',
        client_version: '2.1.0',
      }),
      3,
    );
    assert.equal(
      value('ordergraph_router_requests_total', {
        operation: 'MetricsCategories',
        client: 'unknown',
        client_version: 'unknown',
      }),
      1,
    );
    assert.equal(
      value('ordergraph_router_request_errors_total', {
        operation: 'MetricsCategories',
        client: 'web',
      }),
      undefined,
    );
    assert.equal(
      value('ordergraph_router_requests_total', {
        operation: 'MetricsCustomers',
        client: 'web',
        client_version: '2.1.0',
      }),
      2,
    );
    assert.equal(
      value('ordergraph_router_request_errors_total', {
        operation: 'MetricsCustomers',
        client: 'web',
      }),
      2,
    );
    assert.equal(
      value('ordergraph_router_request_duration_seconds_count', {
        operation: 'MetricsCategories',
        client: 'web',
      }),
      3,
    );
    assert.ok(
      (value('ordergraph_router_subgraph_fetch_duration_seconds_count', {
        subgraph: 'catalog',
        outcome: 'ok',
      }) ?? 0) >= 4,
    );
    // the subscription series are still there
    assert.equal(value('ordergraph_subscription_clients', {}), 0);
    // the router's line per request names the client application and its version
    const customersLines = logs.lines.filter(
      (line) => line['msg'] === 'graphql request' && line['clientName'] === 'web',
    );
    assert.ok(customersLines.length >= 2, 'the failed MetricsCustomers requests are logged');
    assert.ok(customersLines.every((line) => line['clientVersion'] === '2.1.0'));

    const catalog = await scrape(stack.subgraphs.catalog.url);
    assert.equal(
      catalog.value('ordergraph_subgraph_requests_total', {
        operation: 'MetricsCategories__catalog__0',
        service: 'catalog',
      }),
      4,
    );
    assert.equal(
      catalog.value('ordergraph_subgraph_request_duration_seconds_count', {
        operation: 'MetricsCategories__catalog__0',
        service: 'catalog',
      }),
      4,
    );
  });

  it('shows how far each consumer has read the log it follows', async () => {
    await stack.settle();
    const orders = await scrape(stack.subgraphs.orders.url);
    const head = orders.value('ordergraph_event_log_head_seq', { service: 'orders' });
    assert.ok(head && head > 0, 'placing the order logged events');
    const customers = await scrape(stack.subgraphs.customers.url);
    assert.equal(
      customers.value('ordergraph_event_consumer_position', {
        service: 'customers',
        consumer: 'customers:orders',
      }),
      head,
    );
  });

  it('serves /metrics on every subgraph', async () => {
    for (const subgraph of Object.values(stack.subgraphs)) {
      const parsed = await scrape(subgraph.url);
      assert.ok(parsed.names.has('ordergraph_subgraph_requests_total'));
      // the database pool: its size, and how much of it is in use or waited for
      const max = parsed.samples.find((s) => s.name === 'ordergraph_db_pool_connections_max');
      assert.equal(max?.value, subgraph.handle.kind === 'pglite' ? 1 : 20);
      for (const name of ['ordergraph_db_pool_connections_in_use', 'ordergraph_db_pool_waiting']) {
        assert.ok(parsed.names.has(name), name);
      }
    }
  });
});

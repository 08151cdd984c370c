import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { captureTestLogs, startTestTelemetry } from '@ordergraph/shared/testing';
import { SpanKind } from '@opentelemetry/api';
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

// started before the services, as the entry points do: spans and metrics kept in memory
const telemetry = await startTestTelemetry();
const { spans } = telemetry;
let stack: Stack;
let logs: ReturnType<typeof captureTestLogs>;
before(async () => {
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
  it('names and nests the spans of one federated request by the semantic conventions', async () => {
    const requestId = 'obs-trace-1';
    spans.reset();
    const response = await fetch(stack.routerUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${await stack.token(GRACE, ['customer'])}`,
        'x-request-id': requestId,
        'apollographql-client-name': 'web',
        'apollographql-client-version': '2.1.0',
      },
      // a query of its own: a plan the router has cached makes no plan span
      body: JSON.stringify({ query: ORDER_QUERY.replace('ObsOrders', 'ObsTraced') }),
    });
    assert.equal(((await response.json()) as { errors?: unknown }).errors, undefined);
    const finished = spans.getFinishedSpans();
    const routerSpan = finished.find(
      (span) => span.attributes['ordergraph.request_id'] === requestId && !span.parentSpanContext,
    );
    assert.ok(routerSpan, 'a root span for the request');
    // the router's HTTP server span, with the operation and the client application on it
    assert.equal(routerSpan.name, 'POST /graphql');
    assert.equal(routerSpan.kind, SpanKind.SERVER);
    assert.deepEqual(
      Object.fromEntries(
        [
          'http.request.method',
          'http.route',
          'url.path',
          'http.response.status_code',
          'graphql.operation.name',
          'graphql.operation.type',
          'apollo.client.name',
          'apollo.client.version',
        ].map((key) => [key, routerSpan.attributes[key]]),
      ),
      {
        'http.request.method': 'POST',
        'http.route': '/graphql',
        'url.path': '/graphql',
        'http.response.status_code': 200,
        'graphql.operation.name': 'ObsTraced',
        'graphql.operation.type': 'query',
        'apollo.client.name': 'web',
        'apollo.client.version': '2.1.0',
      },
    );
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
    // every span of the trace hangs from the router's: one tree
    for (const span of inTrace) {
      if (span !== routerSpan) assert.equal(ancestors(span).at(-1), 'POST /graphql', span.name);
    }
    const names = new Set(inTrace.map((span) => span.name));
    for (const expected of ['gateway.request', 'gateway.plan', 'gateway.fetch', 'db.query']) {
      assert.ok(names.has(expected), `a ${expected} span in the trace (saw ${[...names]})`);
    }
    // each subgraph: a gateway fetch, an HTTP client span for it, the subgraph's server span
    for (const subgraph of ['customers', 'orders', 'catalog', 'inventory', 'shipments']) {
      const servers = inTrace.filter((span) => span.attributes['ordergraph.service'] === subgraph);
      assert.ok(servers.length > 0, `a ${subgraph} server span in the trace`);
      for (const server of servers) {
        assert.equal(server.name, 'POST /graphql');
        assert.equal(server.kind, SpanKind.SERVER);
        assert.equal(server.attributes['http.response.status_code'], 200);
        const client = parentOf(server);
        assert.ok(client, `${subgraph}: the server span's parent is in the trace`);
        assert.equal(client.name, 'POST');
        assert.equal(client.kind, SpanKind.CLIENT);
        assert.equal(client.attributes['ordergraph.subgraph'], subgraph);
        assert.equal(client.attributes['http.request.method'], 'POST');
        assert.equal(client.attributes['server.address'], '127.0.0.1');
        assert.equal(client.attributes['http.response.status_code'], 200);
        assert.equal(parentOf(client)?.name, 'gateway.fetch');
      }
    }
    const statement = inTrace.find((span) => span.name === 'db.query');
    assert.ok(statement);
    assert.equal(parentOf(statement)?.name, 'POST /graphql');
    assert.equal(typeof parentOf(statement)?.attributes['ordergraph.service'], 'string');
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
    // the request's log lines, on the router and in every subgraph, carry its trace id
    const lines = logs.lines.filter(
      (line) => line['requestId'] === requestId && line['msg'] === 'graphql request',
    );
    assert.deepEqual([...new Set(lines.map((line) => line['service']))].sort(), [
      'catalog',
      'customers',
      'inventory',
      'orders',
      'router',
      'shipments',
    ]);
    for (const line of lines) {
      assert.equal(line['trace_id'], traceId, `${String(line['service'])} logs the trace id`);
      assert.match(String(line['span_id']), /^[0-9a-f]{16}$/);
    }

    // and the OpenTelemetry metrics counted it, beside Prometheus
    const requests = await telemetry.metric('ordergraph.router.request.duration');
    assert.deepEqual(
      requests.filter((point) => point.attributes['graphql.operation.name'] === 'ObsTraced'),
      [
        {
          attributes: {
            'graphql.operation.name': 'ObsTraced',
            'graphql.operation.type': 'query',
            'apollo.client.name': 'web',
          },
          value: 1,
        },
      ],
    );
    const fetched = await telemetry.metric('ordergraph.router.subgraph.fetch.duration');
    assert.deepEqual(
      [...new Set(fetched.map((point) => point.attributes['ordergraph.subgraph']))].sort(),
      ['catalog', 'customers', 'inventory', 'orders', 'shipments'],
    );
  });

  it('counts the errors of responses by code in the OpenTelemetry metrics', async () => {
    const count = async () =>
      (await telemetry.metric('ordergraph.router.errors'))
        .filter((point) => point.attributes['graphql.error.code'] === 'GRAPHQL_VALIDATION_FAILED')
        .reduce((sum, point) => sum + point.value, 0);
    const before = await count();
    await stack.request({ query: 'query ObsInvalid { nothingHere }' });
    await stack.request({ query: 'query ObsInvalid { nothingHere }' });
    assert.equal(await count(), before + 2);
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

import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  isLocalHost,
  NETWORK_GUARD_LOG,
  outboundAttempts,
  type OutboundAttempt,
} from '@ordergraph/shared/network-guard';
import { PROJECT_ROOT } from '@ordergraph/shared';
import {
  startServiceOnFreePort,
  TEST_SIGNING_SECRET,
  waitUntil,
  type ListeningServiceProcess,
} from '@ordergraph/shared/testing';
import { SUPERGRAPH_FILE } from '../src/composition.js';
import { SUBGRAPH_NAMES } from '../src/config.js';
import { PLACE_ORDER, receiveStock, TEE, US_ADDRESS } from './support/fixtures.js';
import {
  stackWithAnOrder,
  timelineCursors,
  TRACK_ORDER,
  type Lifecycle,
} from './support/order-steps.js';
import { parsePrometheusText } from './support/prometheus.js';
import { JWT_SECRET, type Stack } from './support/stack.js';
import { subscribeOverWebSocket } from './support/subscription-clients.js';

// nothing leaves the machine unless its operator asks: the router as `npm start` runs it, under
// the network guard every test runs under, tries no connection beyond this host while it
// serves a query, a mutation and a subscription update and shuts down; opted in to Apollo's
// usage telemetry, the same guard sees it try (so the guard can fail)

let stack: Stack;
let steps: Lifecycle;
let orderId: string;
const logDir = mkdtempSync(join(tmpdir(), 'ordergraph-network-guard-'));

before(async () => {
  ({ stack, steps, orderId } = await stackWithAnOrder());
});
after(async () => {
  await stack.stop();
  rmSync(logDir, { recursive: true, force: true });
});

async function startRouterProcess(
  logFile: string,
  env: Record<string, string | undefined> = {},
): Promise<ListeningServiceProcess> {
  const router = await startServiceOnFreePort({
    entry: fileURLToPath(new URL('../src/index.ts', import.meta.url)),
    env: {
      ...Object.fromEntries(
        SUBGRAPH_NAMES.map((name) => [`${name.toUpperCase()}_URL`, stack.subgraphs[name].url]),
      ),
      HOST: '127.0.0.1',
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      SUPERGRAPH_PATH: SUPERGRAPH_FILE,
      SUPERGRAPH_WATCH: 'false',
      AUTH_JWT_SECRET: JWT_SECRET,
      ROUTER_SIGNING_SECRET: TEST_SIGNING_SECRET,
      SHUTDOWN_TIMEOUT_MS: '3000',
      [NETWORK_GUARD_LOG]: logFile,
      // as a fresh install runs: no setting of ours, nor of the gateway's, in the way
      APOLLO_TELEMETRY_DISABLED: undefined,
      OTEL_EXPORTER_OTLP_ENDPOINT: undefined,
      REDIS_URL: undefined,
      ROUTER_CLIENTS_PATH: undefined,
      ...env,
    },
  });
  await router.waitUntilReady({ what: 'the router process to be ready' });
  return router;
}

function attemptsIn(logFile: string): OutboundAttempt[] {
  if (!existsSync(logFile)) return [];
  return readFileSync(logFile, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as OutboundAttempt);
}

async function subscriptionClients(router: ListeningServiceProcess) {
  const text = await fetch(`${router.origin}/metrics`).then((response) => response.text());
  return parsePrometheusText(text).value('ordergraph_subscription_clients', {});
}

async function post(url: string, token: string, query: string, variables: object) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as { data?: Record<string, any>; errors?: unknown[] };
}

describe('the network guard', () => {
  it('tells this host from any other', () => {
    for (const host of ['localhost', 'api.localhost', '127.0.0.1', '127.3.2.1', '::1', '[::1]']) {
      assert.equal(isLocalHost(host), true, host);
    }
    for (const host of [
      '169.254.169.254',
      '10.0.0.1',
      'example.com',
      '::ffff:10.0.0.1',
      'fd00::1',
    ]) {
      assert.equal(isLocalHost(host), false, host);
    }
    assert.equal(isLocalHost('::ffff:127.0.0.1'), true);
  });

  it('refuses and records a fetch beyond this host, before it leaves', async () => {
    const before = outboundAttempts().length;
    const failure = await fetch('http://192.0.2.1/').then(
      () => null,
      (error: Error & { cause?: { code?: string } }) => error.cause?.code,
    );
    assert.equal(failure, 'ENETUNREACH');
    assert.deepEqual(
      outboundAttempts()
        .slice(before)
        .map(({ kind, target }) => ({ kind, target })),
      [{ kind: 'connect', target: '192.0.2.1:80' }],
    );
  });
});

describe('the router process, as started by default', () => {
  it('reaches nothing beyond this host through a query, a mutation, a subscription update and a shutdown', async () => {
    const inProcessBefore = outboundAttempts().length;
    const logFile = join(logDir, 'default.jsonl');
    const router = await startRouterProcess(logFile);
    try {
      const url = `${router.origin}/graphql`;
      const grace = steps.tokens.grace;

      const query = await post(url, grace, 'query { me { name } }', {});
      assert.deepEqual(query, { data: { me: { name: 'Grace Hopper' } } });

      await receiveStock(stack, { sku: TEE, quantity: 1 });
      const placed = await post(url, grace, PLACE_ORDER, {
        input: {
          idempotencyKey: `network-guard-${Date.now()}`,
          lines: [{ sku: TEE, quantity: 1 }],
          shippingAddress: US_ADDRESS,
          payment: { token: 'tok_visa' },
        },
      });
      assert.equal(placed.data?.['placeOrder'].__typename, 'PlaceOrderSuccess');

      const live = subscribeOverWebSocket({
        url,
        token: grace,
        query: TRACK_ORDER,
        variables: { orderId, after: (await timelineCursors(stack, orderId, grace)).at(-1) },
      });
      await waitUntil(async () => (await subscriptionClients(router)) === 1, {
        what: 'the subscription to be live',
      });
      const shipmentId = await steps.shipmentOf(orderId);
      await steps.pickAndPack(shipmentId);
      const [update] = await live.received.atLeast(1);
      assert.equal(update?.errors, undefined, JSON.stringify(update));
      assert.equal(update?.data?.['orderUpdated'].order.customer.name, 'Grace Hopper');
      await live.close();

      router.signal('SIGTERM');
      await router.assertExits({ code: 0, withinMs: 10_000 });
    } finally {
      await router.kill();
    }
    assert.deepEqual(attemptsIn(logFile), []);
    assert.deepEqual(outboundAttempts().slice(inProcessBefore), []);
  });

  it('tries Apollo’s usage telemetry only when the operator opts in (and the guard sees it)', async () => {
    const logFile = join(logDir, 'opted-in.jsonl');
    const router = await startRouterProcess(logFile, { ROUTER_APOLLO_USAGE_TELEMETRY: 'true' });
    try {
      // the gateway describes the host through the cloud metadata services as it starts
      await waitUntil(() => attemptsIn(logFile).length > 0, {
        what: 'the opted-in gateway to try the network',
      });
      const targets = attemptsIn(logFile).map((attempt) => attempt.target);
      assert.ok(
        targets.some((target) => target.startsWith('169.254.169.254')),
        `cloud metadata probed: ${targets.join(', ')}`,
      );
    } finally {
      await router.kill();
    }
  });
});

describe('the project’s own commands', () => {
  it('run turbo with its telemetry off', () => {
    const { scripts } = JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    };
    const turbo = Object.entries(scripts).filter(([, command]) => /\bturbo\b/.test(command));
    assert.ok(turbo.length > 0);
    for (const [name, command] of turbo) {
      assert.match(command, /^TURBO_TELEMETRY_DISABLED=1 turbo /, `npm run ${name}`);
    }
    const ci = readFileSync(join(PROJECT_ROOT, '.ci/run'), 'utf8');
    assert.match(ci, /export TURBO_TELEMETRY_DISABLED=1 DO_NOT_TRACK=1/);
  });

  it('run every package’s tests under the network guard', () => {
    for (const dir of [
      'router',
      'bench',
      'subgraphs/shared',
      ...SUBGRAPH_NAMES.map((n) => `subgraphs/${n}`),
    ]) {
      const { scripts } = JSON.parse(
        readFileSync(join(PROJECT_ROOT, dir, 'package.json'), 'utf8'),
      ) as { scripts: Record<string, string> };
      assert.match(
        scripts['test'] ?? '',
        /--import tsx --import @ordergraph\/shared\/network-guard /,
        dir,
      );
    }
  });
});

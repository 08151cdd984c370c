import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import {
  startServiceOnFreePort,
  withDeadline,
  type ListeningServiceProcess,
} from '@ordergraph/shared/testing';
import { loadConfig } from '../src/config.js';
import { parsePrometheusText } from './support/prometheus.js';

const ENTRY = fileURLToPath(new URL('../src/index.ts', import.meta.url));

/** The pids of the live router processes (not tsx's esbuild service) whose parent is `pid`. */
function workersOf(pid: number): number[] {
  const children: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // the fields after the command name (which may hold spaces): state, then the parent pid
      const [state, parent] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const command = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (Number(parent) === pid && state !== 'Z' && command.includes(ENTRY)) {
        children.push(Number(entry));
      }
    } catch {
      // the process ended while we looked
    }
  }
  return children.sort();
}

/** whether `pid` is still a live router process (not exited, not a zombie), whoever its parent */
function isRunningRouter(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0];
    return state !== 'Z' && readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(ENTRY);
  } catch {
    return false;
  }
}

// a primary and its workers each load the whole router: on a busy machine that takes a minute
const PROCESS_START_MS = 120_000;

async function until<T>(what: string, check: () => Promise<T | undefined> | T | undefined) {
  const deadline = Date.now() + PROCESS_START_MS;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

const NOWHERE = 'http://127.0.0.1:9/graphql';

/** a router of two workers whose subgraphs point nowhere (what it is asked needs none) */
const startTwoWorkers = (env: Record<string, string> = {}) =>
  startServiceOnFreePort({
    entry: ENTRY,
    env: {
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      HOST: '127.0.0.1',
      AUTH_JWT_SECRET: 'cluster-test-jwt-secret-long-enough',
      ROUTER_SIGNING_SECRET: 'cluster-test-signing-secret-long',
      ROUTER_WORKERS: '2',
      CUSTOMERS_URL: NOWHERE,
      CATALOG_URL: NOWHERE,
      ORDERS_URL: NOWHERE,
      INVENTORY_URL: NOWHERE,
      SHIPMENTS_URL: NOWHERE,
      ...env,
    },
  });

/** one request on a connection of its own, so the primary hands each to the next worker */
function requestAlone(url: string, body?: unknown): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(
      url,
      {
        method: body === undefined ? 'GET' : 'POST',
        agent: false,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
      },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, text }));
      },
    );
    outgoing.on('error', reject);
    outgoing.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

/** /metrics on a connection of its own: the figures of every worker that listens, summed */
async function scrapeMetrics(origin: string) {
  const response = await requestAlone(`${origin}/metrics`);
  assert.equal(response.status, 200, response.text);
  return parsePrometheusText(response.text);
}

describe('router workers (ROUTER_WORKERS)', () => {
  it('reads ROUTER_WORKERS: 1 by default, 1 to 64', () => {
    assert.equal(loadConfig({}).workers, 1);
    assert.equal(loadConfig({ ROUTER_WORKERS: '64' }).workers, 64);
    assert.throws(() => loadConfig({ ROUTER_WORKERS: '0' }), /ROUTER_WORKERS/);
    assert.throws(() => loadConfig({ ROUTER_WORKERS: '65' }), /ROUTER_WORKERS/);
  });

  it('stops with exit code 1, forking no more, when workers die before they listen', async () => {
    // the workers read the supergraph, the primary does not: each dies as it starts
    const primary = await startTwoWorkers({ SUPERGRAPH_PATH: '/nonexistent/supergraph.graphql' });
    try {
      const exit = await withDeadline(primary.exited, {
        what: 'the primary to stop once its workers die as they start',
        timeoutMs: PROCESS_START_MS,
      });
      assert.equal(exit.code, 1);
      assert.ok(
        primary.logs.some((line) => line['msg'] === 'router workers die as they start: stopping'),
      );
    } finally {
      await primary.kill();
    }
  });
});

// one primary for the tests below, in their order: its figures, a worker's death, its stop
describe('a router of two workers', () => {
  let primary: ListeningServiceProcess;
  // every worker seen, so that one the primary leaves behind is found (and ended) by pid
  const seen = new Set<number>();
  const bothListening = (what: string) =>
    until(what, async () => {
      const scraped = await scrapeMetrics(primary.origin).catch(() => undefined);
      return scraped?.value('ordergraph_router_processes', {}) === 2 ? true : undefined;
    });
  const twoWorkers = (what: string, accept: (children: number[]) => boolean = () => true) =>
    until(what, () => {
      const children = workersOf(primary.pid);
      for (const pid of children) seen.add(pid);
      return children.length === 2 && accept(children) ? children : undefined;
    });
  before(async () => {
    primary = await startTwoWorkers();
    // a scrape of /metrics sums the workers that listen
    await bothListening('both workers listening');
  });
  after(async () => {
    await primary?.kill();
    for (const pid of [...seen].filter(isRunningRouter)) process.kill(pid, 'SIGKILL');
  });

  it('answers a scrape of /metrics with the figures of both workers, whichever one it reaches', async () => {
    const query = { query: 'query ClusterCounted { __typename }' };
    for (let index = 0; index < 10; index++) {
      const answer = await requestAlone(`${primary.origin}/graphql`, query);
      assert.deepEqual(JSON.parse(answer.text), { data: { __typename: 'Query' } });
    }
    // connections go to the workers in turn: each served 5, and every scrape counts all 10
    for (let index = 0; index < 4; index++) {
      const scraped = await scrapeMetrics(primary.origin);
      assert.equal(scraped.value('ordergraph_router_processes', {}), 2);
      assert.equal(
        scraped.value('ordergraph_router_requests_total', {
          operation: 'ClusterCounted',
          client: 'unknown',
          client_version: 'unknown',
        }),
        10,
      );
      // a gauge that is not a sum: down as both workers see it
      assert.equal(scraped.value('ordergraph_router_subgraph_up', { subgraph: 'orders' }), 0);
    }
  });

  it('replaces a worker that dies once it listened', async () => {
    const workers = await twoWorkers('two workers');
    process.kill(workers[0]!, 'SIGKILL');
    const replaced = await twoWorkers(
      'a replacement worker',
      (children) => !children.includes(workers[0]!),
    );
    assert.ok(replaced.includes(workers[1]!));
    await bothListening('the replacement listening');
    for (let attempt = 0; attempt < 4; attempt++) {
      const answer = await requestAlone(`${primary.origin}/graphql`, { query: '{ __typename }' });
      assert.deepEqual(JSON.parse(answer.text), { data: { __typename: 'Query' } });
    }
  });

  it('stops every worker on SIGTERM and exits 0', async () => {
    await twoWorkers('two workers');
    primary.signal('SIGTERM');
    assert.equal(
      (await withDeadline(primary.exited, { what: 'the primary to exit after SIGTERM' })).code,
      0,
    );
    // an orphan is no longer the primary's child: the workers are looked up by their pids
    assert.deepEqual([...seen].filter(isRunningRouter), []);
  });
});

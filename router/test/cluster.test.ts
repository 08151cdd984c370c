import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { startServiceOnFreePort } from '@ordergraph/shared/testing';
import { loadConfig } from '../src/config.js';

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

async function until<T>(what: string, check: () => Promise<T | undefined> | T | undefined) {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe('router workers (ROUTER_WORKERS)', () => {
  it('reads ROUTER_WORKERS: 1 by default, 1 to 64', () => {
    assert.equal(loadConfig({}).workers, 1);
    assert.equal(loadConfig({ ROUTER_WORKERS: '64' }).workers, 64);
    assert.throws(() => loadConfig({ ROUTER_WORKERS: '0' }), /ROUTER_WORKERS/);
    assert.throws(() => loadConfig({ ROUTER_WORKERS: '65' }), /ROUTER_WORKERS/);
  });

  it('serves one port from two workers, replaces a worker that dies, and stops them all on SIGTERM', async () => {
    const nowhere = 'http://127.0.0.1:9/graphql';
    // its subgraphs point nowhere, so /ready stays 503: the test waits for an answer instead
    const primary = await startServiceOnFreePort({
      entry: ENTRY,
      env: {
        NODE_ENV: 'production',
        LOG_LEVEL: 'warn',
        HOST: '127.0.0.1',
        AUTH_JWT_SECRET: 'cluster-test-jwt-secret-long-enough',
        ROUTER_SIGNING_SECRET: 'cluster-test-signing-secret-long',
        ROUTER_WORKERS: '2',
        CUSTOMERS_URL: nowhere,
        CATALOG_URL: nowhere,
        ORDERS_URL: nowhere,
        INVENTORY_URL: nowhere,
        SHIPMENTS_URL: nowhere,
      },
    });
    try {
      const ask = async () => {
        const response = await fetch(`${primary.origin}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ query: '{ __typename }' }),
        });
        return (await response.json()) as unknown;
      };
      await until('an answer', () => ask().catch(() => undefined));
      const workers = await until('two workers', () => {
        const children = workersOf(primary.pid);
        return children.length === 2 ? children : undefined;
      });
      assert.deepEqual(await ask(), { data: { __typename: 'Query' } });

      // older than the crash-loop guard (5 s): a worker that dies later is replaced
      await new Promise((resolve) => setTimeout(resolve, 5_500));
      process.kill(workers[0]!, 'SIGKILL');
      const replaced = await until('a replacement worker', () => {
        const children = workersOf(primary.pid);
        return children.length === 2 && !children.includes(workers[0]!) ? children : undefined;
      });
      assert.ok(replaced.includes(workers[1]!));
      await until('the replacement answering', async () => {
        for (let attempt = 0; attempt < 4; attempt++) await ask();
        return true;
      });

      primary.signal('SIGTERM');
      assert.equal((await primary.exited).code, 0);
      assert.deepEqual(workersOf(primary.pid), []);
    } finally {
      await primary.kill();
    }
  });
});

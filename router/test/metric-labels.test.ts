import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { hashApiKey, type ClientsFile } from '../src/clients/clients-file.js';
import { loadConfig } from '../src/config.js';
import type { Router } from '../src/server.js';
import { post } from './support/clients.js';
import { startLoneRouter } from './support/lone-router.js';
import { parsePrometheusText } from './support/prometheus.js';

const keyOf = (index: number) => `og_test_label_key_${index}_0123456789`;

/** five open clients, partner-1 to partner-5, each with its key */
function writeClientsFile(): string {
  const file: ClientsFile = {
    defaultPolicy: 'open',
    clients: [1, 2, 3, 4, 5].map((index) => ({
      name: `partner-${index}`,
      roles: [],
      policy: 'open' as const,
      apiKeys: [{ sha256: hashApiKey(keyOf(index)) }],
    })),
  };
  const path = join(mkdtempSync(join(tmpdir(), 'ordergraph-labels-')), 'clients.json');
  writeFileSync(path, JSON.stringify(file));
  return path;
}

const routers: Router[] = [];
after(() => Promise.all(routers.map((router) => router.stop())));

async function routerWithCap(metricsLabelCap: number) {
  const { router, url } = await startLoneRouter({
    metricsLabelCap,
    clientsPath: writeClientsFile(),
  });
  routers.push(router);
  return url;
}

/** one request naming its operation, its client application (header) and its API key */
async function ask(url: string, operation: string, index: number) {
  const response = await post(
    url,
    { query: `query ${operation} { __typename }`, operationName: operation },
    { 'apollographql-client-name': `app-${index}`, 'x-api-key': keyOf(index) },
  );
  assert.equal(response.status, 200, JSON.stringify(response.body));
}

/** every sample of one series, as `label=value,label=value` → value */
async function series(url: string, name: string, labels: string[]) {
  const text = await (await fetch(new URL('/metrics', url))).text();
  return Object.fromEntries(
    parsePrometheusText(text)
      .samples.filter((sample) => sample.name === name)
      .map((sample) => [labels.map((label) => sample.labels[label]).join(' '), sample.value]),
  );
}

describe('metric labels of caller-chosen names', () => {
  it('reads ROUTER_METRICS_LABEL_CAP: 200 by default, at least 1', () => {
    assert.equal(loadConfig({}).metricsLabelCap, 200);
    assert.equal(loadConfig({ ROUTER_METRICS_LABEL_CAP: '20' }).metricsLabelCap, 20);
    assert.throws(() => loadConfig({ ROUTER_METRICS_LABEL_CAP: '0' }), /ROUTER_METRICS_LABEL_CAP/);
  });

  it('keeps the first names up to the cap and folds later ones into __other__', async () => {
    const url = await routerWithCap(3);
    for (const index of [1, 2, 3, 4, 5, 1]) await ask(url, `Folded${index}`, index);
    assert.deepEqual(
      await series(url, 'ordergraph_router_requests_total', ['operation', 'client']),
      {
        'Folded1 app-1': 2,
        'Folded2 app-2': 1,
        'Folded3 app-3': 1,
        '__other__ __other__': 2,
      },
    );
    assert.deepEqual(
      await series(url, 'ordergraph_client_operations_total', ['client', 'operation']),
      {
        'partner-1 Folded1': 2,
        'partner-2 Folded2': 1,
        'partner-3 Folded3': 1,
        '__other__ __other__': 2,
      },
    );
  });

  it('folds a name too long to be a label, without spending a place under the cap', async () => {
    const url = await routerWithCap(1);
    await ask(url, `Long${'x'.repeat(120)}`, 1);
    await ask(url, 'Short', 1);
    assert.deepEqual(
      await series(url, 'ordergraph_router_requests_total', ['operation', 'client']),
      { '__other__ app-1': 1, 'Short app-1': 1 },
    );
  });
});

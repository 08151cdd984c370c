import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { TEST_SIGNING_SECRET, testLogger } from '@ordergraph/shared/testing';
import { authenticate } from '../src/auth.js';
import { SUPERGRAPH_FILE } from '../src/composition.js';
import { SUBGRAPH_NAMES, type SubgraphName } from '../src/config.js';
import { readManifest } from '../src/persisted/manifest.js';
import { createRouter, type Router } from '../src/server.js';
import { ADA } from './support/fixtures.js';
import { JWT_SECRET } from './support/stack.js';

// the sandbox's routes, without subgraphs: served in development, absent in production

async function startRouter(production: boolean): Promise<{ router: Router; base: string }> {
  const router = await createRouter({
    production,
    supergraphSdl: readFileSync(SUPERGRAPH_FILE, 'utf8'),
    // nothing here is fetched from a subgraph
    subgraphUrls: Object.fromEntries(
      SUBGRAPH_NAMES.map((name) => [name, 'http://127.0.0.1:9/graphql']),
    ) as Record<SubgraphName, string>,
    jwtSecret: JWT_SECRET,
    jwtIssuer: undefined,
    jwtAudience: undefined,
    signingSecret: TEST_SIGNING_SECRET,
    log: testLogger('router'),
  });
  return { router, base: new URL('/', await router.listen()).href };
}

const mint = (base: string, identity: unknown) =>
  fetch(new URL('/sandbox/token', base), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ identity }),
  });

describe('the sandbox in development', () => {
  let router: Router;
  let base: string;
  before(async () => ({ router, base } = await startRouter(false)));
  after(() => router.stop());

  it('serves GraphiQL at / with its bundled assets', async () => {
    const page = await fetch(base);
    assert.equal(page.status, 200);
    const html = await page.text();
    const scripts = [...html.matchAll(/(?:src|href)="(\/sandbox\/[^"]+)"/g)].map((m) => m[1]!);
    assert.equal(scripts.length, 2);
    for (const asset of scripts) {
      const response = await fetch(new URL(asset, base));
      assert.equal(response.status, 200, asset);
      assert.ok((await response.text()).length > 10_000, asset);
    }
  });

  it('serves the same page to a browser opening /graphql, and still refuses operations sent that way', async () => {
    const browser = { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' };
    const page = await fetch(new URL('/graphql', base), { headers: browser });
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type') ?? '', /^text\/html/);
    assert.match(page.headers.get('content-security-policy') ?? '', /script-src 'self'/);
    assert.equal(await page.text(), await (await fetch(base)).text());
    // a query in the URL is an operation: the CSRF rule holds for it, HTML or not
    const query = new URLSearchParams({ query: '{ __typename }' });
    const forged = await fetch(new URL(`/graphql?${query}`, base), { headers: browser });
    assert.equal(forged.status, 400);
    const body = await forged.json();
    assert.match(body.errors[0].message, /cross-site request forgery/);
  });

  it('lists the demo identities and the persisted operations', async () => {
    const config = await (await fetch(new URL('/sandbox/config', base))).json();
    assert.deepEqual(
      config.identities.map(({ id }: { id: string }) => id.split(':')[0]),
      ['customer', 'customer', 'customer', 'customer', 'customer', 'staff', 'warehouse', 'carrier'],
    );
    assert.deepEqual(
      config.operations.map(({ name }: { name: string }) => name),
      readManifest().operations.map(({ name }) => name),
    );
  });

  it('mints a token for a demo customer that the router accepts', async () => {
    const response = await mint(base, `customer:${ADA}`);
    assert.equal(response.status, 200);
    const { token, identity } = await response.json();
    assert.deepEqual(identity, {
      id: `customer:${ADA}`,
      label: 'Ada Lovelace (customer)',
      subject: ADA,
    });
    assert.deepEqual(await authenticate(`Bearer ${token}`, { secret: JWT_SECRET }), {
      subject: ADA,
      roles: ['customer'],
      carrierCode: null,
      // shown as who did it on the order's timeline
      name: 'Ada Lovelace',
    });
    const carrier = await (await mint(base, 'carrier:ups')).json();
    assert.deepEqual(await authenticate(`Bearer ${carrier.token}`, { secret: JWT_SECRET }), {
      subject: 'carrier-ups',
      roles: ['carrier'],
      carrierCode: 'ups',
    });
  });

  it('refuses an identity that is not a demo one', async () => {
    const response = await mint(base, 'admin');
    assert.equal(response.status, 400);
    const body = await response.json();
    assert.equal(body.errors[0].extensions.code, 'BAD_REQUEST');
  });
});

describe('the sandbox in production', () => {
  let router: Router;
  let base: string;
  before(async () => ({ router, base } = await startRouter(true)));
  after(() => router.stop());

  it('does not exist', async () => {
    for (const path of ['/', '/sandbox/sandbox.js', '/sandbox/config']) {
      assert.equal((await fetch(new URL(path, base))).status, 404, path);
    }
    assert.equal((await mint(base, `customer:${ADA}`)).status, 404);
    const page = await fetch(new URL('/graphql', base), { headers: { accept: 'text/html' } });
    assert.equal(page.status, 400);
    assert.match(page.headers.get('content-type') ?? '', /json/);
  });
});

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import WebSocket from 'ws';
import { loadConfig } from '../src/config.js';
import { parseCorsOrigins } from '../src/http/cors.js';
import type { Router } from '../src/server.js';
import { startStack, type Stack } from './support/stack.js';

const SHOP = 'https://shop.example.com';
const EVIL = 'https://evil.example.net';
const QUERY = JSON.stringify({ query: '{ __typename }' });

let stack: Stack;
let production: { router: Router; url: string };
let productionWithoutList: { router: Router; url: string };
before(async () => {
  stack = await startStack();
  production = await stack.startExtraRouter({ production: true, corsOrigins: [SHOP] });
  productionWithoutList = await stack.startExtraRouter({ production: true });
});
after(async () => {
  await production?.router.stop();
  await productionWithoutList?.router.stop();
  await stack?.stop();
});

const preflight = (url: string, origin: string, requestHeaders = 'content-type, authorization') =>
  fetch(url, {
    method: 'OPTIONS',
    headers: {
      origin,
      'access-control-request-method': 'POST',
      'access-control-request-headers': requestHeaders,
    },
  });

const postFrom = (url: string, origin: string) =>
  fetch(url, {
    method: 'POST',
    headers: { origin, 'content-type': 'application/json' },
    body: QUERY,
  });

/** opens a WebSocket as a browser page of `origin` would; resolves to the upgrade's status */
const upgradeStatus = (url: string, origin: string) =>
  new Promise<number>((resolve) => {
    const socket = new WebSocket(url.replace(/^http/, 'ws'), 'graphql-transport-ws', { origin });
    socket.once('open', () => {
      socket.close();
      resolve(101);
    });
    socket.once('unexpected-response', (_request, response) => {
      resolve(response.statusCode ?? 0);
      socket.terminate();
    });
    socket.once('error', () => {});
  });

describe('CORS', () => {
  it('answers a preflight from an allowed origin with the methods and headers a client needs', async () => {
    const response = await preflight(production.url, SHOP);
    assert.equal(response.status, 204);
    assert.equal(response.headers.get('access-control-allow-origin'), SHOP);
    assert.match(response.headers.get('access-control-allow-methods') ?? '', /GET.*POST/);
    const allowed = (response.headers.get('access-control-allow-headers') ?? '').split(/,\s*/);
    for (const header of [
      'authorization',
      'content-type',
      'x-api-key',
      'apollo-require-preflight',
      'x-request-id',
      'if-none-match',
    ]) {
      assert.ok(allowed.includes(header), `${header} in ${allowed.join(', ')}`);
    }
    assert.match(response.headers.get('vary') ?? '', /origin/i);
    assert.ok(Number(response.headers.get('access-control-max-age')) > 0);
  });

  it('refuses the preflight of an origin that is not listed with 403 and no CORS headers', async () => {
    const response = await preflight(production.url, EVIL);
    assert.equal(response.status, 403);
    assert.equal(response.headers.get('access-control-allow-origin'), null);
    const body = (await response.json()) as { errors: { extensions: { code: string } }[] };
    assert.equal(body.errors[0]?.extensions.code, 'CORS_ORIGIN_NOT_ALLOWED');
  });

  it('lets an allowed page read the response (and x-request-id); others get no CORS headers', async () => {
    const allowed = await postFrom(production.url, SHOP);
    assert.equal(allowed.status, 200);
    assert.equal(allowed.headers.get('access-control-allow-origin'), SHOP);
    assert.match(allowed.headers.get('access-control-expose-headers') ?? '', /x-request-id/);
    assert.match(allowed.headers.get('vary') ?? '', /origin/i);
    const other = await postFrom(production.url, EVIL);
    assert.equal(other.headers.get('access-control-allow-origin'), null);
    assert.match(other.headers.get('vary') ?? '', /origin/i);
  });

  it('allows no origin by default in production, localhost ones by default in development', async () => {
    assert.equal((await preflight(productionWithoutList.url, 'http://localhost:3000')).status, 403);
    assert.equal((await preflight(productionWithoutList.url, SHOP)).status, 403);
    const local = await preflight(stack.routerUrl, 'http://localhost:3000');
    assert.equal(local.status, 204);
    assert.equal(local.headers.get('access-control-allow-origin'), 'http://localhost:3000');
    assert.equal((await preflight(stack.routerUrl, EVIL)).status, 403);
  });

  it('refuses WebSocket upgrades from pages of origins that may not call the router', async () => {
    assert.equal(await upgradeStatus(production.url, EVIL), 403);
    assert.equal(await upgradeStatus(production.url, SHOP), 101);
    // the router's own origin (the sandbox's page) always may
    assert.equal(await upgradeStatus(production.url, new URL(production.url).origin), 101);
  });

  it('reads ROUTER_CORS_ORIGINS as a list of origins and names a bad entry', () => {
    assert.deepEqual(parseCorsOrigins(' https://a.example.com , http://localhost:5173 '), [
      'https://a.example.com',
      'http://localhost:5173',
    ]);
    assert.equal(parseCorsOrigins(undefined), undefined);
    assert.deepEqual(loadConfig({ ROUTER_CORS_ORIGINS: SHOP }).corsOrigins, [SHOP]);
    assert.throws(
      () => loadConfig({ ROUTER_CORS_ORIGINS: 'https://a.example.com/app' }),
      /ROUTER_CORS_ORIGINS: "https:\/\/a.example.com\/app" is not an origin/,
    );
    assert.throws(() => loadConfig({ ROUTER_CORS_ORIGINS: '*' }), /ROUTER_CORS_ORIGINS/);
  });
});

describe('security headers', () => {
  it('every API response forbids sniffing, referrers, framing and cross-site loading', async () => {
    for (const url of [stack.routerUrl, production.url]) {
      const response = await postFrom(url, SHOP);
      assert.equal(response.headers.get('x-content-type-options'), 'nosniff');
      assert.equal(response.headers.get('referrer-policy'), 'no-referrer');
      assert.equal(response.headers.get('x-frame-options'), 'DENY');
      assert.equal(response.headers.get('cross-origin-resource-policy'), 'same-origin');
      assert.match(response.headers.get('content-security-policy') ?? '', /default-src 'none'/);
      assert.match(response.headers.get('content-security-policy') ?? '', /frame-ancestors 'none'/);
    }
    const health = await fetch(new URL('/health', production.url));
    assert.equal(health.headers.get('x-content-type-options'), 'nosniff');
  });

  it('asks for HTTPS only in production', async () => {
    const productionResponse = await postFrom(production.url, SHOP);
    assert.match(productionResponse.headers.get('strict-transport-security') ?? '', /max-age=\d+/);
    const development = await postFrom(stack.routerUrl, SHOP);
    assert.equal(development.headers.get('strict-transport-security'), null);
  });

  it("gives the sandbox page a policy that loads only the router's own script and styles", async () => {
    const page = await fetch(new URL('/', stack.routerUrl));
    const policy = page.headers.get('content-security-policy') ?? '';
    assert.match(policy, /script-src 'self'(;|$)/);
    assert.match(policy, /connect-src 'self'/);
    assert.match(policy, /frame-ancestors 'none'/);
    assert.doesNotMatch(policy, /unsafe-eval/);
    assert.equal(page.headers.get('x-frame-options'), 'DENY');
  });
});

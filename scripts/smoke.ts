// the embedded default end to end: `npm start` with no configuration, the five-subgraph query
// as a demo customer, then Ctrl-C; exits non-zero on any failure, and on any connection that
// this script or a process it starts tried to open beyond this machine (the network guard).
// With --production: `npm start` in production (NODE_ENV=production, after `npm run build`),
// every service the compiled JavaScript under plain node, on free ports, on databases of their
// own on TEST_DATABASE_URL's server (embedded without it); the router's /ready, the same query,
// and a clean stop
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dropDatabase, PROJECT_ROOT, withDatabase } from '@ordergraph/shared';
import { signToken } from '../router/src/auth.js';
import { DEVELOPMENT_JWT_SECRET, SUBGRAPH_NAMES } from '../router/src/config.js';
import { DEMO_CUSTOMERS } from '../subgraphs/customers/src/seed.js';
import { EXAMPLE_QUERY } from './example-query.js';

const production = process.argv.includes('--production');
const dataDir = mkdtempSync(join(tmpdir(), 'ordergraph-smoke-'));
const guardLog = join(dataDir, 'outbound-attempts.jsonl');
// in development the guard's preload goes into NODE_OPTIONS, so every process `npm start` runs
// records its attempts; in production the services run as they would be deployed, without it
// (it is TypeScript, loaded through tsx)
const guard = production ? undefined : await import('@ordergraph/shared/network-guard');
const env: NodeJS.ProcessEnv = {
  ...process.env,
  DATA_DIR: dataDir,
  LOG_LEVEL: 'warn',
  ...(guard ? { [guard.NETWORK_GUARD_LOG]: guardLog } : {}),
};
// production runs no TypeScript: neither tsx nor the guard a test runner preloads
if (production) delete env['NODE_OPTIONS'];
for (const name of [
  'DATABASE_URL',
  'TEST_DATABASE_URL',
  'AUTH_JWT_SECRET',
  'ROUTER_SIGNING_SECRET',
  'NODE_ENV',
])
  delete env[name];

/** A port free on this machine now: the system's pick for a listener on port 0. */
const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(address),
      );
    });
  });

let routerPort = 4000;
let secret = DEVELOPMENT_JWT_SECRET;
const databases: string[] = [];
if (production) {
  routerPort = await freePort();
  secret = randomBytes(32).toString('hex');
  Object.assign(env, {
    NODE_ENV: 'production',
    AUTH_JWT_SECRET: secret,
    ROUTER_SIGNING_SECRET: randomBytes(32).toString('hex'),
    PORT: String(routerPort),
  });
  const serverUrl = process.env['TEST_DATABASE_URL'];
  for (const name of SUBGRAPH_NAMES) {
    env[`${name.toUpperCase()}_URL`] = `http://127.0.0.1:${await freePort()}/graphql`;
    if (!serverUrl) continue;
    const url = withDatabase(serverUrl, `ordergraph_smoke_${process.pid}_${name}`);
    env[`${name.toUpperCase()}_DATABASE_URL`] = url;
    databases.push(url);
  }
  // demo data on the server too, as on the embedded default
  if (serverUrl) env['SEED_DEMO_DATA'] = 'true';
}
const routerUrl = `http://127.0.0.1:${routerPort}`;

const start = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], {
  cwd: PROJECT_ROOT,
  env,
});
// its exit, whenever it comes: a start that failed early has exited before the stop below
const exited = new Promise<number | null>((resolve) => start.once('exit', resolve));
let output = '';
const running = new Promise<void>((resolve, reject) => {
  const timer = setTimeout(() => reject(new Error(`start timed out:\n${output}`)), 240_000);
  const onData = (chunk: Buffer) => {
    output += chunk.toString();
    process.stdout.write(chunk);
    if (output.includes('ordergraph is running')) {
      clearTimeout(timer);
      resolve();
    }
  };
  start.stdout.on('data', onData);
  start.stderr.on('data', onData);
  void exited.then((code) => reject(new Error(`start exited early with ${code}`)));
});

let failed = false;
try {
  await running;
  const [customer] = DEMO_CUSTOMERS;
  const token = await signToken({
    secret,
    subject: customer.id,
    roles: ['customer'],
  });
  const ready = await fetch(`${routerUrl}/ready`);
  if (ready.status !== 200) throw new Error(`the router's /ready answered ${ready.status}`);
  const response = await fetch(`${routerUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: EXAMPLE_QUERY }),
  });
  const body = (await response.json()) as { data?: any; errors?: unknown[] };
  console.log(JSON.stringify(body, null, 2));
  const orders = body.data?.me?.orders?.nodes ?? [];
  if (body.errors || body.data?.me?.name !== customer.name || orders.length === 0) {
    throw new Error('the example query did not return the demo customer with orders');
  }
  if (
    !orders.every((order: any) =>
      order.lines.every((line: any) => line.variant.name && line.variant.price),
    )
  ) {
    throw new Error('order lines lack catalog data');
  }
  console.log('smoke test passed');
} catch (error) {
  failed = true;
  console.error(error);
} finally {
  start.kill('SIGINT');
  const code = await exited;
  if (code !== 0) {
    console.error(`start did not stop cleanly (exit ${String(code)})`);
    failed = true;
  }
  await Promise.all(databases.map((url) => dropDatabase(url)));
  const attempts = [
    ...(guard?.outboundAttempts() ?? []).map((attempt) => JSON.stringify(attempt)),
    ...(existsSync(guardLog) ? readFileSync(guardLog, 'utf8').trim().split('\n') : []),
  ].filter(Boolean);
  if (attempts.length > 0 || output.includes('MetadataLookupWarning')) {
    console.error(`connections beyond this machine were attempted:\n${attempts.join('\n')}`);
    failed = true;
  } else if (guard) {
    console.log('no connection beyond this machine was attempted');
  }
  rmSync(dataDir, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);

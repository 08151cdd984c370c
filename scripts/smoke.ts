// the embedded default end to end: `npm start` with no configuration, the five-subgraph query
// as a demo customer, then Ctrl-C; exits non-zero on any failure, and on any connection that
// this script or a process it starts tried to open beyond this machine (the network guard)
import { NETWORK_GUARD_LOG, outboundAttempts } from '@ordergraph/shared/network-guard';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from '@ordergraph/shared';
import { signToken } from '../router/src/auth.js';
import { DEVELOPMENT_JWT_SECRET } from '../router/src/config.js';
import { DEMO_CUSTOMERS } from '../subgraphs/customers/src/seed.js';
import { EXAMPLE_QUERY } from './example-query.js';

const dataDir = mkdtempSync(join(tmpdir(), 'ordergraph-smoke-'));
const guardLog = join(dataDir, 'outbound-attempts.jsonl');
// the guard's preload is in NODE_OPTIONS: every process `npm start` runs records its attempts
const env: NodeJS.ProcessEnv = {
  ...process.env,
  DATA_DIR: dataDir,
  LOG_LEVEL: 'warn',
  [NETWORK_GUARD_LOG]: guardLog,
};
for (const name of ['DATABASE_URL', 'TEST_DATABASE_URL', 'AUTH_JWT_SECRET', 'NODE_ENV'])
  delete env[name];

const start = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], {
  cwd: PROJECT_ROOT,
  env,
});
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
  start.once('exit', (code) => reject(new Error(`start exited early with ${code}`)));
});

let failed = false;
try {
  await running;
  const [customer] = DEMO_CUSTOMERS;
  const token = await signToken({
    secret: DEVELOPMENT_JWT_SECRET,
    subject: customer.id,
    roles: ['customer'],
  });
  const response = await fetch('http://127.0.0.1:4000/graphql', {
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
  const code = await new Promise((resolve) => start.once('exit', resolve));
  if (code !== 0) {
    console.error(`start did not stop cleanly (exit ${String(code)})`);
    failed = true;
  }
  const attempts = [
    ...outboundAttempts().map((attempt) => JSON.stringify(attempt)),
    ...(existsSync(guardLog) ? readFileSync(guardLog, 'utf8').trim().split('\n') : []),
  ].filter(Boolean);
  if (attempts.length > 0 || output.includes('MetadataLookupWarning')) {
    console.error(`connections beyond this machine were attempted:\n${attempts.join('\n')}`);
    failed = true;
  } else {
    console.log('no connection beyond this machine was attempted');
  }
  rmSync(dataDir, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);

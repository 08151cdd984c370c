// starts the five subgraphs and the router with prefixed, readable logs; seeds the demo data
// through the graph; Ctrl-C stops everything cleanly. In development the five subgraphs share one
// process (scripts/subgraphs.ts), each on its own database and port, so the libraries and tsx's
// compilation are loaded once; in production each runs in its own process, as deployed
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, statSync, writeFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { createInterface } from 'node:readline';
import { prettyFactory } from 'pino-pretty';
// subpaths, not the barrel: the launcher needs neither the database drivers nor the server
import { PROJECT_ROOT } from '@ordergraph/shared/paths';
import { telemetryRequested } from '@ordergraph/shared/telemetry';
import { signToken } from '../router/src/auth.js';
import {
  DEFAULT_SUBGRAPH_PORTS,
  loadConfig,
  SUBGRAPH_NAMES,
  type SubgraphName,
} from '../router/src/config.js';
import { createLinePrinter } from './log-lines.js';
import { seedDemoData } from './seed-demo.js';

const COLORS = [36, 35, 33, 32, 34, 91];
const routerConfig = loadConfig();
const children = new Map<string, ChildProcess>();
let stopping = false;

// one OpenTelemetry SDK per process, named after its service: with telemetry on, one process each
const subgraphsInOneProcess = !routerConfig.production && !telemetryRequested(process.env);

const pretty = prettyFactory({
  colorize: true,
  singleLine: true,
  ignore: 'pid,hostname,service,name',
  translateTime: 'SYS:HH:MM:ss',
});
const print = createLinePrinter({
  labels: Object.fromEntries(
    [...SUBGRAPH_NAMES, 'router'].map((name, index) => [name, COLORS[index] ?? 37]),
  ),
  pretty: (line) => pretty(line).trimEnd(),
  write: (text) => process.stdout.write(text),
});

/**
 * How a service starts: in production (NODE_ENV=production) the JavaScript `npm run build`
 * compiled into its dist/ (the `ordergraph-dist` condition points @ordergraph/shared there too),
 * otherwise its TypeScript through tsx, as in development.
 */
function nodeArgs(dir: string): string[] {
  if (!routerConfig.production) return ['--import', 'tsx', `${dir}/src/index.ts`];
  const entry = `${dir}/dist/index.js`;
  if (!existsSync(join(PROJECT_ROOT, entry))) {
    throw new Error(`${entry} is missing: run \`npm run build\` before starting in production`);
  }
  return ['--conditions=ordergraph-dist', '--enable-source-maps', entry];
}

/**
 * The port a subgraph listens on: the one its URL in the router's configuration names
 * (`CUSTOMERS_URL`, ...), its default without one, so a second copy can run beside the first.
 */
function subgraphPort(name: SubgraphName): number {
  const { port } = new URL(routerConfig.subgraphUrls[name]);
  return port ? Number(port) : DEFAULT_SUBGRAPH_PORTS[name];
}

/**
 * Runs one process; its lines are printed under the label of the service that wrote them (a
 * log line's `service`), else under `name`. Its end, unless everything is stopping, stops all.
 */
function launch(name: string, args: string[], env: NodeJS.ProcessEnv = {}): ChildProcess {
  const child = spawn(process.execPath, args, {
    cwd: PROJECT_ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const printLine = (line: string) => print(line, name);
  createInterface({ input: child.stdout! }).on('line', printLine);
  createInterface({ input: child.stderr! }).on('line', printLine);
  child.on('exit', (code, signal) => {
    children.delete(name);
    if (!stopping) {
      printLine(`exited unexpectedly (${signal ?? code}); stopping everything`);
      void stop(1);
    }
  });
  children.set(name, child);
  return child;
}

/** The five subgraphs: one process in development, one each in production. */
function launchSubgraphs(): void {
  if (subgraphsInOneProcess) {
    const ports = SUBGRAPH_NAMES.map((name) => `${name}=${subgraphPort(name)}`);
    launch('subgraphs', ['--import', 'tsx', 'scripts/subgraphs.ts', ...ports]);
    return;
  }
  for (const name of SUBGRAPH_NAMES) {
    launch(name, nodeArgs(`subgraphs/${name}`), { PORT: String(subgraphPort(name)) });
  }
}

async function waitForHealth(name: string, url: string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (stopping) return;
    const ok = await fetch(url, { signal: AbortSignal.timeout(1_000) }).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${name} did not become healthy at ${url}`);
}

// the embedded databases' folder (the subgraphs' DATA_DIR), and the mark the demo data leaves
// there once it is in: a second start on the same databases skips it
const dataDir = process.env['DATA_DIR'] ?? '.data';
const embeddedRoot = isAbsolute(dataDir) ? dataDir : join(PROJECT_ROOT, dataDir);
const seededMark = join(embeddedRoot, '.demo-data-seeded');

/** Whether the demo data went into these very databases: none was made after the mark. */
function demoDataSeeded(): boolean {
  if (!existsSync(seededMark)) return false;
  const markedAt = statSync(seededMark).mtimeMs;
  return SUBGRAPH_NAMES.every((name) => {
    const version = join(embeddedRoot, name, 'PG_VERSION');
    return existsSync(version) && statSync(version).mtimeMs <= markedAt;
  });
}

async function stop(exitCode: number): Promise<never> {
  stopping = true;
  const exits = [...children.values()].map(
    (child) =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  );
  const forced = setTimeout(() => {
    for (const child of children.values()) child.kill('SIGKILL');
  }, 15_000);
  await Promise.all(exits);
  clearTimeout(forced);
  process.exit(exitCode);
}

process.on('SIGINT', () => void stop(0));
process.on('SIGTERM', () => void stop(0));

try {
  launchSubgraphs();
  // the router needs the subgraphs only once queries come (its supergraph is a file), so it
  // starts beside them rather than after
  launch('router', nodeArgs('router'), { PORT: String(routerConfig.port) });
  const routerUrl = `http://127.0.0.1:${routerConfig.port}/graphql`;
  await Promise.all([
    ...SUBGRAPH_NAMES.map((name) =>
      waitForHealth(name, `http://127.0.0.1:${subgraphPort(name)}/health`),
    ),
    waitForHealth('router', `http://127.0.0.1:${routerConfig.port}/health`),
  ]);

  const embedded = !process.env['DATABASE_URL'];
  if (embedded && process.env['SEED_DEMO_DATA'] !== 'true' && demoDataSeeded()) {
    console.log('demo data already in the embedded databases');
  } else if (
    process.env['SEED_DEMO_DATA'] === 'true' ||
    (embedded && process.env['SEED_DEMO_DATA'] !== 'false')
  ) {
    const staffToken = await signToken({
      secret: routerConfig.jwtSecret,
      subject: 'demo-seeder',
      roles: ['staff'],
    });
    const summary = await seedDemoData({ routerUrl, token: staffToken });
    console.log(
      `demo data ready: ${summary.variants} variants in stock, ${summary.orders} demo orders`,
    );
    if (embedded) writeFileSync(seededMark, `${new Date().toISOString()}\n`);
  }
  console.log(
    `\nordergraph is running: ${routerUrl}\n  a demo customer's token: npm run token -- --role customer\n  stop with Ctrl-C\n`,
  );
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  await stop(1);
}

import { fileURLToPath } from 'node:url';
import type { Subgraph } from '../data/seed.js';
import { SUBGRAPHS } from '../data/seed.js';
import { serviceEnv, SIGNING_SECRET } from '../settings.js';
import { freePort } from './ports.js';
import { startProcess, waitUntil, type ServiceProcess } from './processes.js';

const PROBE = fileURLToPath(new URL('./subgraph-probe.ts', import.meta.url));

export interface RunningSubgraphs {
  /** each subgraph's GraphQL URL */
  urls: Record<Subgraph, string>;
  processes: ServiceProcess[];
}

/** Starts the five subgraphs, one process each on a free port, on the bench databases. */
export async function startSubgraphs({
  databaseUrls,
  logDir,
  cpus,
}: {
  databaseUrls: Record<Subgraph, string>;
  logDir: string;
  /** the cores the subgraphs share; anywhere when not given */
  cpus?: readonly number[] | undefined;
}): Promise<RunningSubgraphs> {
  const ports = {} as Record<Subgraph, number>;
  for (const name of SUBGRAPHS) ports[name] = await freePort();
  const urls = Object.fromEntries(
    SUBGRAPHS.map((name) => [name, `http://127.0.0.1:${ports[name]}/graphql`]),
  ) as Record<Subgraph, string>;
  // every subgraph knows where the others are, for commands and event feeds
  const siblings = Object.fromEntries(
    SUBGRAPHS.map((name) => [`${name.toUpperCase()}_URL`, urls[name]]),
  );
  const processes = SUBGRAPHS.map((name) =>
    startProcess({
      name,
      entry: `subgraphs/${name}/src/index.ts`,
      logDir,
      preload: [PROBE],
      cpus,
      env: serviceEnv({
        ...siblings,
        HOST: '127.0.0.1',
        PORT: String(ports[name]),
        [`${name.toUpperCase()}_DATABASE_URL`]: databaseUrls[name],
        ROUTER_SIGNING_SECRET: SIGNING_SECRET,
        SEED_DEMO_DATA: 'false',
      }),
    }),
  );
  await Promise.all(
    processes.map((service, index) =>
      waitUntil({
        service,
        check: async () => (await fetch(`http://127.0.0.1:${ports[SUBGRAPHS[index]!]}/ready`)).ok,
        timeoutMs: 120_000,
      }),
    ),
  );
  return { urls, processes };
}

import { fileURLToPath } from 'node:url';
import { dropDatabase } from '@ordergraph/shared';
import {
  freePort,
  freshTestDatabaseUrl,
  startServiceProcess,
  TEST_SIGNING_SECRET,
  waitUntil,
  type ServiceProcess,
} from '@ordergraph/shared/testing';
import { SUPERGRAPH_FILE } from '../../src/composition.js';
import { SUBGRAPH_NAMES, type SubgraphName } from '../../src/config.js';
import { parsePrometheusText } from './prometheus.js';
import { startRoundRobinProxy, type RoundRobinProxy } from './round-robin-proxy.js';
import { JWT_SECRET } from './stack.js';

export type ServiceName = SubgraphName | 'router';

/** the services each subgraph calls or follows, by the variable that names them */
const PEERS: Record<SubgraphName, Partial<Record<string, SubgraphName>>> = {
  customers: { ORDERS_URL: 'orders', SHIPMENTS_URL: 'shipments' },
  catalog: {},
  orders: {
    CATALOG_URL: 'catalog',
    INVENTORY_URL: 'inventory',
    SHIPMENTS_URL: 'shipments',
    CUSTOMERS_URL: 'customers',
  },
  inventory: { CATALOG_URL: 'catalog', SHIPMENTS_URL: 'shipments' },
  shipments: { ORDERS_URL: 'orders' },
};
// the demo catalog, customers and warehouses, seeded once by each service's first replica
const SEEDED: ReadonlySet<SubgraphName> = new Set(['catalog', 'customers', 'inventory']);

const entryOf = (service: ServiceName) =>
  fileURLToPath(
    new URL(
      service === 'router' ? '../../src/index.ts' : `../../../subgraphs/${service}/src/index.ts`,
      import.meta.url,
    ),
  );

export interface Replica {
  readonly service: ServiceName;
  readonly index: number;
  readonly port: number;
  /** the running process, or null while it is down */
  process: ServiceProcess | null;
}

/** A kill of one replica and how long its background work took to move to the other one. */
export interface Kill {
  service: ServiceName;
  index: number;
  /** the leases the killed replica held */
  leases: string[];
  /** from the SIGKILL until the other replica held every one of them; null: none to move */
  takeoverMs: number | null;
}

export interface ReplicaSet {
  /** the load balancer in front of the routers */
  readonly routerOrigin: string;
  readonly replicas: Record<ServiceName, Replica[]>;
  readonly databaseUrls: Record<SubgraphName, string>;
  /**
   * SIGKILLs one replica and waits for its leases to move; `restarted` resolves once it is
   * started again and ready, while the caller goes on (the next kill, say)
   */
  killAndRestart(
    service: ServiceName,
    index: number,
  ): Promise<{ kill: Kill; restarted: Promise<void> }>;
  /** waits until every consumer has handled its producer's whole event log */
  settle(options?: { timeoutMs?: number }): Promise<void>;
  /** leases a replica holds now, from its /metrics */
  leasesHeldBy(replica: Replica): Promise<string[]>;
  stop(): Promise<void>;
}

/**
 * Every service of the graph as real processes on PostgreSQL, `count` replicas each (routers
 * included), one database per subgraph, each service behind a round-robin proxy that the others
 * reach it through, as they would behind a Kubernetes Service.
 */
export async function startReplicaSet({
  count = 2,
  env = {},
}: {
  count?: number;
  /** settings for every subgraph process (e.g. LEASE_TTL_MS) */
  env?: Record<string, string>;
}): Promise<ReplicaSet> {
  const services: ServiceName[] = [...SUBGRAPH_NAMES, 'router'];
  const databaseUrls = Object.fromEntries(
    SUBGRAPH_NAMES.map((name) => [name, freshTestDatabaseUrl(`replicas_${name}`)!]),
  ) as Record<SubgraphName, string>;
  const replicas = {} as Record<ServiceName, Replica[]>;
  const proxies = {} as Record<ServiceName, RoundRobinProxy>;
  for (const service of services) {
    replicas[service] = [];
    for (let index = 0; index < count; index++) {
      replicas[service].push({ service, index, port: await freePort(), process: null });
    }
    proxies[service] = await startRoundRobinProxy({
      backends: () => replicas[service].map((replica) => replica.port),
    });
  }
  // processes that ended other than by the test's SIGKILL
  const exits: string[] = [];
  const graphqlOf = (service: ServiceName) => `${proxies[service].origin}/graphql`;

  const envOf = (replica: Replica, { seed }: { seed: boolean }) => {
    const common = {
      HOST: '127.0.0.1',
      PORT: String(replica.port),
      NODE_ENV: 'production',
      LOG_LEVEL: 'info',
      ROUTER_SIGNING_SECRET: TEST_SIGNING_SECRET,
      DATABASE_URL: undefined,
      TEST_DATABASE_URL: undefined,
      OTEL_EXPORTER_OTLP_ENDPOINT: undefined,
      SHUTDOWN_TIMEOUT_MS: '3000',
      // ten subgraph processes on one server: their pools must fit in max_connections
      DATABASE_POOL_MAX: '4',
    };
    if (replica.service === 'router') {
      return {
        ...common,
        ...Object.fromEntries(
          SUBGRAPH_NAMES.map((name) => [`${name.toUpperCase()}_URL`, graphqlOf(name)]),
        ),
        SUPERGRAPH_PATH: SUPERGRAPH_FILE,
        SUPERGRAPH_WATCH: 'false',
        AUTH_JWT_SECRET: JWT_SECRET,
        REDIS_URL: undefined,
        ROUTER_CLIENTS_PATH: undefined,
        // the test's driver is one caller at one address
        ROUTER_RATE_LIMIT_CAPACITY: '0',
      };
    }
    const name = replica.service;
    return {
      ...common,
      ...env,
      [`${name.toUpperCase()}_DATABASE_URL`]: databaseUrls[name],
      ...Object.fromEntries(
        Object.entries(PEERS[name]).map(([variable, peer]) => [variable, graphqlOf(peer!)]),
      ),
      SEED_DEMO_DATA: String(seed),
    };
  };

  const start = async (replica: Replica, { seed = false } = {}) => {
    replica.process = startServiceProcess({
      entry: entryOf(replica.service),
      env: envOf(replica, { seed }),
    });
    void replica.process.exited.then(({ code, signal }) => {
      if (signal !== 'SIGKILL')
        exits.push(`${replica.service} #${replica.index}: ${code ?? signal}`);
    });
    const origin = `http://127.0.0.1:${replica.port}`;
    const started = replica.process;
    await waitUntil(
      () =>
        fetch(`${origin}/ready`).then(
          (response) => response.ok,
          () => false,
        ),
      { timeoutMs: 120_000, what: `${replica.service} #${replica.index} to be ready` },
    ).catch((error: Error) => {
      // what the process said is what tells why it never became ready
      const said = started.logs.slice(-10).map((line) => JSON.stringify(line));
      throw new Error(`${error.message}; its last log lines:\n${said.join('\n')}`);
    });
  };

  const scrape = async (service: SubgraphName) => {
    for (const replica of replicas[service]) {
      if (!replica.process) continue;
      const text = await fetch(`http://127.0.0.1:${replica.port}/metrics`).then(
        (response) => response.text(),
        () => null,
      );
      if (text) return parsePrometheusText(text).samples;
    }
    return [];
  };

  /** consumers behind their producer's head, as `consumer position/head` */
  const lagging = async (): Promise<string[]> => {
    const heads = new Map<string, number>();
    const positions: { consumer: string; position: number }[] = [];
    for (const service of SUBGRAPH_NAMES) {
      for (const sample of await scrape(service)) {
        if (sample.name === 'ordergraph_event_log_head_seq') heads.set(service, sample.value);
        if (sample.name === 'ordergraph_event_consumer_position') {
          positions.push({ consumer: sample.labels['consumer']!, position: sample.value });
        }
      }
    }
    return positions
      .map(({ consumer, position }) => ({
        consumer,
        position,
        // `service:producer`, or `service:work` for a consumer of its own service's log
        head: heads.get(consumer.split(':')[1]!) ?? heads.get(consumer.split(':')[0]!) ?? Infinity,
      }))
      .filter(({ position, head }) => position < head)
      .map(({ consumer, position, head }) => `${consumer} ${position}/${head}`);
  };

  const leasesHeldBy = async (replica: Replica): Promise<string[]> => {
    const text = await fetch(`http://127.0.0.1:${replica.port}/metrics`).then(
      (response) => response.text(),
      () => '',
    );
    return parsePrometheusText(text)
      .samples.filter((sample) => sample.name === 'ordergraph_lease_held' && sample.value === 1)
      .map((sample) => sample.labels['lease']!)
      .sort();
  };

  // a test that times out ends without its after hooks: its replicas go with it
  const killAll = () => {
    for (const service of services)
      for (const replica of replicas[service]) void replica.process?.kill();
  };
  process.once('exit', killAll);

  // the first replica of each subgraph creates, migrates and seeds its database; the others
  // start together afterwards, as replicas of a rollout do
  for (const name of SUBGRAPH_NAMES) await start(replicas[name][0]!, { seed: SEEDED.has(name) });
  await Promise.all(
    services.flatMap((service) =>
      replicas[service].filter((replica) => replica.process === null).map((r) => start(r)),
    ),
  );

  return {
    routerOrigin: proxies.router.origin,
    replicas,
    databaseUrls,
    leasesHeldBy,
    async settle({ timeoutMs = 90_000 } = {}) {
      let behind: string[] = [];
      await waitUntil(async () => (behind = await lagging()).length === 0, {
        timeoutMs,
        what: 'every consumer to reach its producer’s head',
      }).catch((error: Error) => {
        throw new Error(`${error.message}: ${behind.join(', ')}`);
      });
    },
    async killAndRestart(service, index) {
      const victim = replicas[service][index]!;
      const others = replicas[service].filter((replica) => replica !== victim);
      const leases = service === 'router' ? [] : await leasesHeldBy(victim);
      const killedAt = Date.now();
      await victim.process?.kill();
      victim.process = null;
      let takeoverMs: number | null = null;
      if (leases.length > 0) {
        await waitUntil(
          async () => {
            const held = (await Promise.all(others.map(leasesHeldBy))).flat();
            return leases.every((lease) => held.includes(lease));
          },
          { timeoutMs: 60_000, what: `${service}'s leases to move` },
        );
        takeoverMs = Date.now() - killedAt;
      }
      return { kill: { service, index, leases, takeoverMs }, restarted: start(victim) };
    },
    async stop() {
      process.off('exit', killAll);
      await Promise.all(services.flatMap((s) => replicas[s].map((r) => r.process?.kill())));
      await Promise.all(services.map((service) => proxies[service].close()));
      for (const url of Object.values(databaseUrls)) await dropDatabase(url);
    },
  };
}

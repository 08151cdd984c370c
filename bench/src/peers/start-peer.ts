import { join } from 'node:path';
import { PROJECT_ROOT } from '@ordergraph/shared';
import type { Subgraph } from '../data/seed.js';
import { freePort } from '../services/ports.js';
import { startProcess, waitUntil, type ServiceProcess } from '../services/processes.js';
import { JWT_SECRET, serviceEnv, SIGNING_SECRET } from '../settings.js';
import { toEnv, type PeerEnv } from './peer-env.js';
import type { PeerDefinition } from './registry.js';

/** every peer serves the committed supergraph file */
export const SUPERGRAPH_PATH = join(PROJECT_ROOT, 'schema/supergraph.graphql');

export interface StartedPeer {
  url: string;
  process: ServiceProcess;
}

/** Starts a peer on a free port and waits until it answers GraphQL. */
export async function startPeer({
  definition,
  subgraphUrls,
  dedup,
  logDir,
  cpus,
}: {
  definition: PeerDefinition;
  subgraphUrls: Record<Subgraph, string>;
  dedup: boolean;
  logDir: string;
  /** the router's cores, the same for every peer; anywhere when not given */
  cpus?: readonly number[] | undefined;
}): Promise<StartedPeer> {
  const peerEnv: PeerEnv = {
    port: await freePort(),
    supergraphPath: SUPERGRAPH_PATH,
    subgraphUrls,
    jwtSecret: JWT_SECRET,
    signingSecret: SIGNING_SECRET,
    dedup,
  };
  const url = `http://127.0.0.1:${peerEnv.port}/graphql`;
  const service = startProcess({
    name: `${definition.id}${dedup ? '-dedup' : ''}`,
    entry: definition.entry,
    logDir,
    cpus,
    env: serviceEnv({ ...toEnv(peerEnv), ...definition.env(peerEnv) }),
  });
  await waitUntil({
    service,
    timeoutMs: 120_000,
    check: async () => {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ __typename }' }),
      });
      return response.ok && ((await response.json()) as { data?: unknown }).data !== undefined;
    },
  });
  return { url, process: service };
}

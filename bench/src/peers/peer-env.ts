import type { Subgraph } from '../data/seed.js';

/** What the bench tells a peer it starts (in BENCH_* variables): the same for every peer. */
export interface PeerEnv {
  port: number;
  supergraphPath: string;
  subgraphUrls: Record<Subgraph, string>;
  jwtSecret: string;
  signingSecret: string;
  /** share the response of an identical subgraph fetch already in flight */
  dedup: boolean;
}

export function toEnv(peer: PeerEnv): Record<string, string> {
  return {
    BENCH_PORT: String(peer.port),
    BENCH_SUPERGRAPH_PATH: peer.supergraphPath,
    BENCH_SUBGRAPH_URLS: JSON.stringify(peer.subgraphUrls),
    BENCH_JWT_SECRET: peer.jwtSecret,
    BENCH_SIGNING_SECRET: peer.signingSecret,
    BENCH_DEDUP: String(peer.dedup),
  };
}

/** Reads the BENCH_* variables in a peer's process; fails naming a missing one. */
export function readPeerEnv(env: NodeJS.ProcessEnv = process.env): PeerEnv {
  const get = (name: string) => {
    const value = env[name];
    if (!value) throw new Error(`${name} is required`);
    return value;
  };
  return {
    port: Number(get('BENCH_PORT')),
    supergraphPath: get('BENCH_SUPERGRAPH_PATH'),
    subgraphUrls: JSON.parse(get('BENCH_SUBGRAPH_URLS')) as Record<Subgraph, string>,
    jwtSecret: get('BENCH_JWT_SECRET'),
    signingSecret: get('BENCH_SIGNING_SECRET'),
    dedup: get('BENCH_DEDUP') === 'true',
  };
}

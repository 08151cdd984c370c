import { readFileSync } from 'node:fs';
import { TEST_SIGNING_SECRET, testLogger } from '@ordergraph/shared/testing';
import { SUPERGRAPH_FILE } from '../../src/composition.js';
import { SUBGRAPH_NAMES, type SubgraphName } from '../../src/config.js';
import { createRouter, type Router, type RouterOptions } from '../../src/server.js';
import { JWT_SECRET } from './stack.js';

/** Where a lone router's subgraphs are, unless a test gives one: a port nobody listens on. */
export const NOWHERE = 'http://127.0.0.1:9/graphql';

/**
 * A router without a database or subgraphs behind it, for what needs none (`{ __typename }`,
 * limits, readiness, metrics); `subgraphUrls` points some at servers of the test's own.
 */
export async function startLoneRouter({
  subgraphUrls = {},
  ...options
}: Omit<Partial<RouterOptions>, 'subgraphUrls'> & {
  subgraphUrls?: Partial<Record<SubgraphName, string>>;
} = {}): Promise<{ router: Router; url: string }> {
  const router = await createRouter({
    production: false,
    supergraphSdl: readFileSync(SUPERGRAPH_FILE, 'utf8'),
    subgraphUrls: Object.fromEntries(
      SUBGRAPH_NAMES.map((name) => [name, subgraphUrls[name] ?? NOWHERE]),
    ) as Record<SubgraphName, string>,
    jwtSecret: JWT_SECRET,
    jwtIssuer: undefined,
    jwtAudience: undefined,
    signingSecret: TEST_SIGNING_SECRET,
    log: testLogger('router'),
    ...options,
  });
  return { router, url: await router.listen() };
}

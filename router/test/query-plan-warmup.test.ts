import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { ApolloServer } from '@apollo/server';
import { testLogger, TEST_SIGNING_SECRET } from '@ordergraph/shared/testing';
import { SUPERGRAPH_FILE } from '../src/composition.js';
import { SUBGRAPH_NAMES, type SubgraphName } from '../src/config.js';
import type { RouterContext } from '../src/context.js';
import { createDataSources, createGateway } from '../src/gateway.js';
import { apiSchemaOf } from '../src/persisted/api-schema.js';
import { readManifest } from '../src/persisted/manifest.js';
import { stopWarmUpAfterPlanning, warmQueryPlans } from '../src/persisted/warm-plans.js';

describe('query plan warm-up', () => {
  it('plans every manifest query and mutation without fetching from any subgraph', async () => {
    const supergraphSdl = readFileSync(SUPERGRAPH_FILE, 'utf8');
    // no subgraph listens there: a fetch would fail with another error than the warm-up's
    const nowhere = Object.fromEntries(
      SUBGRAPH_NAMES.map((name) => [name, 'http://127.0.0.1:9/graphql']),
    ) as Record<SubgraphName, string>;
    const gateway = createGateway({
      supergraphSdl,
      dataSources: createDataSources({ subgraphUrls: nowhere, signingSecret: TEST_SIGNING_SECRET }),
      onQueryPlan: stopWarmUpAfterPlanning,
    });
    const apollo = new ApolloServer<RouterContext>({ gateway: gateway.gateway });
    await apollo.start();
    try {
      const manifest = readManifest();
      const planned = await warmQueryPlans({
        apollo,
        manifest,
        schema: apiSchemaOf(supergraphSdl),
        log: testLogger('warm-up'),
      });
      const expected = manifest.operations.filter((o) => o.type !== 'subscription').length;
      assert.ok(expected > 0);
      assert.equal(planned, expected);
    } finally {
      await apollo.stop();
    }
  });
});

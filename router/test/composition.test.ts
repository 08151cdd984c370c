import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { PROJECT_ROOT } from '@ordergraph/shared';
import { createRequire } from 'node:module';
import { Supergraph } from '@apollo/federation-internals';
import { Kind, parse, print, type DefinitionNode } from 'graphql';
import { composeSupergraph, readSupergraphConfig, SUPERGRAPH_FILE } from '../src/composition.js';
import { DEFAULT_SUBGRAPH_PORTS, SUBGRAPH_NAMES } from '../src/config.js';
import { enforcedByTheRouter } from '../src/supergraph-features.js';

// the purpose (`for:`) of each feature the committed supergraph links, by the feature's name
function linkPurposes(sdl: string): Record<string, string | null> {
  const purposes: Record<string, string | null> = {};
  for (const definition of parse(sdl).definitions) {
    if (definition.kind !== Kind.SCHEMA_DEFINITION) continue;
    for (const directive of definition.directives ?? []) {
      if (directive.name.value !== 'link') continue;
      const argument = (name: string) =>
        directive.arguments?.find((a) => a.name.value === name)?.value;
      const url = argument('url');
      const purpose = argument('for');
      if (url?.kind !== Kind.STRING) continue;
      const feature = url.value.split('/').at(-2) ?? url.value;
      purposes[feature] = purpose?.kind === Kind.ENUM ? purpose.value : null;
    }
  }
  return purposes;
}

const nameOf = (definition: DefinitionNode) =>
  'name' in definition && definition.name ? definition.name.value : null;

describe('the supergraph', () => {
  it('composes without errors or unaccepted hints', () => {
    const { unacceptedHints } = composeSupergraph();
    assert.deepEqual(unacceptedHints, []);
  });

  it('is committed as composed (run `npm run compose` after changing a subgraph schema)', () => {
    const { supergraphSdl } = composeSupergraph();
    assert.equal(readFileSync(SUPERGRAPH_FILE, 'utf8'), supergraphSdl);
  });

  it('has the common definitions verbatim in every subgraph that declares them', () => {
    const common = parse(
      readFileSync(join(PROJECT_ROOT, 'subgraphs/shared/schema/common.graphql'), 'utf8'),
    );
    const expected = new Map(common.definitions.map((d) => [nameOf(d), print(d)]));
    for (const name of SUBGRAPH_NAMES) {
      const sdl = parse(
        readFileSync(join(PROJECT_ROOT, 'subgraphs', name, 'schema.graphql'), 'utf8'),
      );
      for (const definition of sdl.definitions) {
        const want = expected.get(nameOf(definition));
        if (want)
          assert.equal(
            print(definition),
            want,
            `${name}: ${nameOf(definition)} differs from common.graphql`,
          );
      }
    }
  });

  it('links @authenticated and @requiresScopes for: SECURITY, as rover writes them', () => {
    const purposes = linkPurposes(readFileSync(SUPERGRAPH_FILE, 'utf8'));
    assert.equal(purposes.authenticated, 'SECURITY');
    assert.equal(purposes.requiresScopes, 'SECURITY');
    assert.equal(purposes.inaccessible, 'SECURITY');
    assert.equal(purposes.join, 'EXECUTION');
  });

  it('is refused by a gateway that does not enforce authorization, and loads in this router', () => {
    const sdl = readFileSync(SUPERGRAPH_FILE, 'utf8');
    assert.throws(
      () => Supergraph.build(sdl),
      /feature https:\/\/specs\.apollo\.dev\/authenticated\/v0\.1 is for: SECURITY but is unsupported/,
    );
    const loaded = Supergraph.build(enforcedByTheRouter(sdl), { validateSupergraph: true });
    assert.deepEqual(
      [...loaded.subgraphs()].map((subgraph) => subgraph.name).sort(),
      [...SUBGRAPH_NAMES].sort(),
    );
    // only the two features the router enforces lose their purpose
    const purposes = linkPurposes(enforcedByTheRouter(sdl));
    assert.equal(purposes.authenticated, null);
    assert.equal(purposes.requiresScopes, null);
    assert.equal(purposes.inaccessible, 'SECURITY');
  });
});

describe("rover's schema/supergraph.yaml", () => {
  const config = readSupergraphConfig();

  it('names the subgraphs the router routes to, at their default URLs and schema files', () => {
    assert.deepEqual(
      config.subgraphs,
      SUBGRAPH_NAMES.map((name) => ({
        name,
        routingUrl: `http://127.0.0.1:${DEFAULT_SUBGRAPH_PORTS[name]}/graphql`,
        schemaFile: join(PROJECT_ROOT, 'subgraphs', name, 'schema.graphql'),
      })),
    );
  });

  it('asks rover for the federation version npm run compose composes with', () => {
    const require = createRequire(import.meta.url);
    const { version } = require('@apollo/composition/package.json') as { version: string };
    assert.equal(config.federationVersion, `=${version}`);
  });
});

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { PROJECT_ROOT } from '@ordergraph/shared';
import { parse, print, type DefinitionNode } from 'graphql';
import { composeSupergraph, SUPERGRAPH_FILE } from '../src/composition.js';
import { SUBGRAPH_NAMES } from '../src/config.js';

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
});

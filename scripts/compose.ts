// composes schema/supergraph.graphql from the subgraphs' SDL; fails on errors or unaccepted hints
import { writeFileSync } from 'node:fs';
import { composeSupergraph, SUPERGRAPH_FILE } from '../router/src/composition.js';

const { supergraphSdl, unacceptedHints } = composeSupergraph();
if (unacceptedHints.length > 0) {
  console.error('Composition hints not accepted in schema/accepted-hints.json:');
  for (const hint of unacceptedHints) console.error(`  [${hint.code}] ${hint.message}`);
  process.exit(1);
}
writeFileSync(SUPERGRAPH_FILE, supergraphSdl);
console.log(`wrote ${SUPERGRAPH_FILE}`);

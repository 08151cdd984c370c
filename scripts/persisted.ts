// writes schema/persisted-queries.json from schema/operations/*.graphql, every operation
// validated against the supergraph's API schema; `--check` only says whether the file is fresh
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import { PROJECT_ROOT } from '@ordergraph/shared';
import { SUPERGRAPH_FILE } from '../router/src/composition.js';
import { apiSchemaOf } from '../router/src/persisted/api-schema.js';
import {
  buildManifest,
  MANIFEST_FILE,
  serializeManifest,
} from '../router/src/persisted/manifest.js';
import {
  InvalidOperationsError,
  readOperationSources,
} from '../router/src/persisted/operations.js';

const checkOnly = process.argv.includes('--check');
const manifestPath = relative(PROJECT_ROOT, MANIFEST_FILE);

try {
  const manifest = buildManifest({
    sources: readOperationSources(),
    schema: apiSchemaOf(readFileSync(SUPERGRAPH_FILE, 'utf8')),
  });
  const text = serializeManifest(manifest);
  if (checkOnly) {
    const committed = existsSync(MANIFEST_FILE) ? readFileSync(MANIFEST_FILE, 'utf8') : '';
    if (committed !== text) {
      console.error(`${manifestPath} is stale: run \`npm run persisted\` and commit it`);
      process.exit(1);
    }
    console.log(`${manifestPath} is fresh (${manifest.operations.length} operations)`);
  } else {
    writeFileSync(MANIFEST_FILE, text);
    console.log(`wrote ${manifestPath} (${manifest.operations.length} operations)`);
  }
} catch (error) {
  if (!(error instanceof InvalidOperationsError)) throw error;
  console.error(error.message);
  process.exit(1);
}

// composes the supergraph from the subgraphs' SDL and compares its API schema with the committed
// one (or the one at `--base <git ref>`): breaking changes fail unless accepted in
// schema/accepted-changes.json, dangerous ones are reported, broken persisted operations named
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { parseArgs } from 'node:util';
import { PROJECT_ROOT } from '@ordergraph/shared';
import { composeSupergraph, SUPERGRAPH_FILE } from '../router/src/composition.js';
import { collectOperations, readOperationSources } from '../router/src/persisted/operations.js';
import {
  ACCEPTED_CHANGES_FILE,
  checkSchema,
  formatSchemaCheck,
  parseAcceptedChanges,
} from '../router/src/persisted/schema-check.js';

const { values } = parseArgs({ options: { base: { type: 'string' } } });
const supergraphPath = relative(PROJECT_ROOT, SUPERGRAPH_FILE);

try {
  const committedSupergraphSdl = values.base
    ? execFileSync('git', ['show', `${values.base}:${supergraphPath}`], {
        cwd: PROJECT_ROOT,
        encoding: 'utf8',
      })
    : readFileSync(SUPERGRAPH_FILE, 'utf8');
  const accepted = existsSync(ACCEPTED_CHANGES_FILE)
    ? parseAcceptedChanges(readJson(ACCEPTED_CHANGES_FILE))
    : [];
  const check = checkSchema({
    committedSupergraphSdl,
    newSupergraphSdl: composeSupergraph().supergraphSdl,
    accepted,
    operations: collectOperations(readOperationSources()),
  });
  const against = values.base ? `${values.base}:${supergraphPath}` : supergraphPath;
  console.log(`comparing the composed supergraph with ${against}\n`);
  console.log(formatSchemaCheck(check));
  process.exit(check.ok ? 0 : 1);
} catch (error) {
  // composition errors, an unreadable accepted list, invalid operation files: say which, fail
  console.error(`schema check FAILED: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`${relative(PROJECT_ROOT, file)} is not valid JSON: ${String(error)}`);
  }
}

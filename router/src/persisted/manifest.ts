import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '@ordergraph/shared/paths';
import { parse, validate, type GraphQLSchema } from 'graphql';
import {
  collectOperations,
  InvalidOperationsError,
  type CollectedOperation,
  type OperationSource,
} from './operations.js';

export const MANIFEST_FILE = join(PROJECT_ROOT, 'schema/persisted-queries.json');

/** One entry of the manifest; `id` is the sha256 hex of `body`. */
export interface PersistedOperation {
  id: string;
  name: string;
  type: CollectedOperation['type'];
  body: string;
}

/** The Apollo persisted query manifest format, as routers and Apollo's tooling read it. */
export interface PersistedQueryManifest {
  format: 'apollo-persisted-query-manifest';
  version: 1;
  operations: PersistedOperation[];
}

/** An operation that does not validate against a schema, with graphql-js's messages. */
export interface OperationProblem {
  name: string;
  errors: string[];
}

/** The id of a persisted operation: the sha256 hex of its normalized body. */
export const operationId = (body: string) => createHash('sha256').update(body).digest('hex');

/**
 * Builds the manifest of the operation files, each validated against the API schema; throws
 * InvalidOperationsError naming every operation that does not validate, and where.
 */
export function buildManifest({
  sources,
  schema,
}: {
  sources: OperationSource[];
  schema: GraphQLSchema;
}): PersistedQueryManifest {
  const operations = collectOperations(sources);
  const problems = operations.flatMap(({ name, document }) =>
    validate(schema, document).map((error) => `${name}: ${error.toString()}`),
  );
  if (problems.length > 0) throw new InvalidOperationsError(problems);
  return {
    format: 'apollo-persisted-query-manifest',
    version: 1,
    operations: operations.map(({ name, type, body }) => ({
      id: operationId(body),
      name,
      type,
      body,
    })),
  };
}

/** Validates operations given by body (a manifest's, say) against a schema; [] when all pass. */
export function validateOperations(
  schema: GraphQLSchema,
  operations: { name: string; body: string }[],
): OperationProblem[] {
  return operations
    .map(({ name, body }) => ({
      name,
      errors: validate(schema, parse(body)).map((e) => e.message),
    }))
    .filter((problem) => problem.errors.length > 0);
}

/** The manifest as committed: two-space JSON with a final newline, so diffs stay readable. */
export const serializeManifest = (manifest: PersistedQueryManifest) =>
  `${JSON.stringify(manifest, null, 2)}\n`;

/** Reads a manifest file (the committed one by default). */
export function readManifest(file: string = MANIFEST_FILE): PersistedQueryManifest {
  const manifest = JSON.parse(readFileSync(file, 'utf8')) as PersistedQueryManifest;
  if (manifest.format !== 'apollo-persisted-query-manifest' || manifest.version !== 1)
    throw new Error(`${file} is not an apollo-persisted-query-manifest of version 1`);
  return manifest;
}

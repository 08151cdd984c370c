import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { PROJECT_ROOT } from '@ordergraph/shared';
import {
  buildSchema,
  concatAST,
  lexicographicSortSchema,
  parse,
  printSchema,
  validate,
} from 'graphql';
import { parse as parseYaml } from 'yaml';
import { SUPERGRAPH_FILE } from '../src/composition.js';
import { apiSchemaOf } from '../src/persisted/api-schema.js';

const read = (path: string) => readFileSync(join(PROJECT_ROOT, path), 'utf8');
const sorted = (sdl: string) => printSchema(lexicographicSortSchema(buildSchema(sdl)));

describe('schema/api.graphql, the schema client teams generate from', () => {
  const api = read('schema/api.graphql');

  it('is the API schema of the committed supergraph (run `npm run codegen`)', () => {
    const expected = printSchema(apiSchemaOf(readFileSync(SUPERGRAPH_FILE, 'utf8')));
    assert.equal(sorted(api), sorted(expected));
  });

  it('has none of the federation machinery and nothing @inaccessible', () => {
    assert.doesNotMatch(api, /join__|link__|@link|_Entity|_Service|_entities/);
    // internal to the services: @inaccessible in the supergraph
    assert.match(read('schema/supergraph.graphql'), /redeemPromoCode\(/);
    assert.doesNotMatch(api, /redeemPromoCode|CancelOrderShipmentsInput|ConfirmReservationInput/);
  });
});

describe('graphql.config.yml, for IDEs', () => {
  const config = parseYaml(read('graphql.config.yml')) as { schema: string; documents: string[] };
  const schema = buildSchema(read(config.schema));
  // each pattern is a folder and `*.graphql`: the documents an IDE checks
  const filesOf = (pattern: string) => {
    const folder = pattern.replace(/\/\*\.graphql$/, '');
    assert.notEqual(folder, pattern, `unexpected pattern ${pattern}`);
    return readdirSync(join(PROJECT_ROOT, folder))
      .filter((file) => file.endsWith('.graphql'))
      .map((file) => join(folder, file));
  };

  it('points IDEs at schema/api.graphql', () => {
    assert.equal(config.schema, 'schema/api.graphql');
  });

  it('covers the persisted operations and the examples, all valid against the API schema', () => {
    assert.deepEqual(config.documents, ['schema/operations/*.graphql', 'examples/*.graphql']);
    // the operations share fragments: one document, as the manifest reads them
    const operations = concatAST(filesOf(config.documents[0]!).map((file) => parse(read(file))));
    assert.deepEqual(validate(schema, operations), []);
    for (const file of filesOf(config.documents[1]!)) {
      assert.deepEqual(validate(schema, parse(read(file))), [], file);
    }
  });
});

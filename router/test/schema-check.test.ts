import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { composeServices } from '@apollo/composition';
import { PROJECT_ROOT } from '@ordergraph/shared';
import { Kind, parse, visit, type ASTNode, type DocumentNode } from 'graphql';
import { SUBGRAPH_NAMES, type SubgraphName } from '../src/config.js';
import { collectOperations, readOperationSources } from '../src/persisted/operations.js';
import {
  checkSchema,
  formatSchemaCheck,
  parseAcceptedChanges,
} from '../src/persisted/schema-check.js';

type Edit = (document: DocumentNode) => DocumentNode;

// the supergraph of the subgraphs' SDL as it is, or with one subgraph's SDL edited in memory
function compose(edits: Partial<Record<SubgraphName, Edit>> = {}): string {
  const result = composeServices(
    SUBGRAPH_NAMES.map((name) => {
      const sdl = parse(
        readFileSync(join(PROJECT_ROOT, 'subgraphs', name, 'schema.graphql'), 'utf8'),
      );
      return { name, url: `http://${name}.test/graphql`, typeDefs: edits[name]?.(sdl) ?? sdl };
    }),
  );
  if (result.errors) throw new Error(result.errors.map((e) => e.message).join('\n'));
  return result.supergraphSdl;
}

// edits the definition of one object or enum type (`type Query` included) of a subgraph
const onType =
  (typeName: string, edit: (node: any) => ASTNode): Edit =>
  (document) =>
    visit(document, {
      enter(node) {
        const isType =
          node.kind === Kind.OBJECT_TYPE_DEFINITION || node.kind === Kind.ENUM_TYPE_DEFINITION;
        if (isType && node.name.value === typeName) return edit(node);
      },
    });

const removeField = (typeName: string, field: string) =>
  onType(typeName, (node) => ({
    ...node,
    fields: node.fields.filter((f: any) => f.name.value !== field),
  }));

const addArgument = (typeName: string, field: string, argument: string) =>
  onType(typeName, (node) => ({
    ...node,
    fields: node.fields.map((f: any) =>
      f.name.value === field
        ? { ...f, arguments: [...(f.arguments ?? []), parseArgument(argument)] }
        : f,
    ),
  }));

const addEnumValue = (enumName: string, value: string) =>
  onType(enumName, (node) => ({
    ...node,
    values: [
      ...node.values,
      { kind: Kind.ENUM_VALUE_DEFINITION, name: { kind: Kind.NAME, value } },
    ],
  }));

const parseArgument = (sdl: string) =>
  (parse(`type T { f(${sdl}): Int }`) as any).definitions[0].fields[0].arguments[0];

const committedSupergraphSdl = compose();
const operations = collectOperations(readOperationSources());

describe('npm run schema:check', () => {
  it('passes when the composed supergraph has the committed API', () => {
    assert.deepEqual(
      checkSchema({ committedSupergraphSdl, newSupergraphSdl: committedSupergraphSdl, operations }),
      {
        ok: true,
        breaking: [],
        acceptedBreaking: [],
        dangerous: [],
        brokenOperations: [],
        unmatchedAcceptances: [],
      },
    );
  });

  it('fails on a removed field, and passes once that change is accepted with a reason', () => {
    const newSupergraphSdl = compose({ inventory: removeField('Warehouse', 'updatedAt') });
    const removed = { type: 'FIELD_REMOVED', description: 'Warehouse.updatedAt was removed.' };

    const refused = checkSchema({ committedSupergraphSdl, newSupergraphSdl, operations });
    assert.equal(refused.ok, false);
    assert.deepEqual(refused.breaking, [removed]);
    assert.deepEqual(refused.brokenOperations, []);
    assert.equal(
      formatSchemaCheck(refused),
      [
        'Breaking changes (not accepted):',
        '  FIELD_REMOVED: Warehouse.updatedAt was removed.',
        '',
        'To accept them, add these entries to schema/accepted-changes.json and fill in each reason:',
        '[',
        '  {',
        '    "type": "FIELD_REMOVED",',
        '    "description": "Warehouse.updatedAt was removed.",',
        '    "reason": ""',
        '  }',
        ']',
        '',
        'schema check FAILED: 1 breaking not accepted, 0 accepted, 0 dangerous, 0 persisted operations broken',
      ].join('\n'),
    );

    const accepted = parseAcceptedChanges([
      { ...removed, reason: 'no client reads when a warehouse last changed' },
    ]);
    const passed = checkSchema({ committedSupergraphSdl, newSupergraphSdl, accepted, operations });
    assert.equal(passed.ok, true);
    assert.deepEqual(passed.breaking, []);
    assert.deepEqual(passed.acceptedBreaking, accepted);
    assert.match(
      formatSchemaCheck(passed),
      /^schema check passed: 0 breaking not accepted, 1 accepted/m,
    );
  });

  it('takes a new required argument as breaking', () => {
    const newSupergraphSdl = compose({
      shipments: addArgument('Query', 'carriers', 'country: String!'),
    });
    const check = checkSchema({ committedSupergraphSdl, newSupergraphSdl, operations });
    assert.equal(check.ok, false);
    assert.deepEqual(check.breaking, [
      {
        type: 'REQUIRED_ARG_ADDED',
        description: 'A required arg country on Query.carriers was added.',
      },
    ]);
  });

  it('reports dangerous changes without failing', () => {
    const newSupergraphSdl = compose({
      orders: addEnumValue('OrderStatus', 'ON_HOLD'),
      shipments: addArgument('Query', 'carriers', 'country: String'),
    });
    const check = checkSchema({ committedSupergraphSdl, newSupergraphSdl, operations });
    assert.equal(check.ok, true);
    assert.deepEqual(check.dangerous, [
      {
        type: 'OPTIONAL_ARG_ADDED',
        description: 'An optional arg country on Query.carriers was added.',
      },
      { type: 'VALUE_ADDED_TO_ENUM', description: 'ON_HOLD was added to enum type OrderStatus.' },
    ]);
    assert.match(
      formatSchemaCheck(check),
      /Dangerous changes \(reported, not failing\):\n {2}OPTIONAL_ARG_ADDED: .*\n {2}VALUE_ADDED_TO_ENUM: ON_HOLD was added to enum type OrderStatus\./,
    );
  });

  it('names the persisted operations a change would break, even when the change is accepted', () => {
    const newSupergraphSdl = compose({ orders: removeField('Order', 'paymentStatus') });
    const accepted = parseAcceptedChanges([
      { type: 'FIELD_REMOVED', description: 'Order.paymentStatus was removed.', reason: 'testing' },
    ]);
    const check = checkSchema({ committedSupergraphSdl, newSupergraphSdl, accepted, operations });
    assert.equal(check.ok, false);
    assert.deepEqual(check.breaking, []);
    const error = 'Cannot query field "paymentStatus" on type "Order".';
    assert.deepEqual(check.brokenOperations, [
      { name: 'CancelOrder', errors: [error] },
      { name: 'OrderDetail', errors: [error] },
      { name: 'OrderHistory', errors: [error] },
      { name: 'OrderTracking', errors: [error] },
      { name: 'PlaceOrder', errors: [error] },
    ]);
    assert.match(
      formatSchemaCheck(check),
      /Persisted operations in schema\/operations that would no longer validate:\n {2}CancelOrder: Cannot query field "paymentStatus"/,
    );
  });

  it('refuses an accepted change without a reason', () => {
    assert.throws(
      () =>
        parseAcceptedChanges([
          { type: 'FIELD_REMOVED', description: 'Order.notes was removed.', reason: ' ' },
        ]),
      /\[0\.reason\] every accepted change needs a reason/,
    );
  });
});

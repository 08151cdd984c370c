import { createHash } from 'node:crypto';
import {
  getOperationAST,
  Kind,
  print,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import type { Access, SupergraphRequirements } from './requirements.js';
import {
  keptSelections,
  responseKeys,
  type Refusal,
  type SelectionWalk,
  type Step,
} from './selections.js';

export { PROBE, type Refusal, type Step } from './selections.js';

/** What the router executes instead of an operation with refused selections. */
export interface AuthorizedOperation {
  document: DocumentNode;
  operation: OperationDefinitionNode;
  source: string;
  queryHash: string;
  refusals: readonly Refusal[];
  /** the fields whose selection sets carry the PROBE */
  probes: readonly (readonly Step[])[];
  /** every root field was refused: there is nothing to execute */
  empty: boolean;
}

/**
 * The operation with the selections the caller may not see removed (see keptSelections);
 * null when nothing is refused.
 */
export function authorizeOperation({
  schema,
  requirements,
  document,
  operationName,
  access,
}: {
  schema: GraphQLSchema;
  requirements: SupergraphRequirements;
  document: DocumentNode;
  operationName: string | null | undefined;
  access: Access;
}): AuthorizedOperation | null {
  const operation = getOperationAST(document, operationName);
  const root = operation && schema.getRootType(operation.operation);
  if (!operation || !root) return null;
  const fragments = new Map(
    document.definitions
      .filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION)
      .map((fragment) => [fragment.name.value, fragment]),
  );
  const walk: SelectionWalk = { schema, requirements, access, fragments, refusals: [], probes: [] };
  const { refusals, probes } = walk;
  let rootKeys: string[] | undefined;
  const selections = keptSelections(walk, operation.selectionSet, {
    parent: root,
    trail: [],
    conditions: [],
    directives: [],
    order: () => (rootKeys ??= responseKeys(operation.selectionSet, fragments)),
  });
  if (refusals.length === 0) return null;
  const filtered: OperationDefinitionNode = {
    ...operation,
    selectionSet: { kind: Kind.SELECTION_SET, selections },
  };
  const used = usedFragments(filtered, fragments);
  const authorized: DocumentNode = {
    kind: Kind.DOCUMENT,
    definitions: [filtered, ...[...fragments.values()].filter((f) => used.has(f.name.value))],
  };
  const source = print(authorized);
  return {
    document: authorized,
    operation: filtered,
    source,
    queryHash: createHash('sha256').update(source).digest('hex'),
    refusals,
    probes,
    empty: selections.length === 0,
  };
}

// the fragments the filtered operation still spreads, directly or through other fragments
function usedFragments(
  operation: OperationDefinitionNode,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
): Set<string> {
  const used = new Set<string>();
  const visit = (set: SelectionSetNode | undefined) => {
    for (const selection of set?.selections ?? []) {
      if (selection.kind === Kind.FRAGMENT_SPREAD) {
        if (used.has(selection.name.value)) continue;
        used.add(selection.name.value);
        visit(fragments.get(selection.name.value)?.selectionSet);
      } else visit(selection.selectionSet);
    }
  };
  visit(operation.selectionSet);
  return used;
}

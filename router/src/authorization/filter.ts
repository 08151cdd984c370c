import { createHash } from 'node:crypto';
import {
  getNamedType,
  getOperationAST,
  isAbstractType,
  isInterfaceType,
  isObjectType,
  Kind,
  print,
  type DirectiveNode,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLOutputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionNode,
  type SelectionSetNode,
} from 'graphql';
import {
  merge,
  refusal,
  type Access,
  type Requirement,
  type SupergraphRequirements,
} from './requirements.js';

/**
 * The alias of the `__typename` the router adds where it must tell an object's type (an
 * abstract type's refused field) or where every field of a selection was refused; removed
 * from the response before it is sent.
 */
export const PROBE = '_authorizationTypename';

/** One response key on the way to a refused selection. */
export interface Step {
  key: string;
  type: GraphQLOutputType;
  /** the type conditions of the fragments between the parent selection set and the field */
  conditions: readonly string[];
  /** `@skip`/`@include` of the field and of the fragments around it */
  directives: readonly DirectiveNode[];
}

/** A selection the caller may not see, and why. */
export interface Refusal {
  code: 'UNAUTHENTICATED' | 'FORBIDDEN';
  message: string;
  /** from the root to the refused field; for a fragment, to the field it is spread in */
  steps: readonly Step[];
  /** the refused fragment's type condition; undefined for a refused field */
  fragmentType?: string;
  /** the response keys of the refused field's selection set, in document order */
  order: readonly string[];
}

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
 * The selections of an operation the caller may not see, removed: a field is refused when its
 * own directives, its type's, or (on an interface) any implementation's field's are not met;
 * a fragment when its type condition's are not. Null when nothing is refused.
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
  const refusals: Refusal[] = [];
  const probes: Step[][] = [];

  const fieldRequirement = (parent: GraphQLCompositeType, name: string) => {
    if (!isObjectType(parent) && !isInterfaceType(parent)) return undefined;
    const field = parent.getFields()[name];
    if (!field) return undefined;
    let requirement = merge(
      requirements.ofField(parent.name, name),
      requirements.ofType(getNamedType(field.type).name),
    );
    // through an interface, a field is seen on every implementation: it needs all of theirs
    if (isInterfaceType(parent)) {
      for (const type of schema.getPossibleTypes(parent)) {
        requirement = merge(requirement, requirements.ofField(type.name, name));
      }
    }
    return requirement;
  };

  const responseKeys = (set: SelectionSetNode): string[] =>
    set.selections.flatMap((selection) => {
      if (selection.kind === Kind.FIELD) return [selection.alias?.value ?? selection.name.value];
      const inner =
        selection.kind === Kind.INLINE_FRAGMENT
          ? selection.selectionSet
          : fragments.get(selection.name.value)?.selectionSet;
      return inner ? responseKeys(inner) : [];
    });

  const walk = (
    parent: GraphQLCompositeType,
    set: SelectionSetNode,
    trail: Step[],
    conditions: string[],
    directives: DirectiveNode[],
    order: () => string[],
  ): SelectionNode[] => {
    const kept: SelectionNode[] = [];
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        const name = selection.name.value;
        const field =
          isObjectType(parent) || isInterfaceType(parent) ? parent.getFields()[name] : undefined;
        if (!field || name.startsWith('__')) {
          kept.push(selection);
          continue;
        }
        const step: Step = {
          key: selection.alias?.value ?? name,
          type: field.type,
          conditions,
          directives: [...directives, ...(selection.directives ?? [])],
        };
        const requirement = fieldRequirement(parent, name);
        const code = refusal(requirement, access);
        if (code) {
          refusals.push({
            code,
            message: describe(`${parent.name}.${name}`, requirement!, code),
            steps: [...trail, step],
            order: order(),
          });
          continue;
        }
        if (!selection.selectionSet) {
          kept.push(selection);
          continue;
        }
        const before = refusals.length;
        const type = getNamedType(field.type) as GraphQLCompositeType;
        let keys: string[] | undefined;
        const selectionSet = selection.selectionSet;
        const inner = walk(
          type,
          selectionSet,
          [...trail, step],
          [],
          [],
          () => (keys ??= responseKeys(selectionSet)),
        );
        if (refusals.length === before) {
          kept.push(selection);
          continue;
        }
        if (isAbstractType(type) || inner.length === 0) {
          inner.push(probeField());
          probes.push([...trail, step]);
        }
        kept.push({ ...selection, selectionSet: { kind: Kind.SELECTION_SET, selections: inner } });
        continue;
      }
      const fragment =
        selection.kind === Kind.INLINE_FRAGMENT ? selection : fragments.get(selection.name.value);
      if (!fragment) {
        kept.push(selection);
        continue;
      }
      const typeName = fragment.typeCondition?.name.value;
      const type = typeName ? (schema.getType(typeName) as GraphQLCompositeType) : parent;
      const typeRequirement = typeName ? requirements.ofType(typeName) : undefined;
      const code = refusal(typeRequirement, access);
      if (code) {
        refusals.push({
          code,
          message: describe(typeName!, typeRequirement!, code),
          steps: trail,
          fragmentType: typeName!,
          order: order(),
        });
        continue;
      }
      const before = refusals.length;
      const inner = walk(
        type,
        fragment.selectionSet,
        trail,
        typeName ? [...conditions, typeName] : conditions,
        [...directives, ...(selection.directives ?? [])],
        order,
      );
      if (refusals.length === before) {
        kept.push(selection);
        continue;
      }
      // a changed named fragment is inlined: other spreads of it may keep all of it
      if (inner.length > 0) {
        kept.push({
          kind: Kind.INLINE_FRAGMENT,
          ...(fragment.typeCondition ? { typeCondition: fragment.typeCondition } : {}),
          directives: selection.directives ?? [],
          selectionSet: { kind: Kind.SELECTION_SET, selections: inner },
        });
      }
    }
    return kept;
  };

  let rootKeys: string[] | undefined;
  const selections = walk(
    root,
    operation.selectionSet,
    [],
    [],
    [],
    () => (rootKeys ??= responseKeys(operation.selectionSet)),
  );
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

const probeField = (): SelectionNode => ({
  kind: Kind.FIELD,
  alias: { kind: Kind.NAME, value: PROBE },
  name: { kind: Kind.NAME, value: '__typename' },
});

function describe(coordinate: string, requirement: Requirement, code: string): string {
  if (code === 'UNAUTHENTICATED') return `Sign in to see ${coordinate}.`;
  const needed = requirement.scopes
    .map((alternatives) => alternatives.map((all) => all.join(' and ')).join(' or '))
    .join('; and ');
  return `${coordinate} requires the scope ${needed}.`;
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

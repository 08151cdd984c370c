import {
  getNamedType,
  isAbstractType,
  isInterfaceType,
  isObjectType,
  Kind,
  type DirectiveNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type FragmentSpreadNode,
  type GraphQLCompositeType,
  type GraphQLOutputType,
  type GraphQLSchema,
  type InlineFragmentNode,
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

/** What a walk over one operation reads, and where it writes down what it refuses. */
export interface SelectionWalk {
  schema: GraphQLSchema;
  requirements: SupergraphRequirements;
  access: Access;
  fragments: ReadonlyMap<string, FragmentDefinitionNode>;
  /** filled as the walk goes */
  refusals: Refusal[];
  /** the fields whose selection sets get the PROBE, filled as the walk goes */
  probes: Step[][];
}

/** Where a selection set sits in the operation. */
export interface SelectionPlace {
  parent: GraphQLCompositeType;
  /** the response keys from the root to this selection set */
  trail: readonly Step[];
  conditions: readonly string[];
  directives: readonly DirectiveNode[];
  /** the response keys of the field's selection set, in document order, read when refused */
  order: () => string[];
}

/**
 * The selections of `set` the caller may see: a field is refused when its own directives, its
 * type's, or (on an interface) any implementation's field's are not met; a fragment when its
 * type condition's are not. Every refusal and probe is written down in `walk`.
 */
export function keptSelections(
  walk: SelectionWalk,
  set: SelectionSetNode,
  place: SelectionPlace,
): SelectionNode[] {
  return set.selections.flatMap((selection) => {
    const kept =
      selection.kind === Kind.FIELD
        ? keptField(walk, selection, place)
        : keptFragment(walk, selection, place);
    return kept ? [kept] : [];
  });
}

/** The response keys of a selection set, through its fragments, in document order. */
export function responseKeys(
  set: SelectionSetNode,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
): string[] {
  return set.selections.flatMap((selection) => {
    if (selection.kind === Kind.FIELD) return [selection.alias?.value ?? selection.name.value];
    const inner =
      selection.kind === Kind.INLINE_FRAGMENT
        ? selection.selectionSet
        : fragments.get(selection.name.value)?.selectionSet;
    return inner ? responseKeys(inner, fragments) : [];
  });
}

function keptField(
  walk: SelectionWalk,
  selection: FieldNode,
  { parent, trail, conditions, directives, order }: SelectionPlace,
): SelectionNode | undefined {
  const name = selection.name.value;
  const field =
    isObjectType(parent) || isInterfaceType(parent) ? parent.getFields()[name] : undefined;
  if (!field || name.startsWith('__')) return selection;
  const step: Step = {
    key: selection.alias?.value ?? name,
    type: field.type,
    conditions,
    directives: [...directives, ...(selection.directives ?? [])],
  };
  const requirement = fieldRequirement(walk, parent, name);
  const code = refusal(requirement, walk.access);
  if (code) {
    walk.refusals.push({
      code,
      message: describe(`${parent.name}.${name}`, requirement!, code),
      steps: [...trail, step],
      order: order(),
    });
    return undefined;
  }
  const selectionSet = selection.selectionSet;
  if (!selectionSet) return selection;
  const before = walk.refusals.length;
  const type = getNamedType(field.type) as GraphQLCompositeType;
  let keys: string[] | undefined;
  const inner = keptSelections(walk, selectionSet, {
    parent: type,
    trail: [...trail, step],
    conditions: [],
    directives: [],
    order: () => (keys ??= responseKeys(selectionSet, walk.fragments)),
  });
  if (walk.refusals.length === before) return selection;
  if (isAbstractType(type) || inner.length === 0) {
    inner.push(probeField());
    walk.probes.push([...trail, step]);
  }
  return { ...selection, selectionSet: { kind: Kind.SELECTION_SET, selections: inner } };
}

function keptFragment(
  walk: SelectionWalk,
  selection: InlineFragmentNode | FragmentSpreadNode,
  place: SelectionPlace,
): SelectionNode | undefined {
  const fragment =
    selection.kind === Kind.INLINE_FRAGMENT ? selection : walk.fragments.get(selection.name.value);
  if (!fragment) return selection;
  const typeName = fragment.typeCondition?.name.value;
  const type = typeName ? (walk.schema.getType(typeName) as GraphQLCompositeType) : place.parent;
  const typeRequirement = typeName ? walk.requirements.ofType(typeName) : undefined;
  const code = refusal(typeRequirement, walk.access);
  if (code) {
    walk.refusals.push({
      code,
      message: describe(typeName!, typeRequirement!, code),
      steps: place.trail,
      fragmentType: typeName!,
      order: place.order(),
    });
    return undefined;
  }
  const before = walk.refusals.length;
  const inner = keptSelections(walk, fragment.selectionSet, {
    parent: type,
    trail: place.trail,
    conditions: typeName ? [...place.conditions, typeName] : place.conditions,
    directives: [...place.directives, ...(selection.directives ?? [])],
    order: place.order,
  });
  if (walk.refusals.length === before) return selection;
  // a changed named fragment is inlined: other spreads of it may keep all of it
  if (inner.length === 0) return undefined;
  return {
    kind: Kind.INLINE_FRAGMENT,
    ...(fragment.typeCondition ? { typeCondition: fragment.typeCondition } : {}),
    directives: selection.directives ?? [],
    selectionSet: { kind: Kind.SELECTION_SET, selections: inner },
  };
}

function fieldRequirement(
  { schema, requirements }: SelectionWalk,
  parent: GraphQLCompositeType,
  name: string,
): Requirement | undefined {
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

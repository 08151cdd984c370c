import {
  getArgumentValues,
  getNamedType,
  getNullableType,
  isAbstractType,
  isCompositeType,
  isListType,
  isObjectType,
  Kind,
  type DocumentNode,
  type FieldNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLObjectType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { createArgumentPricing } from './argument-cost.js';
import type { CostDirectives } from './cost-directives.js';
import { fragmentsOf } from './fragments.js';

export interface CostEstimateOptions {
  /** the API schema the operation was validated against */
  schema: GraphQLSchema;
  document: DocumentNode;
  operation: OperationDefinitionNode;
  /** the operation's coerced variables (their defaults applied) */
  variables: Record<string, unknown>;
  directives: CostDirectives;
  /** how many items a list is assumed to hold when nothing says otherwise */
  defaultListSize: number;
}

/** the size a connection-like field gives to list fields below it */
interface Sized {
  size: number;
  /** the fields it applies to (`@listSize(sizedFields:)`); null: every list field */
  fields: ReadonlySet<string> | null;
}

// without @listSize, these arguments say how many items a field returns (Relay connections)
const IMPLICIT_SLICING_ARGUMENTS = ['first', 'last'];

/**
 * A static upper estimate of what an operation costs to resolve, before it runs
 * (docs/limits.md has the formula): every object or interface field costs 1, a scalar or enum
 * 0, unless `@cost(weight:)` says otherwise; a list multiplies what it holds by its size, read
 * from a slicing argument (`first`/`last`, or `@listSize(slicingArguments:)`), else
 * `@listSize(assumedSize:)`, else the default; the arguments a field is given add their
 * `@cost` and that of the input fields they set, once per call (argument-cost.ts); a field of an
 * abstract type costs as its most expensive possible type.
 *
 * With the estimate comes whether the request's variables entered it (a slicing argument, or an
 * argument that has or holds a `@cost`, given by a variable): when none did, the same operation
 * always costs the same.
 */
export function estimateCostWithInputs({
  schema,
  document,
  operation,
  variables,
  directives,
  defaultListSize,
}: CostEstimateOptions): { cost: number; readsVariables: boolean } {
  let readsVariables = false;
  const fragments = fragmentsOf(document);
  const priceArguments = createArgumentPricing({ directives, variables });
  // a fragment's cost on a type is the same wherever it is spread: fragment bombs stay linear
  const memo = new Map<string, number>();
  const visiting = new Set<string>();

  const applies = (condition: string | undefined, type: GraphQLObjectType) => {
    if (condition === undefined || condition === type.name) return true;
    const conditionType = schema.getType(condition);
    return (
      conditionType !== undefined &&
      isAbstractType(conditionType) &&
      schema.isSubType(conditionType, type)
    );
  };

  const selectionsCost = (
    selectionSet: SelectionSetNode,
    type: GraphQLCompositeType,
    sized: Sized | null,
  ): number => {
    if (isAbstractType(type)) {
      return Math.max(
        0,
        ...schema
          .getPossibleTypes(type)
          .map((possible) => selectionsCost(selectionSet, possible, sized)),
      );
    }
    if (!isObjectType(type)) return 0;
    let total = 0;
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        const field = type.getFields()[selection.name.value];
        // meta fields (__typename, introspection) are not priced
        if (field) total += fieldCost(selection, field, type, sized);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        if (applies(selection.typeCondition?.name.value, type)) {
          total += selectionsCost(selection.selectionSet, type, sized);
        }
      } else {
        const name = selection.name.value;
        const fragment = fragments.get(name);
        if (!fragment || visiting.has(name) || !applies(fragment.typeCondition.name.value, type)) {
          continue;
        }
        const key = `${name}|${type.name}|${sized ? `${sized.size}:${[...(sized.fields ?? [])].join()}` : ''}`;
        let cost = memo.get(key);
        if (cost === undefined) {
          visiting.add(name);
          cost = selectionsCost(fragment.selectionSet, type, sized);
          visiting.delete(name);
          memo.set(key, cost);
        }
        total += cost;
      }
    }
    return total;
  };

  const fieldCost = (
    node: FieldNode,
    field: GraphQLField<unknown, unknown>,
    parent: GraphQLObjectType,
    sized: Sized | null,
  ): number => {
    const named = getNamedType(field.type);
    const coordinates = [parent, ...parent.getInterfaces()].map((t) => `${t.name}.${field.name}`);
    const find = <T>(read: (coordinate: string) => T | undefined) =>
      coordinates.map(read).find((value) => value !== undefined);
    const weight =
      find(directives.weight) ?? directives.weight(named.name) ?? (isCompositeType(named) ? 1 : 0);
    const listSize = find(directives.listSize);
    const slicing = listSize?.slicingArguments ?? IMPLICIT_SLICING_ARGUMENTS;
    const sliced = slicedSize(argumentsOf(node, field, variables), slicing);
    const args = priceArguments(node, field, coordinates);
    readsVariables ||=
      args.readsVariables ||
      Boolean(
        node.arguments?.some(
          (argument) =>
            argument.value.kind === Kind.VARIABLE && slicing.includes(argument.name.value),
        ),
      );
    const size = sliced ?? listSize?.assumedSize;
    const isList = isListType(getNullableType(field.type));
    const fromParent = sized && (sized.fields === null || sized.fields.has(node.name.value));
    const multiplier = isList ? (size ?? (fromParent ? sized.size : defaultListSize)) : 1;
    // a connection: its size belongs to the lists inside it (edges, nodes)
    const below: Sized | null =
      !isList && size !== undefined
        ? { size, fields: listSize?.sizedFields ? new Set(listSize.sizedFields) : null }
        : null;
    const children =
      node.selectionSet && isCompositeType(named)
        ? selectionsCost(node.selectionSet, named, below)
        : 0;
    // the field's own cost (its weight per item, its arguments per call) never goes below 0 nor
    // takes from what it selects (cost spec, "Field Cost")
    return Math.max(0, multiplier * weight + args.cost) + multiplier * children;
  };

  const root = schema.getRootType(operation.operation);
  const cost = root ? selectionsCost(operation.selectionSet, root, null) : 0;
  return { cost, readsVariables };
}

function argumentsOf(
  node: FieldNode,
  field: GraphQLField<unknown, unknown>,
  variables: Record<string, unknown>,
): Record<string, unknown> {
  try {
    return getArgumentValues(field, node, variables);
  } catch {
    // bad arguments fail at execution with a precise error; defaults are priced meanwhile
    return {};
  }
}

/** the largest slicing argument given, never below 0; undefined when none is */
function slicedSize(args: Record<string, unknown>, slicing: readonly string[]): number | undefined {
  const sizes = slicing
    .map((name) => args[name])
    .filter((value): value is number => typeof value === 'number' && Number.isFinite(value));
  return sizes.length > 0 ? Math.max(0, ...sizes.map(Math.floor)) : undefined;
}

import {
  getNamedType,
  isEnumType,
  isInputObjectType,
  isScalarType,
  Kind,
  valueFromASTUntyped,
  type FieldNode,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLNamedInputType,
  type ValueNode,
} from 'graphql';
import type { CostDirectives } from './cost-directives.js';

/** What the arguments given to one field add to its cost, and whether a variable decided it. */
export interface ArgumentsCost {
  cost: number;
  readsVariables: boolean;
}

/**
 * Prices the arguments an operation gives a field, as the cost spec's field cost does
 * (https://ibm.github.io/graphql-specs/cost-spec.html#sec-Field-Cost): an argument that is set
 * (a literal, or a variable with a value in the request) adds its `@cost(weight:)`, and each
 * input field its value sets adds its own, through nested input objects and lists. An argument
 * or input field without `@cost` takes that of its scalar or enum type, as Apollo's router does.
 * Each weight counts once per field however many list items set it: the spec counts input
 * fields by schema coordinate, and its text asks nothing per item.
 */
export function createArgumentPricing({
  directives,
  variables,
}: {
  directives: CostDirectives;
  /** the operation's coerced variables */
  variables: Record<string, unknown>;
}) {
  const weightOf = (coordinates: readonly string[], type: GraphQLInputType) => {
    const named = getNamedType(type);
    return (
      coordinates.map(directives.weight).find((weight) => weight !== undefined) ??
      (isScalarType(named) || isEnumType(named) ? directives.weight(named.name) : undefined)
    );
  };

  // whether an input object can hold a weighted field: only then can its value change the cost
  const mayCostByType = new Map<string, boolean>();
  const reachesWeight = (type: GraphQLNamedInputType, seen: Set<string>): boolean => {
    if (!isInputObjectType(type) || seen.has(type.name)) return false;
    seen.add(type.name);
    return Object.values(type.getFields()).some(
      (field) =>
        weightOf([`${type.name}.${field.name}`], field.type) !== undefined ||
        reachesWeight(getNamedType(field.type), seen),
    );
  };
  const mayCost = (type: GraphQLNamedInputType) => {
    let known = mayCostByType.get(type.name);
    if (known === undefined) mayCostByType.set(type.name, (known = reachesWeight(type, new Set())));
    return known;
  };

  /** the input fields a value sets, by coordinate: each counts once, however often it is set */
  const setFields = (
    type: GraphQLInputType,
    value: unknown,
    into: Map<string, GraphQLInputType>,
  ) => {
    if (value === null || value === undefined) return;
    if (Array.isArray(value)) {
      for (const item of value) setFields(type, item, into);
      return;
    }
    const named = getNamedType(type);
    if (!isInputObjectType(named) || typeof value !== 'object') return;
    const fields = named.getFields();
    for (const [name, inner] of Object.entries(value)) {
      const field = fields[name];
      if (!field || inner === null || inner === undefined) continue;
      into.set(`${named.name}.${name}`, field.type);
      setFields(field.type, inner, into);
    }
  };

  /** `coordinates`: the field's own (`Type.field`) and those it implements on interfaces */
  return (
    node: FieldNode,
    field: GraphQLField<unknown, unknown>,
    coordinates: readonly string[],
  ): ArgumentsCost => {
    let cost = 0;
    let readsVariables = false;
    for (const given of node.arguments ?? []) {
      const argument = field.args.find((definition) => definition.name === given.name.value);
      if (!argument) continue;
      const own = weightOf(
        coordinates.map((coordinate) => `${coordinate}(${argument.name}:)`),
        argument.type,
      );
      if (own === undefined && !mayCost(getNamedType(argument.type))) continue;
      readsVariables ||= hasVariable(given.value);
      const value = valueFromASTUntyped(given.value, variables);
      // an explicit null, or a variable the request leaves out, sets nothing
      if (value === null || value === undefined) continue;
      const fields = new Map<string, GraphQLInputType>();
      setFields(argument.type, value, fields);
      cost += own ?? 0;
      for (const [coordinate, type] of fields) cost += weightOf([coordinate], type) ?? 0;
    }
    return { cost, readsVariables };
  };
}

const hasVariable = (value: ValueNode): boolean =>
  value.kind === Kind.VARIABLE ||
  (value.kind === Kind.LIST && value.values.some(hasVariable)) ||
  (value.kind === Kind.OBJECT && value.fields.some((field) => hasVariable(field.value)));

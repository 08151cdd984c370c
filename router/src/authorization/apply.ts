import {
  getDirectiveValues,
  getNullableType,
  GraphQLError,
  GraphQLIncludeDirective,
  GraphQLSkipDirective,
  isAbstractType,
  isListType,
  isNonNullType,
  isObjectType,
  type GraphQLOutputType,
  type GraphQLSchema,
} from 'graphql';
import { PROBE, type AuthorizedOperation, type Step } from './filter.js';

/** At most this many authorization errors in one response; every position still gets its null. */
export const MAX_REFUSAL_ERRORS = 100;

type JsonObject = Record<string, unknown>;
type Position = {
  container: JsonObject | unknown[];
  key: string | number;
  type: GraphQLOutputType;
};

/**
 * Completes the result of an authorized operation: each refused field is null wherever it would
 * have been (a non-null one makes its nearest nullable parent null, as GraphQL does), with one
 * error per position carrying its path and code. A refused field that has no position (its
 * parent is null, or in an empty list) gets one error at its path in the operation, up to the
 * first list. A refused fragment gets an error at each object of its type it would have applied to.
 */
export function completeResult(
  result: { data?: JsonObject | null; errors?: readonly GraphQLError[] },
  authorized: AuthorizedOperation,
  schema: GraphQLSchema,
  variables: Record<string, unknown>,
): { data: JsonObject | null; errors?: GraphQLError[] } {
  const data = authorized.empty ? {} : (result.data ?? null);
  const errors: GraphQLError[] = [];
  const report = (message: string, code: string, path: readonly (string | number)[]) => {
    if (errors.length < MAX_REFUSAL_ERRORS) {
      errors.push(new GraphQLError(message, { path, extensions: { code } }));
    }
  };
  const typeHolds = (condition: string, typeName: unknown) => {
    const conditionType = schema.getType(condition);
    const type = typeof typeName === 'string' ? schema.getType(typeName) : undefined;
    if (!conditionType || !isObjectType(type)) return true; // no probe: a concrete parent
    return isAbstractType(conditionType)
      ? schema.isSubType(conditionType, type)
      : conditionType.name === type.name;
  };
  const included = (step: Step) =>
    step.directives.every((directive) => {
      const node = { directives: [directive] };
      const skip = getDirectiveValues(GraphQLSkipDirective, node, variables);
      const include = getDirectiveValues(GraphQLIncludeDirective, node, variables);
      return skip?.['if'] !== true && include?.['if'] !== false;
    });

  let dataNulled = false;
  const touched = new Map<JsonObject, readonly string[]>();
  for (const refusal of authorized.refusals) {
    // objects the refused selection's parent resolved to, and positions the refusal applied to
    let reached = 0;
    let found = 0;
    const onPosition = (trail: Position[]) => {
      if (refusal.fragmentType) {
        const last = trail.at(-1);
        const objects = last
          ? objectsIn((last.container as JsonObject)[last.key as string], last.type, [])
          : [{ object: data!, path: [] }];
        for (const { object, path } of objects) {
          if (!typeHolds(refusal.fragmentType, object[PROBE])) continue;
          found++;
          report(refusal.message, refusal.code, [...trail.map((p) => p.key), ...path]);
        }
        return;
      }
      found++;
      report(
        refusal.message,
        refusal.code,
        trail.map((p) => p.key),
      );
      let index = trail.length - 1;
      while (index >= 0 && isNonNullType(trail[index]!.type)) index--;
      if (index < 0) {
        dataNulled = true;
        return;
      }
      const position = trail[index]!;
      (position.container as JsonObject)[position.key as string] = null;
      if (index === trail.length - 1) touched.set(position.container as JsonObject, refusal.order);
    };
    if (data) {
      if (refusal.steps.length === 0) onPosition([]);
      else {
        const onReach = () => reached++;
        visitObject(data, refusal.steps, 0, [], { typeHolds, included, onPosition, onReach });
      }
    }
    // no position at all (a null parent, an empty list): still said once; an object of another
    // type than the fragment's is not a refusal
    if (found === 0 && reached === 0)
      report(refusal.message, refusal.code, documentPath(refusal.steps));
  }
  for (const [object, order] of touched) reorder(object, order);
  if (data) {
    for (const steps of authorized.probes) {
      visitObject(data, steps, 0, [], {
        typeHolds: () => true,
        included: () => true,
        onPosition: (trail) => {
          const last = trail.at(-1)!;
          const value = (last.container as JsonObject)[last.key as string];
          stripProbe(value, last.type);
        },
      });
    }
  }
  const all = [...errors, ...(result.errors ?? [])];
  return { data: dataNulled ? null : data, ...(all.length > 0 ? { errors: all } : {}) };
}

interface Visitor {
  typeHolds(condition: string, typeName: unknown): boolean;
  included(step: Step): boolean;
  onPosition(trail: Position[]): void;
  onReach?(): void;
}

// calls onPosition for each place the last step's key has (or would have) in the data
function visitObject(
  object: JsonObject,
  steps: readonly Step[],
  index: number,
  trail: Position[],
  visitor: Visitor,
) {
  const step = steps[index]!;
  // a skipped selection is not refused: reached, so no error is reported for it
  if (index === steps.length - 1 || !visitor.included(step)) visitor.onReach?.();
  if (!visitor.included(step)) return;
  if (!step.conditions.every((condition) => visitor.typeHolds(condition, object[PROBE]))) return;
  const position = [...trail, { container: object, key: step.key, type: step.type }];
  if (index === steps.length - 1) return visitor.onPosition(position);
  if (!(step.key in object)) return;
  visitValue(object[step.key], step.type, steps, index + 1, position, visitor);
}

function visitValue(
  value: unknown,
  type: GraphQLOutputType,
  steps: readonly Step[],
  index: number,
  trail: Position[],
  visitor: Visitor,
) {
  if (value === null || typeof value !== 'object') return;
  const nullable = getNullableType(type);
  if (isListType(nullable)) {
    (value as unknown[]).forEach((item, position) =>
      visitValue(
        item,
        nullable.ofType as GraphQLOutputType,
        steps,
        index,
        [...trail, { container: value as unknown[], key: position, type: nullable.ofType }],
        visitor,
      ),
    );
  } else visitObject(value as JsonObject, steps, index, trail, visitor);
}

// the objects a value holds, through lists, with their indices
function objectsIn(
  value: unknown,
  type: GraphQLOutputType,
  path: number[],
): { object: JsonObject; path: number[] }[] {
  if (value === null || typeof value !== 'object') return [];
  const nullable = getNullableType(type);
  if (!isListType(nullable)) return [{ object: value as JsonObject, path }];
  return (value as unknown[]).flatMap((item, index) =>
    objectsIn(item, nullable.ofType as GraphQLOutputType, [...path, index]),
  );
}

function stripProbe(value: unknown, type: GraphQLOutputType) {
  for (const { object } of objectsIn(value, type, [])) delete object[PROBE];
}

/** The path of a refused selection in the operation, as far as it is the same for every position. */
export function documentPath(steps: readonly Step[]): string[] {
  const path: string[] = [];
  for (const step of steps) {
    path.push(step.key);
    if (isListType(getNullableType(step.type))) break;
  }
  return path;
}

// a null put where the gateway left nothing lands last: the response keeps the operation's order
function reorder(object: JsonObject, order: readonly string[]) {
  const rank = new Map(order.map((key, index) => [key, index]));
  const entries = Object.entries(object).sort(
    ([a], [b]) => (rank.get(a) ?? order.length) - (rank.get(b) ?? order.length),
  );
  for (const [key] of entries) delete object[key];
  for (const [key, value] of entries) object[key] = value;
}

import {
  getOperationAST,
  getVariableValues,
  type DocumentNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import type { CostDirectives } from './cost-directives.js';
import { estimateCostWithInputs } from './cost.js';
import { measureOperation, type OperationShape } from './operation-shape.js';
import type { OperationLimits } from './settings.js';

/** the refusal of an operation whose estimated cost is over its caller's budget */
export const COST_ESTIMATED_TOO_EXPENSIVE = 'COST_ESTIMATED_TOO_EXPENSIVE';

/** Why a request was refused before it ran: the code clients act on, and the numbers. */
export interface LimitViolation {
  code: string;
  message: string;
  /** the HTTP status of a refused HTTP request */
  status: number;
  extensions: Record<string, unknown>;
  /** response headers of a refused HTTP request (Retry-After, RateLimit-*) */
  headers?: Record<string, string>;
}

/**
 * Checks a validated operation against a caller's limits, cheapest first: depth, aliases and
 * root fields, then the cost estimate with the request's variables. Null when it may run.
 */
export function checkOperation({
  schema,
  directives,
  document,
  operationName,
  variables,
  limits,
}: {
  schema: GraphQLSchema;
  directives: CostDirectives;
  document: DocumentNode;
  operationName: string | null | undefined;
  variables: Record<string, unknown> | null | undefined;
  limits: OperationLimits;
}): LimitViolation | null {
  const operation = getOperationAST(document, operationName ?? undefined);
  // no such operation: left for the executor to report
  if (!operation) return null;
  const shape = shapeOf(document, operation);
  if (shape.depth > limits.maxDepth) {
    return violation(
      'MAX_DEPTH_EXCEEDED',
      `The operation is nested ${shape.depth} fields deep; at most ${limits.maxDepth} are allowed.`,
      { depth: shape.depth, maxDepth: limits.maxDepth },
    );
  }
  if (shape.aliases > limits.maxAliases) {
    return violation(
      'MAX_ALIASES_EXCEEDED',
      `The operation uses ${shape.aliases} aliases; at most ${limits.maxAliases} are allowed.`,
      { aliases: shape.aliases, maxAliases: limits.maxAliases },
    );
  }
  if (shape.rootFields > limits.maxRootFields) {
    return violation(
      'MAX_ROOT_FIELDS_EXCEEDED',
      `The operation selects ${shape.rootFields} root fields; at most ${limits.maxRootFields} are allowed.`,
      { rootFields: shape.rootFields, maxRootFields: limits.maxRootFields },
    );
  }
  const cost = costOf({ schema, directives, document, operation, variables, limits });
  if (cost > limits.maxCost) {
    // Apollo Router's demand-control code and extension names, so clients handle both alike
    return violation(
      COST_ESTIMATED_TOO_EXPENSIVE,
      `The operation's estimated cost is ${cost}; this client's budget is ${limits.maxCost}.`,
      { 'cost.estimated': cost, 'cost.max': limits.maxCost },
    );
  }
  return null;
}

// Apollo Server hands the same document object to every request with the same text: its
// shape is measured once per operation
const shapes = new WeakMap<DocumentNode, Map<OperationDefinitionNode, OperationShape>>();

function shapeOf(document: DocumentNode, operation: OperationDefinitionNode): OperationShape {
  let byOperation = shapes.get(document);
  if (!byOperation) shapes.set(document, (byOperation = new Map()));
  let shape = byOperation.get(operation);
  if (!shape) byOperation.set(operation, (shape = measureOperation(document, operation)));
  return shape;
}

// the same goes for its cost when no variable sizes a list in it (most operations): once per
// operation and default list size; otherwise it is estimated with each request's variables
const fixedCosts = new WeakMap<
  DocumentNode,
  Map<OperationDefinitionNode, { directives: CostDirectives; byListSize: Map<number, number> }>
>();

function costOf({
  schema,
  directives,
  document,
  operation,
  variables,
  limits,
}: {
  schema: GraphQLSchema;
  directives: CostDirectives;
  document: DocumentNode;
  operation: OperationDefinitionNode;
  variables: Record<string, unknown> | null | undefined;
  limits: OperationLimits;
}): number {
  let byOperation = fixedCosts.get(document);
  if (!byOperation) fixedCosts.set(document, (byOperation = new Map()));
  let known = byOperation.get(operation);
  // another supergraph's directives price the same text differently
  if (!known || known.directives !== directives) {
    byOperation.set(operation, (known = { directives, byListSize: new Map() }));
  }
  const fixed = known.byListSize.get(limits.defaultListSize);
  if (fixed !== undefined) return fixed;
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], variables ?? {});
  const { cost, readsVariables } = estimateCostWithInputs({
    schema,
    document,
    operation,
    // bad variables fail at execution with a precise error; the defaults are priced meanwhile
    variables: coerced.coerced ?? {},
    directives,
    defaultListSize: limits.defaultListSize,
  });
  if (!readsVariables) known.byListSize.set(limits.defaultListSize, cost);
  return cost;
}

/** a document with more tokens than allowed */
export const tooManyTokens = (maxTokens: number): LimitViolation =>
  violation(
    'MAX_TOKENS_EXCEEDED',
    `The document has more than ${maxTokens} tokens; shorten it or use a persisted operation.`,
    { maxTokens },
  );

const violation = (
  code: string,
  message: string,
  extensions: Record<string, unknown>,
): LimitViolation => ({ code, message, status: 400, extensions });

import assert from 'node:assert/strict';
import { buildSchema, getOperationAST, getVariableValues, parse, type DocumentNode } from 'graphql';
import { checkOperation } from '../../src/limits/check-operation.js';
import { readCostDirectives } from '../../src/limits/cost-directives.js';
import { estimateCostWithInputs } from '../../src/limits/cost.js';
import type { OperationLimits } from '../../src/limits/settings.js';

/**
 * Prices operations over an SDL carrying the cost spec's directives, as the router does: the
 * request's variables coerced, lists of unknown size assumed to hold 10 items.
 */
export function costEstimator(sdl: string) {
  const schema = buildSchema(sdl);
  const directives = readCostDirectives(sdl);
  return (query: string, variables: Record<string, unknown> = {}) => {
    const document = parse(query);
    const operation = getOperationAST(document);
    assert.ok(operation);
    const { coerced } = getVariableValues(schema, operation.variableDefinitions ?? [], variables);
    assert.ok(coerced);
    return estimateCostWithInputs({
      schema,
      document,
      operation,
      variables: coerced,
      directives,
      defaultListSize: 10,
    });
  };
}

/** Checks documents over an SDL against operation limits, as the router's plugin does. */
export function limitChecker(sdl: string, limits: OperationLimits) {
  const schema = buildSchema(sdl);
  const directives = readCostDirectives(sdl);
  return (
    document: DocumentNode,
    variables: Record<string, unknown>,
    overrides: Partial<OperationLimits> = {},
  ) =>
    checkOperation({
      schema,
      directives,
      document,
      operationName: null,
      variables,
      limits: { ...limits, ...overrides },
    });
}

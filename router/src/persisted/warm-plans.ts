import type { ApolloServer } from '@apollo/server';
import type { Experimental_DidResolveQueryPlanCallback } from '@apollo/gateway';
import type { Logger } from '@ordergraph/shared/logging';
import {
  getNamedType,
  getNullableType,
  GraphQLError,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isScalarType,
  Kind,
  parse,
  typeFromAST,
  type GraphQLInputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import type { RouterContext } from '../context.js';
import type { PersistedQueryManifest } from './manifest.js';

// marks the context of a warm-up request (a symbol: no caller can set it); Apollo Server
// copies the context object, own symbol properties included
const PLAN_ONLY = Symbol('plan only');
const PLANNED = 'QUERY_PLAN_WARMED';

/** True for the context of a warm-up request (it plans the whole operation, fetches nothing). */
export const isPlanWarmUp = (context: object): boolean =>
  Boolean((context as { [PLAN_ONLY]?: boolean })[PLAN_ONLY]);

/**
 * For the gateway's `experimental_didResolveQueryPlan`: ends a warm-up request right after
 * its plan is built and stored, so nothing is fetched from any subgraph.
 */
export const stopWarmUpAfterPlanning: Experimental_DidResolveQueryPlanCallback = ({
  requestContext,
}) => {
  if ((requestContext.context as { [PLAN_ONLY]?: boolean })[PLAN_ONLY]) {
    throw new GraphQLError('Planned only (warm-up).', { extensions: { code: PLANNED } });
  }
};

/**
 * Plans every manifest operation once, at start: the gateway keys its plan cache by the
 * operation's text and name, which are exactly what a request by manifest id executes. Each
 * goes through Apollo Server like a request (parse, validate, plan) with placeholder variables
 * (the gateway checks variables before planning) and stops after planning. Returns how many
 * were planned.
 */
export async function warmQueryPlans({
  apollo,
  manifest,
  schema,
  log,
}: {
  apollo: ApolloServer<RouterContext>;
  manifest: PersistedQueryManifest;
  schema: GraphQLSchema;
  log: Logger;
}): Promise<number> {
  let planned = 0;
  for (const { name, type, body } of manifest.operations) {
    if (type === 'subscription') continue; // subscriptions are planned by their own service
    const contextValue: RouterContext & { [PLAN_ONLY]: boolean } = {
      viewer: { subject: null, roles: [] },
      requestId: `warm-up:${name}`,
      log,
      [PLAN_ONLY]: true,
    };
    const response = await apollo.executeOperation(
      { query: body, operationName: name, variables: placeholderVariables(schema, body, name) },
      { contextValue },
    );
    const errors = response.body.kind === 'single' ? response.body.singleResult.errors : [];
    if (errors?.length === 1 && errors[0]?.extensions?.['code'] === PLANNED) planned++;
    else log.warn({ operation: name, errors }, 'query plan warm-up: operation not planned');
  }
  return planned;
}

/** Values that pass variable coercion for an operation's required variables. */
export function placeholderVariables(
  schema: GraphQLSchema,
  body: string,
  operationName: string,
): Record<string, unknown> {
  const operation = parse(body).definitions.find(
    (d): d is OperationDefinitionNode =>
      d.kind === Kind.OPERATION_DEFINITION && d.name?.value === operationName,
  );
  const variables: Record<string, unknown> = {};
  for (const definition of operation?.variableDefinitions ?? []) {
    const type = typeFromAST(schema, definition.type) as GraphQLInputType | undefined;
    if (type && isNonNullType(type) && !definition.defaultValue) {
      variables[definition.variable.name.value] = placeholder(type);
    }
  }
  return variables;
}

function placeholder(type: GraphQLInputType): unknown {
  const nullable = getNullableType(type);
  if (isListType(nullable)) return [];
  const named = getNamedType(nullable);
  if (isEnumType(named)) return named.getValues()[0]?.name;
  if (isInputObjectType(named)) {
    return Object.fromEntries(
      Object.values(named.getFields())
        .filter((field) => isNonNullType(field.type) && field.defaultValue === undefined)
        .map((field) => [field.name, placeholder(field.type)]),
    );
  }
  if (isScalarType(named)) {
    if (named.name === 'Int' || named.name === 'Float') return 0;
    if (named.name === 'Boolean') return false;
  }
  return '0';
}

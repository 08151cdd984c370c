import { buildOperationContext } from '@apollo/gateway';
import { operationFromDocument, type Supergraph } from '@apollo/federation-internals';
import type { FetchNode, PlanNode, QueryPlan, QueryPlanner } from '@apollo/query-planner';
import {
  GraphQLError,
  Kind,
  OperationTypeNode,
  parse,
  print,
  type DocumentNode,
  type FieldNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';

/** the service name the plan's primary fetch is pointed at: the event itself, not a subgraph */
export const EVENT_SOURCE = '__subscription_event';

// names the router adds to the subgraph's subscription: never valid client names (leading __)
export const CURSOR_ALIAS = '__cursor';
const AFTER_VARIABLE = '__after';

export interface SubscriptionPlan {
  /** the subgraph that owns the root field */
  subgraph: string;
  /** the operation sent to the owning subgraph: the primary fetch, resumable when possible */
  upstreamQuery: string;
  /** the client variables the upstream operation uses */
  variableUsages: string[];
  /** the root field's response key in the upstream result */
  rootResponseKey: string;
  /**
   * When the root field takes `after` and its result has a `cursor`, the router follows the
   * cursor and resumes an interrupted upstream stream from it.
   */
  resumable: boolean;
  /** the upstream variable that carries the resume cursor */
  afterVariable: string;
  /** the plan that turns one upstream event into the full federated result */
  perEvent: QueryPlan;
  operationContext: ReturnType<typeof buildOperationContext>;
}

/**
 * Plans a subscription with the supergraph's query planner: the primary fetch streams from the
 * owning subgraph; for each event, a Sequence of [primary answered by the event, rest] executes
 * the entity fetches to the other subgraphs.
 */
export function planSubscription({
  supergraph,
  planner,
  apiSchema,
  document,
  operationName,
}: {
  supergraph: Supergraph;
  planner: QueryPlanner;
  apiSchema: GraphQLSchema;
  document: DocumentNode;
  operationName: string | undefined;
}): SubscriptionPlan {
  const operation = operationFromDocument(supergraph.apiSchema(), document, { operationName });
  const plan = planner.buildQueryPlan(operation);
  const node = plan.node;
  if (node?.kind !== 'Subscription') {
    throw new GraphQLError('The operation is not a subscription.', {
      extensions: { code: 'BAD_REQUEST' },
    });
  }
  const { primary, rest } = node;
  const upstream = makeResumable(primary, apiSchema);
  const nodes: PlanNode[] = [{ ...primary, serviceName: EVENT_SOURCE }];
  if (rest) nodes.push(rest);
  return {
    subgraph: primary.serviceName,
    upstreamQuery: upstream.query,
    variableUsages: primary.variableUsages ?? [],
    rootResponseKey: upstream.rootResponseKey,
    resumable: upstream.resumable,
    afterVariable: upstream.afterVariable,
    perEvent: { kind: 'QueryPlan', node: { kind: 'Sequence', nodes } },
    operationContext: buildOperationContext({
      schema: apiSchema,
      operationDocument: document,
      operationName,
    }),
  };
}

/** the variables of the upstream operation: the client's it uses, and the resume cursor */
export function upstreamVariables(
  plan: SubscriptionPlan,
  variables: Record<string, unknown>,
  after: string | null,
): Record<string, unknown> {
  const picked: Record<string, unknown> = {};
  for (const name of plan.variableUsages) {
    if (name in variables) picked[name] = variables[name];
  }
  if (plan.resumable) picked[plan.afterVariable] = after;
  return picked;
}

function makeResumable(
  primary: FetchNode,
  apiSchema: GraphQLSchema,
): { query: string; rootResponseKey: string; resumable: boolean; afterVariable: string } {
  const upstream = parse(primary.operation);
  const definition = upstream.definitions.find(
    (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
  );
  const root = definition?.selectionSet.selections.find(
    (s): s is FieldNode => s.kind === Kind.FIELD,
  );
  if (!definition || !root) throw new Error('the primary fetch has no root field');
  const rootResponseKey = root.alias?.value ?? root.name.value;
  const field = apiSchema.getSubscriptionType()?.getFields()[root.name.value];
  const resultType = field ? namedFieldsOf(field.type) : undefined;
  const resumable =
    field?.args.some((arg) => arg.name === 'after') === true &&
    resultType?.['cursor'] !== undefined;
  if (!resumable) {
    return { query: primary.operation, rootResponseKey, resumable: false, afterVariable: '' };
  }
  // the client's own `after: $variable` already carries the cursor; otherwise add one
  const given = root.arguments?.find((arg) => arg.name.value === 'after')?.value;
  const afterVariable = given?.kind === Kind.VARIABLE ? given.name.value : AFTER_VARIABLE;

  const resumableRoot: FieldNode = {
    ...root,
    arguments: [
      ...(root.arguments ?? []).filter((arg) => arg.name.value !== 'after'),
      { kind: Kind.ARGUMENT, name: name('after'), value: variable(afterVariable) },
    ],
    selectionSet: {
      kind: Kind.SELECTION_SET,
      selections: [
        ...(root.selectionSet?.selections ?? []),
        { kind: Kind.FIELD, alias: name(CURSOR_ALIAS), name: name('cursor') },
      ],
    },
  };
  const declared = definition.variableDefinitions ?? [];
  const resumableDefinition: OperationDefinitionNode = {
    ...definition,
    variableDefinitions:
      afterVariable === AFTER_VARIABLE
        ? [
            ...declared,
            {
              kind: Kind.VARIABLE_DEFINITION,
              variable: variable(AFTER_VARIABLE),
              type: { kind: Kind.NAMED_TYPE, name: name('String') },
            },
          ]
        : declared,
    selectionSet: {
      ...definition.selectionSet,
      selections: definition.selectionSet.selections.map((s) => (s === root ? resumableRoot : s)),
    },
  };
  const rewritten: DocumentNode = {
    ...upstream,
    definitions: upstream.definitions.map((d) => (d === definition ? resumableDefinition : d)),
  };
  return { query: print(rewritten), rootResponseKey, resumable: true, afterVariable };
}

const name = (value: string) => ({ kind: Kind.NAME, value }) as const;
const variable = (value: string) => ({ kind: Kind.VARIABLE, name: name(value) }) as const;

function namedFieldsOf(type: unknown): Record<string, unknown> | undefined {
  let current = type as { ofType?: unknown; getFields?: () => Record<string, unknown> };
  while (current.ofType) current = current.ofType as typeof current;
  return current.getFields?.();
}

/** the `after` the client gave the root field, as a literal or through a variable */
export function clientAfter(
  document: DocumentNode,
  operationName: string | undefined,
  variables: Record<string, unknown>,
): string | null {
  const operation = document.definitions.find(
    (d): d is OperationDefinitionNode =>
      d.kind === Kind.OPERATION_DEFINITION &&
      d.operation === OperationTypeNode.SUBSCRIPTION &&
      (!operationName || d.name?.value === operationName),
  );
  const root = operation?.selectionSet.selections.find(
    (s): s is FieldNode => s.kind === Kind.FIELD,
  );
  const value = root?.arguments?.find((arg) => arg.name.value === 'after')?.value;
  if (!value) return null;
  if (value.kind === Kind.STRING) return value.value;
  if (value.kind === Kind.VARIABLE) {
    const given = variables[value.name.value];
    return typeof given === 'string' ? given : null;
  }
  return null;
}

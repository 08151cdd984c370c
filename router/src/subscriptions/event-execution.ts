import {
  executeQueryPlan,
  type GraphQLDataSource,
  type GraphQLDataSourceProcessOptions,
  type ServiceMap,
} from '@apollo/gateway';
import type { Schema } from '@apollo/federation-internals';
import type { GraphQLRequestContext } from '@apollo/server';
import {
  GraphQLError,
  type DocumentNode,
  type ExecutionResult,
  type FormattedExecutionResult,
  type GraphQLFormattedError,
  type GraphQLSchema,
} from 'graphql';
import type { RouterContext } from '../context.js';
import { subscriptionError } from './errors.js';
import { EVENT_SOURCE, type SubscriptionPlan } from './plan.js';

export interface EventExecutor {
  /** the full federated result for one upstream event */
  execute(options: {
    plan: SubscriptionPlan;
    document: DocumentNode;
    operationName: string | undefined;
    variables: Record<string, unknown>;
    context: RouterContext;
    event: FormattedExecutionResult;
  }): Promise<ExecutionResult>;
  /** fetches sent to each subgraph for subscription events so far */
  readonly fetchCounts: Readonly<Record<string, number>>;
}

/** Runs the per-event plan with the gateway's executor over the router's data sources. */
export function createEventExecutor({
  dataSources,
  supergraphSchema,
  apiSchema,
  fetchCounts = {},
  formatError,
}: {
  dataSources: Record<string, GraphQLDataSource<RouterContext>>;
  supergraphSchema: GraphQLSchema;
  apiSchema: Schema;
  /** where fetches are counted, by subgraph */
  fetchCounts?: Record<string, number>;
  /** the router's error formatter: events' errors are masked like those of any response */
  formatError?: (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;
}): EventExecutor {
  const counted: ServiceMap = {};
  for (const [name, source] of Object.entries(dataSources)) {
    fetchCounts[name] ??= 0;
    counted[name] = {
      process: (options: GraphQLDataSourceProcessOptions<RouterContext>) => {
        fetchCounts[name] = (fetchCounts[name] ?? 0) + 1;
        return source.process(options);
      },
    };
  }

  return {
    fetchCounts,
    async execute({ plan, document, operationName, variables, context, event }) {
      const serviceMap: ServiceMap = {
        ...counted,
        // the primary fetch is answered by the event the subgraph streamed
        [EVENT_SOURCE]: { process: async () => event },
      };
      const requestContext = {
        request: { variables, operationName },
        document,
        operationName: operationName ?? null,
        contextValue: context,
        context,
        logger: context.log,
        metrics: {},
      } as unknown as GraphQLRequestContext<RouterContext>;
      const result = await executeQueryPlan(
        plan.perEvent,
        serviceMap,
        requestContext as never,
        plan.operationContext,
        supergraphSchema,
        apiSchema,
      );
      // a failed fetch can come back as a plain Error, which transports cannot serialize
      if (result.errors) {
        result.errors = result.errors.map((error) => {
          const graphQLError = asGraphQLError(error);
          // transports serialize GraphQLErrors: the formatted error goes back into one
          return formatError
            ? subscriptionError.fromFormatted(formatError(graphQLError.toJSON(), graphQLError))
            : graphQLError;
        });
      }
      return result;
    },
  };
}

function asGraphQLError(error: unknown): GraphQLError {
  if (error instanceof GraphQLError) return error;
  return new GraphQLError(error instanceof Error ? error.message : 'Unexpected error.', {
    extensions: { code: 'SUBGRAPH_ERROR' },
    ...(error instanceof Error ? { originalError: error } : {}),
  });
}

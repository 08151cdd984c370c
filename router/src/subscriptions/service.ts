import { Supergraph } from '@apollo/federation-internals';
import type { GraphQLDataSource } from '@apollo/gateway';
import { QueryPlanner } from '@apollo/query-planner';
import type { Viewer } from '@ordergraph/shared/identity';
import type { Logger } from '@ordergraph/shared/logging';
import { LRUCache } from 'lru-cache';
import {
  getOperationAST,
  getVariableValues,
  GraphQLError,
  OperationTypeNode,
  parse,
  validate,
  type DocumentNode,
  type ExecutionResult,
  type GraphQLSchema,
} from 'graphql';
import { readRequirements } from '../authorization/requirements.js';
import { refuseSubscription } from '../authorization/subscriptions.js';
import type { RouterContext } from '../context.js';
import { limitError, type RequestLimits } from '../limits/request-limits.js';
import { subscriptionError } from './errors.js';
import { createEventExecutor } from './event-execution.js';
import { sharingKey, SubscriptionHub } from './hub.js';
import { clientAfter, planSubscription, type SubscriptionPlan } from './plan.js';
import { UpstreamConnections } from './upstream.js';
import { enforcedByTheRouter } from '../supergraph-features.js';
import { realClock, type Clock } from '../clock.js';

export interface OperationRequest {
  query: string;
  operationName?: string | null | undefined;
  variables?: Record<string, unknown> | null | undefined;
}

/** a parsed, validated operation with coerced variables */
export interface PreparedOperation {
  query: string;
  document: DocumentNode;
  operationName: string | undefined;
  variables: Record<string, unknown>;
  kind: OperationTypeNode;
}

export interface SubscriberIdentity {
  viewer: Viewer;
  /** when the caller's token expires (ms since epoch): the stream ends then */
  expiresAt: number | null;
  requestId: string;
  /** the token's `scope` claim (the viewer's roles are scopes too) */
  scopes?: readonly string[] | undefined;
}

export interface SubscriptionService {
  /** the API schema clients see (for transports that validate themselves) */
  readonly apiSchema: GraphQLSchema;
  /** parses, validates and checks the request limits (those of `client` when given) */
  prepare(
    request: OperationRequest,
    client?: string | null,
  ): PreparedOperation | { errors: GraphQLError[] };
  /** the stream of results of a prepared subscription */
  subscribe(
    operation: PreparedOperation,
    identity: SubscriberIdentity,
  ): AsyncIterableIterator<ExecutionResult> | ExecutionResult;
  /** completes every live subscription with a last error carrying `code` */
  closeAll(code: string, message: string): void;
  /** plans new subscriptions on another supergraph; live ones end with a reload code */
  reload(supergraphSdl: string): void;
  stats(): {
    sharedSubscriptions: number;
    clients: number;
    upstreamOpened: number;
    upstreamActive: number;
    /** events received from subgraphs */
    events: number;
    entityFetches: Readonly<Record<string, number>>;
  };
  stop(): Promise<void>;
}

/**
 * Federated subscriptions: validates and plans each subscription with the supergraph's query
 * planner, shares identical ones, and runs each event through the rest of the plan.
 */
export function createSubscriptionService({
  supergraphSdl,
  dataSources,
  subgraphUrls,
  signingSecret,
  log,
  maxBacklog = 1_000,
  historyLimit = 1_000,
  limits,
  formatError,
  clock = realClock,
}: {
  supergraphSdl: string;
  dataSources: Record<string, GraphQLDataSource<RouterContext>>;
  subgraphUrls: Record<string, string>;
  signingSecret: string;
  log: Logger;
  maxBacklog?: number;
  historyLimit?: number;
  /** depth, aliases, root fields, tokens and cost, as for operations over HTTP */
  limits?: Pick<RequestLimits, 'checkSource' | 'checkOperation'>;
  /** masks the errors of events as the router masks those of responses */
  formatError?: Parameters<typeof createEventExecutor>[0]['formatError'];
  /** the time tokens expire by; tests pass their own */
  clock?: Clock;
}): SubscriptionService {
  const upstream = new UpstreamConnections({ subgraphUrls, signingSecret, log });
  const fetchCounts: Record<string, number> = {};
  // everything derived from the supergraph, rebuilt whole when it is reloaded
  const build = (sdl: string) => {
    const supergraph = Supergraph.build(enforcedByTheRouter(sdl));
    const apiSchema = supergraph.apiSchema().toGraphQLJSSchema();
    const executor = createEventExecutor({
      dataSources,
      supergraphSchema: supergraph.schema.toGraphQLJSSchema(),
      apiSchema: supergraph.apiSchema(),
      fetchCounts,
      ...(formatError ? { formatError } : {}),
    });
    const planner = new QueryPlanner(supergraph);
    return {
      apiSchema,
      // @authenticated and @requiresScopes: a subscription selecting a refused field is refused
      requirements: readRequirements(sdl),
      hub: new SubscriptionHub({ upstream, executor, maxBacklog, historyLimit }),
      // thousands of clients send the same few documents: parse, validate and plan each once
      documents: new LRUCache<string, DocumentNode | GraphQLError[]>({
        max: 1_000,
        memoMethod: (query) => parseAndValidate(query, apiSchema),
      }),
      plans: new LRUCache<
        string,
        SubscriptionPlan,
        Pick<PreparedOperation, 'document' | 'operationName'>
      >({
        max: 1_000,
        memoMethod: (_key, _stale, { context }) =>
          planSubscription({ supergraph, planner, apiSchema, ...context }),
      }),
    };
  };
  let current = build(supergraphSdl);

  return {
    get apiSchema() {
      return current.apiSchema;
    },

    prepare({ query, operationName, variables }, client = null) {
      const tooLong = limits?.checkSource(query);
      if (tooLong) return { errors: [limitError(tooLong)] };
      const document = current.documents.memo(query);
      if (Array.isArray(document)) return { errors: document };
      const operation = getOperationAST(document, operationName ?? undefined);
      if (!operation) {
        return {
          errors: [
            subscriptionError(
              operationName
                ? `Unknown operation named "${operationName}".`
                : 'Name the operation to run: the document has several.',
              'BAD_REQUEST',
            ),
          ],
        };
      }
      const coerced = getVariableValues(
        current.apiSchema,
        operation.variableDefinitions ?? [],
        variables ?? {},
      );
      if (coerced.errors)
        return { errors: coerced.errors.map((e) => withCode(e, 'BAD_USER_INPUT')) };
      const refused = limits?.checkOperation({
        schema: current.apiSchema,
        document,
        operationName,
        variables: coerced.coerced,
        client,
      });
      if (refused) return { errors: [limitError(refused)] };
      return {
        query,
        document,
        operationName: operation.name?.value ?? operationName ?? undefined,
        variables: coerced.coerced,
        kind: operation.operation,
      };
    },

    subscribe(operation, { viewer, expiresAt, requestId, scopes }) {
      if (operation.kind !== OperationTypeNode.SUBSCRIPTION) {
        return {
          errors: [subscriptionError('The operation is not a subscription.', 'BAD_REQUEST')],
        };
      }
      if (expiresAt !== null && expiresAt <= clock.now()) return { errors: [tokenExpired()] };
      const { query, document, operationName, variables } = operation;
      const refused = refuseSubscription({
        schema: current.apiSchema,
        requirements: current.requirements,
        document,
        operationName,
        viewer,
        tokenScopes: scopes,
      });
      if (refused) return { errors: refused };
      const plan = current.plans.memo(`${operationName ?? ''}\n${query}`, {
        context: { document, operationName },
      });
      const initialAfter = plan.resumable ? clientAfter(document, operationName, variables) : null;
      const channel = current.hub.subscribe(
        sharingKey({ query, operationName, variables, viewer }),
        {
          plan,
          initialAfter,
          document,
          operationName,
          variables,
          viewer,
          requestId,
          log: log.child({ requestId }),
        },
      );
      if (expiresAt !== null) {
        // the token's end is the stream's end: the client renews it and resubscribes
        const cancel = clock.schedule(
          () => channel.finish({ errors: [tokenExpired()] }),
          expiresAt - clock.now(),
        );
        channel.onRelease(cancel);
      }
      return channel;
    },

    closeAll(code, message) {
      current.hub.closeAll({ errors: [subscriptionError(message, code)] });
    },

    reload(sdl) {
      const previous = current;
      current = build(sdl);
      previous.hub.closeAll({
        errors: [
          subscriptionError(
            'The supergraph changed: resubscribe with your last cursor.',
            'SUBSCRIPTION_SCHEMA_RELOAD',
          ),
        ],
      });
    },

    stats() {
      return {
        ...current.hub.stats,
        upstreamOpened: upstream.stats.opened,
        upstreamActive: upstream.stats.active,
        events: upstream.stats.events,
        entityFetches: { ...fetchCounts },
      };
    },

    async stop() {
      await upstream.dispose();
    },
  };
}

function parseAndValidate(query: string, apiSchema: GraphQLSchema): DocumentNode | GraphQLError[] {
  let document: DocumentNode;
  try {
    document = parse(query, { maxTokens: 10_000 });
  } catch (error) {
    return [withCode(error as GraphQLError, 'GRAPHQL_PARSE_FAILED')];
  }
  const errors = validate(apiSchema, document);
  return errors.length > 0 ? errors.map((e) => withCode(e, 'GRAPHQL_VALIDATION_FAILED')) : document;
}

const tokenExpired = () =>
  subscriptionError('The token has expired: renew it and resubscribe.', 'TOKEN_EXPIRED');

function withCode(error: GraphQLError, code: string): GraphQLError {
  return new GraphQLError(error.message, {
    nodes: error.nodes ?? null,
    source: error.source ?? null,
    positions: error.positions ?? null,
    extensions: { ...error.extensions, code },
  });
}

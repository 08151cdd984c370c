import type { ApolloGateway } from '@apollo/gateway';
import { ANONYMOUS } from '@ordergraph/shared/identity';
import type { GraphQLSchema } from 'graphql';
import { LRUCache } from 'lru-cache';
import type { RouterContext } from '../context.js';
import { isPlanWarmUp } from '../persisted/warm-plans.js';
import { completeResult } from './apply.js';
import { authorizeOperation, type AuthorizedOperation } from './filter.js';
import {
  accessKey,
  accessOf,
  readRequirements,
  type SupergraphRequirements,
} from './requirements.js';

type Gateway = Pick<ApolloGateway, 'load' | 'onSchemaLoadOrUpdate' | 'stop'>;
type Executor = ApolloGateway['executor'];
type GatewayRequestContext = Parameters<Executor>[0];

const UNCHANGED = 'unchanged';

/** What the router knows of one supergraph: its directives, and what it decided per caller. */
interface Authorizer {
  requirements: SupergraphRequirements;
  decisions: LRUCache<string, AuthorizedOperation | typeof UNCHANGED>;
}

/**
 * The gateway, enforcing the supergraph's `@authenticated` and `@requiresScopes`: selections
 * the caller may not see are removed before planning (no subgraph is asked for them), and come
 * back null with a FORBIDDEN (signed in, scopes missing) or UNAUTHENTICATED (anonymous) error
 * at their path. An operation with nothing refused runs untouched; decisions are cached per
 * operation and set of scopes.
 */
export function authorizeGateway(
  gateway: Gateway,
  { cacheSize = 2_000 }: { cacheSize?: number } = {},
): Gateway {
  // by API schema: a request validated before a reload is checked against its own supergraph
  const authorizers = new WeakMap<GraphQLSchema, Authorizer>();
  let latest: Authorizer | undefined;
  gateway.onSchemaLoadOrUpdate(({ apiSchema, coreSupergraphSdl }) => {
    latest = {
      requirements: readRequirements(coreSupergraphSdl),
      decisions: new LRUCache({ max: cacheSize }),
    };
    authorizers.set(apiSchema, latest);
  });

  const execute = async (executor: Executor, requestContext: GatewayRequestContext) => {
    const authorizer = authorizers.get(requestContext.schema) ?? latest;
    const context = requestContext.context as Partial<RouterContext>;
    // a warm-up plans the whole operation and stops before fetching anything
    if (!authorizer?.requirements.any || isPlanWarmUp(context)) return executor(requestContext);
    const access = accessOf(context.viewer ?? ANONYMOUS, context.tokenScopes);
    const operationName = requestContext.request.operationName ?? null;
    const key = `${accessKey(access)}\n${operationName ?? ''}\n${requestContext.queryHash}`;
    let decision = authorizer.decisions.get(key);
    if (decision === undefined) {
      decision =
        authorizeOperation({
          schema: requestContext.schema,
          requirements: authorizer.requirements,
          document: requestContext.document,
          operationName,
          access,
        }) ?? UNCHANGED;
      authorizer.decisions.set(key, decision);
    }
    if (decision === UNCHANGED) return executor(requestContext);
    const result = decision.empty
      ? {}
      : await executor({
          ...requestContext,
          document: decision.document,
          operation: decision.operation,
          source: decision.source,
          // the gateway keys its plan cache by this hash: the filtered text gets its own plan
          queryHash: decision.queryHash,
        });
    return completeResult(
      result,
      decision,
      requestContext.schema,
      requestContext.request.variables ?? {},
    );
  };

  return {
    onSchemaLoadOrUpdate: (callback) => gateway.onSchemaLoadOrUpdate(callback),
    stop: () => gateway.stop(),
    async load(options) {
      const loaded = await gateway.load(options);
      return {
        ...loaded,
        executor: (requestContext) => execute(loaded.executor, requestContext),
      };
    },
  };
}

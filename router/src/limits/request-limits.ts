import type { ApolloServerPlugin } from '@apollo/server';
import { HttpError } from '@ordergraph/shared/http';
import type { Viewer } from '@ordergraph/shared/identity';
import type { Logger } from '@ordergraph/shared/logging';
import { GraphQLError, type DocumentNode, type GraphQLSchema } from 'graphql';
import type { ServerResponse } from 'node:http';
import type { Redis } from 'ioredis';
import { Counter, type Registry } from 'prom-client';
import type { ClientsFile } from '../clients/clients-file.js';
import type { RouterContext } from '../context.js';
import type { GraphQLHttpRequest } from '../persisted/policy.js';
import { isPlanWarmUp } from '../persisted/warm-plans.js';
import {
  checkOperation,
  COST_ESTIMATED_TOO_EXPENSIVE,
  tooManyTokens,
  type LimitViolation,
} from './check-operation.js';
import { readCostDirectives } from './cost-directives.js';
import { rateLimitHeaders } from './rate-limit-headers.js';
import { createRateLimiter, type RateDecision } from './rate-limiter.js';
import { DEFAULT_LIMITS, limitsFor, type LimitDefaults } from './settings.js';
import { exceedsTokens } from './tokens.js';

export interface RequestLimitsOptions {
  /** router-wide limits; unset ones take DEFAULT_LIMITS */
  limits?: Partial<LimitDefaults> | undefined;
  /** the clients file's content, whose clients may carry their own `limits` */
  clients: ClientsFile;
  /** buckets in Redis (shared by replicas); unset: in memory */
  redis?: Redis | undefined;
  /** the supergraph served at start (its `@cost`/`@listSize`); later ones come from Apollo */
  supergraphSdl?: string | undefined;
  log: Logger;
}

/** Who a rate-limited request is from, for its bucket. */
export interface RateCaller {
  viewer: Viewer;
  /** the connection's address, for anonymous callers */
  address: string | undefined;
}

/**
 * The request limits (docs/limits.md): body size, tokens, depth, aliases, root fields
 * and the cost budget of each operation, and a token bucket per caller. Operation limits are
 * checked by an Apollo Server plugin once the operation is known (after the document cache, so
 * a client's own budget applies to a document cached for another), and by the subscription
 * service for operations that do not go through Apollo Server.
 */
export function createRequestLimits({
  limits,
  clients,
  redis,
  supergraphSdl,
  log,
}: RequestLimitsOptions) {
  const defaults: LimitDefaults = { ...DEFAULT_LIMITS, ...limits };
  const anonymous = limitsFor(defaults, undefined);
  const byClient = new Map(
    clients.clients.map((client) => [client.name, limitsFor(defaults, client.limits)]),
  );
  const limitsOf = (client: string | null | undefined) =>
    (client ? byClient.get(client) : undefined) ?? anonymous;
  let directives = readCostDirectives(supergraphSdl);
  const rateLimiter = createRateLimiter({ redis, log });
  const overBudget = new Counter({
    name: 'ordergraph_router_cost_over_budget_total',
    help: 'Operations whose estimated cost was over their budget, by cost mode (enforce: refused).',
    labelNames: ['mode'],
    registers: [],
  });

  const check = ({
    schema,
    document,
    operationName,
    variables,
    client,
  }: {
    schema: GraphQLSchema;
    document: DocumentNode;
    operationName: string | null | undefined;
    variables: Record<string, unknown> | null | undefined;
    client: string | null | undefined;
  }): LimitViolation | null => {
    const violation = checkOperation({
      schema,
      directives,
      document,
      operationName,
      variables,
      limits: limitsOf(client),
    });
    if (violation?.code !== COST_ESTIMATED_TOO_EXPENSIVE) return violation;
    overBudget.inc({ mode: defaults.costMode });
    if (defaults.costMode === 'enforce') return violation;
    // measure mode: budgets are tried on live traffic before they refuse anyone
    log.warn(
      { client: client ?? null, operationName: operationName ?? null, ...violation.extensions },
      'operation over its cost budget: measured, not refused',
    );
    return null;
  };

  /** one token from the caller's bucket: its client's, else its user's, else its address's */
  const take = async ({ viewer, address }: RateCaller): Promise<RateDecision> => {
    const { rateLimit } = limitsOf(viewer.client);
    if (!rateLimit) return { allowed: true, retryAfterSeconds: 0 };
    const key = viewer.client
      ? `client:${viewer.client}`
      : viewer.subject
        ? `user:${viewer.subject}`
        : `address:${address ?? 'unknown'}`;
    return rateLimiter.take(key, rateLimit);
  };

  const plugin: ApolloServerPlugin<RouterContext> = {
    async serverWillStart() {
      return {
        schemaDidLoadOrUpdate({ coreSupergraphSdl }) {
          if (coreSupergraphSdl) directives = readCostDirectives(coreSupergraphSdl);
        },
      };
    },
    async requestDidStart({ contextValue }) {
      // the start-up planning of the manifest's operations is ours, not a caller's
      if (isPlanWarmUp(contextValue)) return {};
      return {
        async didResolveOperation({ schema, document, request, contextValue }) {
          const violation = check({
            schema,
            document,
            operationName: request.operationName,
            variables: request.variables,
            client: contextValue.viewer.client,
          });
          if (violation) throw toGraphQLError(violation);
        },
      };
    },
  };

  return {
    plugin,
    /** adds the cost series to the router's registry (see createRouterMetrics) */
    registerMetrics(registry: Registry) {
      registry.registerMetric(overBudget);
    },
    /** Apollo Server's parse options: the parser stops at the token limit (an APQ text) */
    parseOptions: { maxTokens: defaults.maxTokens },
    maxBodyBytes: defaults.maxBodyBytes,

    /** the token limit of a document parsed outside Apollo Server (subscriptions) */
    checkSource: (query: string): LimitViolation | null =>
      exceedsTokens(query, defaults.maxTokens) ? tooManyTokens(defaults.maxTokens) : null,
    /** the operation limits of an operation run outside Apollo Server (subscriptions) */
    checkOperation: check,

    /**
     * Admits an HTTP request before Apollo Server parses it: a token from the caller's bucket
     * (else 429 RATE_LIMITED with Retry-After; RateLimit-* headers either way), then the token count of the document sent
     * (else 400 MAX_TOKENS_EXCEEDED).
     */
    async admit({
      response,
      request,
      ...caller
    }: RateCaller & { response: ServerResponse; request: GraphQLHttpRequest }): Promise<void> {
      const decision = await take(caller);
      for (const [name, value] of Object.entries(rateLimitHeaders(decision))) {
        response.setHeader(name, value);
      }
      if (!decision.allowed) {
        response.setHeader('retry-after', String(decision.retryAfterSeconds));
        throw new HttpError(429, 'RATE_LIMITED', rateLimitedMessage(decision));
      }
      const query = queryOf(request);
      if (query !== undefined && exceedsTokens(query, defaults.maxTokens)) {
        const { code, message } = tooManyTokens(defaults.maxTokens);
        throw new HttpError(400, code, message);
      }
    },

    /** rate limits a subscribe over WebSocket or SSE: the refusal, or null */
    async admitSubscription(caller: RateCaller): Promise<LimitViolation | null> {
      const decision = await take(caller);
      if (decision.allowed) return null;
      return {
        code: 'RATE_LIMITED',
        message: rateLimitedMessage(decision),
        status: 429,
        extensions: { retryAfterSeconds: decision.retryAfterSeconds },
        headers: {
          'retry-after': String(decision.retryAfterSeconds),
          ...rateLimitHeaders(decision),
        },
      };
    },

    close: () => rateLimiter.close(),
  };
}

export type RequestLimits = ReturnType<typeof createRequestLimits>;

/** a refusal as Apollo Server reports it: the code, the numbers and the HTTP status */
export const toGraphQLError = ({ code, message, status, extensions }: LimitViolation) =>
  new GraphQLError(message, { extensions: { ...extensions, code, http: { status } } });

/** a refusal on a streaming transport (WebSocket, SSE): the code and the numbers */
export const limitError = ({ code, message, extensions }: LimitViolation) =>
  new GraphQLError(message, { extensions: { ...extensions, code } });

/** the document of a POST body or of a GET query string, when there is one */
function queryOf({ body, search }: GraphQLHttpRequest): string | undefined {
  if (body !== undefined) {
    const query = (body as { query?: unknown } | null)?.query;
    return typeof query === 'string' ? query : undefined;
  }
  return new URLSearchParams(search).get('query') ?? undefined;
}

const rateLimitedMessage = ({ retryAfterSeconds }: RateDecision) =>
  `Too many requests: retry in ${retryAfterSeconds} s.`;

import type { ApolloServerPlugin } from '@apollo/server';
import { LATENCY_BUCKETS } from '@ordergraph/shared/metrics';
import { Counter, Histogram, type Registry } from 'prom-client';
import type { RouterContext } from '../context.js';
import { isPlanWarmUp } from '../persisted/warm-plans.js';
import { clientApplicationOf } from './client-awareness.js';
import { createLabelCap } from './label-cap.js';
import { createOtelRequestMetrics } from './otel-metrics.js';

export interface RequestMetrics {
  /** counts each GraphQL request by operation and client, with its errors and latency */
  plugin: ApolloServerPlugin<RouterContext>;
  /** records one fetch from a subgraph */
  observeFetch(options: { subgraph: string; seconds: number; failed: boolean }): void;
  /** adds these series to the router's registry (see createRouterMetrics) */
  register(registry: Registry): void;
}

/**
 * The router's request series, made before the registry so the gateway can record into them.
 * Operation and client names come from callers: each label keeps `labelCap` distinct values.
 */
export function createRequestMetrics({
  labelCap,
}: { labelCap?: number | undefined } = {}): RequestMetrics {
  const operationLabel = createLabelCap(labelCap);
  const clientLabel = createLabelCap(labelCap);
  const versionLabel = createLabelCap(labelCap);
  const requests = new Counter({
    name: 'ordergraph_router_requests_total',
    help: 'GraphQL requests answered, by operation name, client and client version (apollographql-client-*).',
    labelNames: ['operation', 'client', 'client_version'],
    registers: [],
  });
  const errors = new Counter({
    name: 'ordergraph_router_request_errors_total',
    help: 'GraphQL requests answered with errors, by operation name and client.',
    labelNames: ['operation', 'client'],
    registers: [],
  });
  const duration = new Histogram({
    name: 'ordergraph_router_request_duration_seconds',
    help: 'GraphQL request latency, by operation name and client.',
    labelNames: ['operation', 'client'],
    buckets: LATENCY_BUCKETS,
    registers: [],
  });
  const fetchDuration = new Histogram({
    name: 'ordergraph_router_subgraph_fetch_duration_seconds',
    help: 'Latency of fetches from subgraphs, by subgraph and outcome.',
    labelNames: ['subgraph', 'outcome'],
    buckets: LATENCY_BUCKETS,
    registers: [],
  });
  const otel = createOtelRequestMetrics();
  // error codes come from subgraphs too: bounded like the names
  const codeLabel = createLabelCap(labelCap);
  return {
    plugin: {
      async requestDidStart({ request, contextValue }) {
        // the start-up planning of the manifest's operations is no caller's request
        if (isPlanWarmUp(contextValue)) return {};
        const application = request.http ? clientApplicationOf(request.http.headers) : null;
        const client = clientLabel(application?.name ?? 'unknown');
        const clientVersion = versionLabel(application?.version ?? 'unknown');
        const stopTimer = duration.startTimer();
        return {
          async willSendResponse({
            operationName,
            operation: resolved,
            request: sent,
            errors: requestErrors,
          }) {
            // a document that fails validation has no resolved name: the one the caller sent
            const operation = operationLabel(operationName ?? sent.operationName ?? 'anonymous');
            const labels = { operation, client };
            requests.inc({ ...labels, client_version: clientVersion });
            if (requestErrors?.length) errors.inc(labels);
            const seconds = stopTimer(labels);
            otel.request(
              seconds,
              {
                'graphql.operation.name': operation,
                'graphql.operation.type': resolved?.operation ?? 'unknown',
                'apollo.client.name': client,
              },
              (requestErrors ?? []).map((error) =>
                codeLabel(String(error.extensions['code'] ?? 'INTERNAL_SERVER_ERROR')),
              ),
            );
          },
        };
      },
    },
    observeFetch({ subgraph, seconds, failed }) {
      const outcome = failed ? 'error' : 'ok';
      fetchDuration.observe({ subgraph, outcome }, seconds);
      otel.fetch(seconds, { 'ordergraph.subgraph': subgraph, outcome });
    },
    register(registry) {
      registry.registerMetric(requests);
      registry.registerMetric(errors);
      registry.registerMetric(duration);
      registry.registerMetric(fetchDuration);
    },
  };
}

import type { ApolloServer, HeaderMap, HTTPGraphQLResponse } from '@apollo/server';
import { HttpError } from '@ordergraph/shared/http';
import type { Viewer } from '@ordergraph/shared/identity';
import type { Logger } from '@ordergraph/shared/logging';
import type { Redis } from 'ioredis';
import type { Registry } from 'prom-client';
import { createApqCache } from '../apq/caches.js';
import { API_KEY_HEADER, createCallerResolver, type Caller } from '../clients/callers.js';
import type { ClientsFile } from '../clients/clients-file.js';
import { registerClientUsageMetrics, type ClientUsage } from '../clients/usage-metrics.js';
import type { RouterContext } from '../context.js';
import { apiSchemaOf } from './api-schema.js';
import { applyHttpCaching } from './http-cache.js';
import { MANIFEST_FILE, readManifest } from './manifest.js';
import { applyOperationPolicy, indexManifest, type PreparedRequest } from './policy.js';
import { stopWarmUpAfterPlanning, warmQueryPlans } from './warm-plans.js';

export interface OperationPipelineOptions {
  /** the clients file's content: API keys, roles and policies */
  clients: ClientsFile;
  /** the router's Redis connection: APQ registrations shared by replicas; unset: in memory */
  redis?: Redis | undefined;
  apqTtlSeconds?: number | undefined;
  getMaxAgeSeconds?: number | undefined;
  manifestFile?: string | undefined;
  /** distinct operation and client names each usage label keeps (see createLabelCap) */
  metricsLabelCap?: number | undefined;
  log: Logger;
}

/** A request that passed its caller's policy, ready for Apollo Server. */
export interface Admitted {
  caller: Caller;
  request: PreparedRequest;
  started: number;
}

/**
 * What happens to a GraphQL request around its execution: who the caller is (API key or
 * token), what its policy lets it run (manifest ids, safelist, APQ), the GET caching headers,
 * and per-client usage metrics.
 */
export function createOperationPipeline({
  clients,
  redis,
  apqTtlSeconds = 86_400,
  getMaxAgeSeconds = 15,
  manifestFile = MANIFEST_FILE,
  metricsLabelCap,
  log,
}: OperationPipelineOptions) {
  const callers = createCallerResolver(clients);
  const manifest = readManifest(manifestFile);
  const index = indexManifest(manifest);
  const apqCache = createApqCache({ redis, log });
  let usage: ClientUsage | null = null;

  return {
    /** Apollo Server's APQ store: memory, or Redis shared by the replicas */
    persistedQueries: { cache: apqCache, ttl: apqTtlSeconds },
    /** the gateway hook that ends warm-up requests once planned */
    onQueryPlan: stopWarmUpAfterPlanning,

    async warm(apollo: ApolloServer<RouterContext>, supergraphSdl: string) {
      const planned = await warmQueryPlans({
        apollo,
        manifest,
        schema: apiSchemaOf(supergraphSdl),
        log,
      });
      log.info({ planned }, 'query plans of the persisted operations warmed');
    },

    registerMetrics(registry: Registry) {
      usage = registerClientUsageMetrics(registry, { labelCap: metricsLabelCap });
    },

    /** identifies the caller and applies its policy; refusals throw (and are counted) */
    admit({
      method,
      headers,
      viewer,
      body,
      search,
    }: {
      method: string;
      headers: HeaderMap;
      viewer: Viewer;
      body: unknown;
      search: string;
    }): Admitted {
      const started = performance.now();
      const caller = callers.identify(headers.get(API_KEY_HEADER), viewer);
      try {
        return {
          caller,
          request: applyOperationPolicy({ method, body, search }, caller.policy, index),
          started,
        };
      } catch (error) {
        if (error instanceof HttpError) {
          usage?.record({
            client: caller.client,
            operation: null,
            ok: false,
            seconds: seconds(started),
          });
        }
        throw error;
      }
    },

    /** the response with its caching headers; counts the request for its client */
    respond(
      { caller, request, started }: Admitted,
      headers: HeaderMap,
      response: HTTPGraphQLResponse,
    ): HTTPGraphQLResponse {
      const result = applyHttpCaching({
        method: request.method,
        ifNoneMatch: headers.get('if-none-match'),
        identified:
          caller.client !== null ||
          caller.viewer.subject !== null ||
          caller.viewer.roles.length > 0,
        maxAgeSeconds: getMaxAgeSeconds,
        response,
      });
      const status = response.status ?? 200;
      const failed =
        status >= 400 ||
        (response.body.kind === 'complete' && response.body.string.includes('"errors":['));
      usage?.record({
        client: caller.client,
        operation: request.operationName,
        ok: !failed,
        seconds: seconds(started),
      });
      return result;
    },

    close: () => apqCache.close(),
  };
}

export type OperationPipeline = ReturnType<typeof createOperationPipeline>;

const seconds = (started: number) => (performance.now() - started) / 1000;

import {
  DEVELOPMENT_SIGNING_SECRET,
  parseEnv,
  resolveSigningSecret,
} from '@ordergraph/shared/config';
import { PROJECT_ROOT } from '@ordergraph/shared/paths';
import { telemetryEnvShape, telemetryRequested } from '@ordergraph/shared/telemetry';
import { join } from 'node:path';
import { z } from 'zod';
import { DEFAULT_JWKS_ALGORITHMS, type JwksOptions } from './auth.js';
import { parseCorsOrigins } from './http/cors.js';
import { parseTrustedProxies, type ClientAddressHeader } from './http/client-address.js';
import { DEFAULT_LIMITS, type LimitDefaults } from './limits/settings.js';

/** The fixed development JWT secret, used outside production when AUTH_JWT_SECRET is unset. */
export const DEVELOPMENT_JWT_SECRET = 'ordergraph-development-jwt-secret';

export const SUBGRAPH_NAMES = ['customers', 'catalog', 'orders', 'inventory', 'shipments'] as const;
export type SubgraphName = (typeof SUBGRAPH_NAMES)[number];

export const DEFAULT_SUBGRAPH_PORTS: Record<SubgraphName, number> = {
  customers: 4001,
  catalog: 4002,
  orders: 4003,
  inventory: 4004,
  shipments: 4005,
};

export interface RouterConfig {
  production: boolean;
  host: string;
  port: number;
  logLevel: string;
  supergraphPath: string;
  subgraphUrls: Record<SubgraphName, string>;
  jwtSecret: string;
  /** true when the development JWT secret is in use (the router warns) */
  usingDevelopmentJwtSecret: boolean;
  jwtIssuer: string | undefined;
  jwtAudience: string | undefined;
  /** verify user tokens with a JWKS URL (AUTH_JWKS_URL) instead of AUTH_JWT_SECRET's HS256 */
  jwks: JwksOptions | undefined;
  signingSecret: string;
  /** how long a graceful shutdown may take (SHUTDOWN_TIMEOUT_MS) */
  shutdownTimeoutMs: number;
  /** whether the OTEL_* variables ask for traces and metrics to be exported */
  telemetry: boolean;
  /** reload the supergraph when its file changes (SUPERGRAPH_WATCH; on in development) */
  watchSupergraph: boolean;
  /** the clients file (names, roles, policies, hashed API keys); unset: no API keys accepted */
  clientsPath: string | undefined;
  /** shares automatic persisted queries between router replicas; unset: in-memory LRU */
  redisUrl: string | undefined;
  /** how long an automatic persisted query stays registered */
  apqTtlSeconds: number;
  /** `max-age` of cacheable GET query responses */
  getMaxAgeSeconds: number;
  /** how long one subgraph fetch may take before it fails with SUBGRAPH_TIMEOUT */
  subgraphTimeoutMs: number;
  /** share identical query fetches to a subgraph while one is in flight (ROUTER_DEDUP_INFLIGHT) */
  dedupInFlight: boolean;
  /** router processes sharing the port (ROUTER_WORKERS, node:cluster); 1: this process serves */
  workers: number;
  /** peers whose forwarded header names the client (ROUTER_TRUSTED_PROXIES); none by default */
  trustedProxies: string[];
  /** the header those proxies write the client address in (ROUTER_CLIENT_ADDRESS_HEADER) */
  clientAddressHeader: ClientAddressHeader;
  /** distinct operation or client names a metric label takes before folding into `__other__` */
  metricsLabelCap: number;
  /** origins whose pages may call the router (ROUTER_CORS_ORIGINS); unset: the defaults of cors.ts */
  corsOrigins: string[] | undefined;
  /** request limits and the default rate limit (docs/limits.md) */
  limits: LimitDefaults;
  /** Apollo's anonymous usage telemetry from the gateway (ROUTER_APOLLO_USAGE_TELEMETRY; off) */
  apolloUsageTelemetry: boolean;
}

const url = z.url().optional();

/** Reads the router's settings once; fails naming the bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Readonly<RouterConfig> {
  const parsed = parseEnv(
    {
      NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
      HOST: z.string().default('0.0.0.0'),
      PORT: z.coerce.number().int().min(0).max(65535).default(4000),
      LOG_LEVEL: z
        .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
        .default('info'),
      SUPERGRAPH_PATH: z.string().default(join(PROJECT_ROOT, 'schema/supergraph.graphql')),
      CUSTOMERS_URL: url,
      CATALOG_URL: url,
      ORDERS_URL: url,
      INVENTORY_URL: url,
      SHIPMENTS_URL: url,
      AUTH_JWT_SECRET: z.string().min(16).optional(),
      AUTH_JWT_ISSUER: z.string().optional(),
      AUTH_JWT_AUDIENCE: z.string().optional(),
      AUTH_JWKS_URL: url,
      AUTH_JWKS_ALGORITHMS: z
        .string()
        .default(DEFAULT_JWKS_ALGORITHMS.join(','))
        .transform((value) => value.split(',').map((algorithm) => algorithm.trim()))
        .pipe(
          z.array(z.enum(['RS256', 'RS384', 'RS512', 'PS256', 'ES256', 'ES384', 'EdDSA'])).min(1),
        ),
      AUTH_JWKS_COOLDOWN_SECONDS: z.coerce.number().min(0).default(30),
      AUTH_JWKS_CACHE_SECONDS: z.coerce.number().min(1).default(600),
      ROUTER_SIGNING_SECRET: z.string().min(16).optional(),
      SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(0).default(10_000),
      // OpenTelemetry, configured by the standard variables
      ...telemetryEnvShape,
      SUPERGRAPH_WATCH: z.enum(['true', 'false']).optional(),
      ROUTER_CLIENTS_PATH: z.string().min(1).optional(),
      REDIS_URL: url,
      ROUTER_APQ_TTL_SECONDS: z.coerce.number().int().min(1).default(86_400),
      ROUTER_GET_MAX_AGE_SECONDS: z.coerce.number().int().min(0).default(15),
      ROUTER_SUBGRAPH_TIMEOUT_MS: z.coerce.number().int().min(1).max(600_000).default(30_000),
      ROUTER_DEDUP_INFLIGHT: z.enum(['true', 'false']).default('false'),
      ROUTER_WORKERS: z.coerce.number().int().min(1).max(64).default(1),
      ROUTER_APOLLO_USAGE_TELEMETRY: z.enum(['true', 'false']).default('false'),
      ROUTER_CORS_ORIGINS: z
        .string()
        .optional()
        .transform((value, ctx) => {
          try {
            return parseCorsOrigins(value);
          } catch (error) {
            ctx.addIssue({ code: 'custom', message: (error as Error).message });
            return z.NEVER;
          }
        }),
      ROUTER_TRUSTED_PROXIES: z
        .string()
        .optional()
        .transform((value, ctx) => {
          try {
            return parseTrustedProxies(value);
          } catch (error) {
            ctx.addIssue({ code: 'custom', message: (error as Error).message });
            return z.NEVER;
          }
        }),
      ROUTER_CLIENT_ADDRESS_HEADER: z
        .enum(['x-forwarded-for', 'forwarded'])
        .default('x-forwarded-for'),
      ROUTER_METRICS_LABEL_CAP: z.coerce.number().int().min(1).default(200),
      ROUTER_MAX_DEPTH: z.coerce.number().int().min(1).default(DEFAULT_LIMITS.maxDepth),
      ROUTER_MAX_ALIASES: z.coerce.number().int().min(0).default(DEFAULT_LIMITS.maxAliases),
      ROUTER_MAX_ROOT_FIELDS: z.coerce.number().int().min(1).default(DEFAULT_LIMITS.maxRootFields),
      ROUTER_MAX_TOKENS: z.coerce.number().int().min(1).default(DEFAULT_LIMITS.maxTokens),
      ROUTER_MAX_BODY_BYTES: z.coerce.number().int().min(1).default(DEFAULT_LIMITS.maxBodyBytes),
      ROUTER_MAX_COST: z.coerce.number().int().min(1).default(DEFAULT_LIMITS.maxCost),
      ROUTER_COST_MODE: z.enum(['enforce', 'measure']).default(DEFAULT_LIMITS.costMode),
      ROUTER_DEFAULT_LIST_SIZE: z.coerce
        .number()
        .int()
        .min(0)
        .default(DEFAULT_LIMITS.defaultListSize),
      // 0: no rate limit for callers without one of their own
      ROUTER_RATE_LIMIT_CAPACITY: z.coerce
        .number()
        .int()
        .min(0)
        .default(DEFAULT_LIMITS.rateLimit?.capacity ?? 0),
      ROUTER_RATE_LIMIT_REFILL_PER_SECOND: z.coerce
        .number()
        .positive()
        .default(DEFAULT_LIMITS.rateLimit?.refillPerSecond ?? 1),
    },
    env,
  );
  const production = parsed.NODE_ENV === 'production';
  // with a JWKS URL, user tokens are verified with its keys: the secret is not needed
  if (production && !parsed.AUTH_JWT_SECRET && !parsed.AUTH_JWKS_URL) {
    throw new Error(
      'Invalid configuration:\n  AUTH_JWT_SECRET: required in production (or AUTH_JWKS_URL)',
    );
  }
  const override: Record<SubgraphName, string | undefined> = {
    customers: parsed.CUSTOMERS_URL,
    catalog: parsed.CATALOG_URL,
    orders: parsed.ORDERS_URL,
    inventory: parsed.INVENTORY_URL,
    shipments: parsed.SHIPMENTS_URL,
  };
  return Object.freeze({
    production,
    host: parsed.HOST,
    port: parsed.PORT,
    logLevel: parsed.LOG_LEVEL,
    supergraphPath: parsed.SUPERGRAPH_PATH,
    subgraphUrls: Object.fromEntries(
      SUBGRAPH_NAMES.map((name) => [
        name,
        override[name] ?? `http://127.0.0.1:${DEFAULT_SUBGRAPH_PORTS[name]}/graphql`,
      ]),
    ) as Record<SubgraphName, string>,
    jwtSecret: parsed.AUTH_JWT_SECRET ?? DEVELOPMENT_JWT_SECRET,
    usingDevelopmentJwtSecret: !parsed.AUTH_JWT_SECRET,
    jwtIssuer: parsed.AUTH_JWT_ISSUER,
    jwtAudience: parsed.AUTH_JWT_AUDIENCE,
    jwks: parsed.AUTH_JWKS_URL
      ? {
          url: parsed.AUTH_JWKS_URL,
          algorithms: parsed.AUTH_JWKS_ALGORITHMS,
          cooldownMs: parsed.AUTH_JWKS_COOLDOWN_SECONDS * 1000,
          maxAgeMs: parsed.AUTH_JWKS_CACHE_SECONDS * 1000,
        }
      : undefined,
    signingSecret: resolveSigningSecret({
      nodeEnv: parsed.NODE_ENV,
      secret: parsed.ROUTER_SIGNING_SECRET,
    }),
    shutdownTimeoutMs: parsed.SHUTDOWN_TIMEOUT_MS,
    telemetry: telemetryRequested(parsed),
    watchSupergraph:
      (parsed.SUPERGRAPH_WATCH ?? String(parsed.NODE_ENV === 'development')) === 'true',
    clientsPath: parsed.ROUTER_CLIENTS_PATH,
    redisUrl: parsed.REDIS_URL,
    apqTtlSeconds: parsed.ROUTER_APQ_TTL_SECONDS,
    getMaxAgeSeconds: parsed.ROUTER_GET_MAX_AGE_SECONDS,
    subgraphTimeoutMs: parsed.ROUTER_SUBGRAPH_TIMEOUT_MS,
    dedupInFlight: parsed.ROUTER_DEDUP_INFLIGHT === 'true',
    workers: parsed.ROUTER_WORKERS,
    apolloUsageTelemetry: parsed.ROUTER_APOLLO_USAGE_TELEMETRY === 'true',
    corsOrigins: parsed.ROUTER_CORS_ORIGINS,
    trustedProxies: parsed.ROUTER_TRUSTED_PROXIES,
    clientAddressHeader: parsed.ROUTER_CLIENT_ADDRESS_HEADER,
    metricsLabelCap: parsed.ROUTER_METRICS_LABEL_CAP,
    limits: {
      maxDepth: parsed.ROUTER_MAX_DEPTH,
      maxAliases: parsed.ROUTER_MAX_ALIASES,
      maxRootFields: parsed.ROUTER_MAX_ROOT_FIELDS,
      maxTokens: parsed.ROUTER_MAX_TOKENS,
      maxBodyBytes: parsed.ROUTER_MAX_BODY_BYTES,
      maxCost: parsed.ROUTER_MAX_COST,
      costMode: parsed.ROUTER_COST_MODE,
      defaultListSize: parsed.ROUTER_DEFAULT_LIST_SIZE,
      rateLimit:
        parsed.ROUTER_RATE_LIMIT_CAPACITY > 0
          ? {
              capacity: parsed.ROUTER_RATE_LIMIT_CAPACITY,
              refillPerSecond: parsed.ROUTER_RATE_LIMIT_REFILL_PER_SECOND,
            }
          : null,
    },
  });
}

export { DEVELOPMENT_SIGNING_SECRET };

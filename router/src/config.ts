import {
  DEVELOPMENT_SIGNING_SECRET,
  PROJECT_ROOT,
  parseEnv,
  resolveSigningSecret,
} from '@ordergraph/shared';
import { join } from 'node:path';
import { z } from 'zod';

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
  signingSecret: string;
  /** how long a graceful shutdown may take (SHUTDOWN_TIMEOUT_MS) */
  shutdownTimeoutMs: number;
  /** where traces go over OTLP/HTTP; tracing is off without it */
  otlpEndpoint: string | undefined;
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
      ROUTER_SIGNING_SECRET: z.string().min(16).optional(),
      SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(0).default(10_000),
      OTEL_EXPORTER_OTLP_ENDPOINT: url,
      SUPERGRAPH_WATCH: z.enum(['true', 'false']).optional(),
      ROUTER_CLIENTS_PATH: z.string().min(1).optional(),
      REDIS_URL: url,
      ROUTER_APQ_TTL_SECONDS: z.coerce.number().int().min(1).default(86_400),
      ROUTER_GET_MAX_AGE_SECONDS: z.coerce.number().int().min(0).default(15),
    },
    env,
  );
  const production = parsed.NODE_ENV === 'production';
  if (production && !parsed.AUTH_JWT_SECRET) {
    throw new Error('Invalid configuration:\n  AUTH_JWT_SECRET: required in production');
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
    signingSecret: resolveSigningSecret({
      nodeEnv: parsed.NODE_ENV,
      secret: parsed.ROUTER_SIGNING_SECRET,
    }),
    shutdownTimeoutMs: parsed.SHUTDOWN_TIMEOUT_MS,
    otlpEndpoint: parsed.OTEL_EXPORTER_OTLP_ENDPOINT,
    watchSupergraph:
      (parsed.SUPERGRAPH_WATCH ?? String(parsed.NODE_ENV === 'development')) === 'true',
    clientsPath: parsed.ROUTER_CLIENTS_PATH,
    redisUrl: parsed.REDIS_URL,
    apqTtlSeconds: parsed.ROUTER_APQ_TTL_SECONDS,
    getMaxAgeSeconds: parsed.ROUTER_GET_MAX_AGE_SECONDS,
  });
}

export { DEVELOPMENT_SIGNING_SECRET };

import { z } from 'zod';
import { parseEnv, resolveSigningSecret, subgraphDatabaseUrl, subgraphEnvShape } from './config.js';
import { telemetryRequested } from './observability/telemetry.js';

export interface SubgraphConfig {
  name: string;
  production: boolean;
  host: string;
  port: number;
  logLevel: string;
  databaseUrl: string | undefined;
  /** prepared statements on PostgreSQL (DATABASE_PREPARED_STATEMENTS, default true) */
  preparedStatements: boolean;
  /** the most connections the process opens to PostgreSQL (DATABASE_POOL_MAX, default 10) */
  databasePoolMax: number;
  dataDir: string;
  signingSecret: string;
  seedDemoData: boolean | undefined;
  /** how long a graceful shutdown may take (SHUTDOWN_TIMEOUT_MS) */
  shutdownTimeoutMs: number;
  /** whether the OTEL_* variables ask for traces and metrics to be exported */
  telemetry: boolean;
  /** how long a lease of background work lasts without renewal (LEASE_TTL_MS) */
  leaseTtlMs: number;
}

/**
 * Reads a subgraph's settings: PORT (default per subgraph), `<NAME>_DATABASE_URL` or
 * DATABASE_URL, DATA_DIR, ROUTER_SIGNING_SECRET, LOG_LEVEL, SEED_DEMO_DATA, LEASE_TTL_MS, plus
 * `extra`.
 */
export function readSubgraphConfig<E extends z.ZodRawShape = Record<never, never>>({
  name,
  defaultPort,
  extra,
  env = process.env,
}: {
  name: string;
  defaultPort: number;
  extra?: E;
  env?: NodeJS.ProcessEnv;
}): Readonly<SubgraphConfig & z.infer<z.ZodObject<E>>> {
  const overrideName = `${name.toUpperCase()}_DATABASE_URL`;
  const parsed = parseEnv(
    {
      ...subgraphEnvShape,
      PORT: z.coerce.number().int().min(0).max(65535).default(defaultPort),
      [overrideName]: z.url().optional(),
      ...(extra ?? {}),
    },
    env,
  ) as Record<string, unknown> & z.infer<z.ZodObject<typeof subgraphEnvShape>>;
  const extraValues = Object.fromEntries(
    Object.keys(extra ?? {}).map((key) => [key, parsed[key]]),
  ) as z.infer<z.ZodObject<E>>;
  return Object.freeze({
    name,
    production: parsed.NODE_ENV === 'production',
    host: parsed.HOST,
    port: parsed['PORT'] as number,
    logLevel: parsed.LOG_LEVEL,
    databaseUrl: subgraphDatabaseUrl({
      name,
      baseUrl: parsed.DATABASE_URL,
      override: parsed[overrideName] as string | undefined,
    }),
    preparedStatements: parsed.DATABASE_PREPARED_STATEMENTS,
    databasePoolMax: parsed.DATABASE_POOL_MAX,
    dataDir: parsed.DATA_DIR,
    signingSecret: resolveSigningSecret({
      nodeEnv: parsed.NODE_ENV,
      secret: parsed.ROUTER_SIGNING_SECRET,
    }),
    seedDemoData: parsed.SEED_DEMO_DATA,
    shutdownTimeoutMs: parsed.SHUTDOWN_TIMEOUT_MS,
    telemetry: telemetryRequested(parsed),
    leaseTtlMs: parsed.LEASE_TTL_MS,
    ...extraValues,
  });
}

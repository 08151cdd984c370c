import { z } from 'zod';
import { telemetryEnvShape } from './observability/telemetry.js';

/** The development signing secret; refused in production (see parseEnv callers). */
export const DEVELOPMENT_SIGNING_SECRET = 'ordergraph-development-signing-secret';

const nodeEnv = z.enum(['development', 'production', 'test']).default('development');

/** Settings every subgraph reads; each subgraph's config.ts extends this shape. */
export const subgraphEnvShape = {
  NODE_ENV: nodeEnv,
  HOST: z.string().default('0.0.0.0'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DATABASE_URL: z.url().optional(),
  DATA_DIR: z.string().default('.data'),
  ROUTER_SIGNING_SECRET: z.string().min(16).optional(),
  SEED_DEMO_DATA: z
    .enum(['true', 'false'])
    .optional()
    .transform((value) => (value === undefined ? undefined : value === 'true')),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(0).default(10_000),
  DATABASE_PREPARED_STATEMENTS: z
    .enum(['true', 'false'])
    .default('true')
    .transform((value) => value === 'true'),
  // connections each process may open to PostgreSQL: size max_connections for replicas × this
  DATABASE_POOL_MAX: z.coerce.number().int().min(2).max(200).default(10),
  // OpenTelemetry, configured by the standard variables (see observability/telemetry.ts)
  ...telemetryEnvShape,
  // how soon another replica takes background work over from one that died (see lease.ts)
  LEASE_TTL_MS: z.coerce.number().int().min(100).max(600_000).default(3_000),
};

/**
 * Parses the environment with a zod schema, once, and freezes the result.
 * Fails fast with a message naming every bad variable.
 */
export function parseEnv<T extends z.ZodRawShape>(
  shape: T,
  env: NodeJS.ProcessEnv = process.env,
): Readonly<z.infer<z.ZodObject<T>>> {
  const result = z.object(shape).safeParse(env);
  if (!result.success) {
    const problems = result.error.issues
      .map((issue) => `  ${issue.path.join('.')}: ${issue.message}`)
      .join('\n');
    throw new Error(`Invalid configuration:\n${problems}`);
  }
  return Object.freeze(result.data);
}

/** The signing secret: required in production, a fixed development value elsewhere. */
export function resolveSigningSecret({
  nodeEnv,
  secret,
}: {
  nodeEnv: string;
  secret: string | undefined;
}): string {
  if (secret) return secret;
  if (nodeEnv === 'production') {
    throw new Error('Invalid configuration:\n  ROUTER_SIGNING_SECRET: required in production');
  }
  return DEVELOPMENT_SIGNING_SECRET;
}

/** The database URL of one subgraph: `<NAME>_DATABASE_URL`, else `DATABASE_URL` with the path set to `ordergraph_<name>`. */
export function subgraphDatabaseUrl({
  name,
  baseUrl,
  override,
}: {
  name: string;
  baseUrl: string | undefined;
  override: string | undefined;
}): string | undefined {
  if (override) return override;
  if (!baseUrl) return undefined;
  const url = new URL(baseUrl);
  url.pathname = `/ordergraph_${name}`;
  return url.toString();
}

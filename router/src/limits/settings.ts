import { z } from 'zod';

/** A token bucket: `capacity` requests at once, refilled by `refillPerSecond`. */
export interface RateLimit {
  capacity: number;
  refillPerSecond: number;
}

/** The router-wide limits (docs/limits.md); each client may override some. */
export interface LimitDefaults {
  maxDepth: number;
  maxAliases: number;
  maxRootFields: number;
  maxTokens: number;
  maxBodyBytes: number;
  maxCost: number;
  /** the size assumed for a list that has neither a slicing argument nor `@listSize` */
  defaultListSize: number;
  /** per caller; null: no rate limit */
  rateLimit: RateLimit | null;
  /** `enforce` refuses an operation over its cost budget; `measure` only logs and counts it */
  costMode: CostMode;
}

export type CostMode = 'enforce' | 'measure';

/** The limits that apply to one request's operation. */
export type OperationLimits = Pick<
  LimitDefaults,
  'maxDepth' | 'maxAliases' | 'maxRootFields' | 'maxCost' | 'defaultListSize'
>;

export const DEFAULT_LIMITS: LimitDefaults = {
  maxDepth: 20,
  maxAliases: 30,
  maxRootFields: 20,
  maxTokens: 10_000,
  maxBodyBytes: 1_000_000,
  maxCost: 50_000,
  defaultListSize: 10,
  rateLimit: { capacity: 2_000, refillPerSecond: 200 },
  costMode: 'enforce',
};

const positive = z.number().int().min(1);

/**
 * A client's `limits` in the clients file: its own budget and rate limit (`rateLimit: false`
 * exempts it), in place of the router-wide defaults.
 */
export const clientLimitsSchema = z.strictObject({
  maxDepth: positive.optional(),
  maxAliases: z.number().int().min(0).optional(),
  maxRootFields: positive.optional(),
  maxCost: positive.optional(),
  rateLimit: z
    .union([
      z.strictObject({ capacity: positive, refillPerSecond: z.number().positive() }),
      z.literal(false),
    ])
    .optional(),
});

export type ClientLimits = z.infer<typeof clientLimitsSchema>;

/** the limits of a client: its overrides over the defaults */
export function limitsFor(
  defaults: LimitDefaults,
  client: ClientLimits | undefined,
): OperationLimits & { rateLimit: RateLimit | null } {
  const { rateLimit, ...overrides } = client ?? {};
  return {
    maxDepth: defaults.maxDepth,
    maxAliases: defaults.maxAliases,
    maxRootFields: defaults.maxRootFields,
    maxCost: defaults.maxCost,
    defaultListSize: defaults.defaultListSize,
    ...overrides,
    rateLimit: rateLimit === false ? null : (rateLimit ?? defaults.rateLimit),
  };
}

import type { Logger } from '@ordergraph/shared/logging';
import type { Redis } from 'ioredis';
import { LRUCache } from 'lru-cache';
import type { RateLimit } from './settings.js';

/** What a bucket answered: whether the request may go on, and when to retry if not. */
export interface RateDecision {
  allowed: boolean;
  /** whole seconds until a token is back (0 when allowed) */
  retryAfterSeconds: number;
  /** the bucket after this request (RateLimit-* headers); unknown when Redis failed */
  bucket?: BucketState;
}

/** A bucket as its caller is told of it, in whole requests and seconds. */
export interface BucketState {
  limit: number;
  remaining: number;
  /** seconds until the bucket is full again */
  resetSeconds: number;
  /** seconds to refill an empty bucket whole */
  windowSeconds: number;
}

export interface RateLimiter {
  /** takes one token from `key`'s bucket */
  take(key: string, limit: RateLimit): Promise<RateDecision>;
  close(): Promise<void>;
}

/**
 * Token buckets in this process. JavaScript runs one `take` at a time, so N requests at once
 * against a bucket of K let exactly K through. Keys unused for long are forgotten (a forgotten
 * bucket is a full one), which bounds memory whatever the number of callers.
 */
export function createMemoryRateLimiter({
  maxKeys = 100_000,
  // seconds on a monotonic clock; tests pass their own
  now: clock = () => performance.now() / 1000,
}: { maxKeys?: number; now?: () => number } = {}): RateLimiter {
  const buckets = new LRUCache<string, { tokens: number; at: number }>({ max: maxKeys });
  return {
    async take(key, { capacity, refillPerSecond }) {
      const now = clock();
      const bucket = buckets.get(key) ?? { tokens: capacity, at: now };
      const tokens = Math.min(capacity, bucket.tokens + (now - bucket.at) * refillPerSecond);
      const allowed = tokens >= 1;
      const left = allowed ? tokens - 1 : tokens;
      buckets.set(key, { tokens: left, at: now });
      return {
        allowed,
        retryAfterSeconds: allowed ? 0 : retryAfter(tokens, refillPerSecond),
        bucket: bucketState(left, { capacity, refillPerSecond }),
      };
    },
    async close() {
      buckets.clear();
    },
  };
}

// refill and take in one script: Redis runs it alone, so replicas never both spend the last
// token; the time is Redis's own, so replicas' clocks do not matter
const TAKE_SCRIPT = `
local capacity = tonumber(ARGV[1])
local refill = tonumber(ARGV[2])
local time = redis.call('TIME')
local now = tonumber(time[1]) + tonumber(time[2]) / 1000000
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1]) or capacity
local at = tonumber(state[2]) or now
tokens = math.min(capacity, tokens + math.max(0, now - at) * refill)
local allowed = 0
if tokens >= 1 then
  tokens = tokens - 1
  allowed = 1
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil(capacity / refill * 1000) + 1000)
return { allowed, tostring(tokens) }
`;

const KEY_PREFIX = 'ordergraph:ratelimit:';

/**
 * Token buckets in Redis, shared by every router replica. Redis being down lets requests
 * through (with a warning): an outage of the limiter must not become an outage of the API.
 */
export function createRedisRateLimiter({ redis, log }: { redis: Redis; log: Logger }): RateLimiter {
  redis.defineCommand('ordergraphTakeToken', { numberOfKeys: 1, lua: TAKE_SCRIPT });
  const take = (redis as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>)[
    'ordergraphTakeToken'
  ]!.bind(redis);
  return {
    async take(key, { capacity, refillPerSecond }) {
      try {
        const [allowed, tokens] = (await take(KEY_PREFIX + key, capacity, refillPerSecond)) as [
          number,
          string,
        ];
        const left = Number(tokens);
        const bucket = bucketState(left, { capacity, refillPerSecond });
        return allowed === 1
          ? { allowed: true, retryAfterSeconds: 0, bucket }
          : { allowed: false, retryAfterSeconds: retryAfter(left, refillPerSecond), bucket };
      } catch (error) {
        log.warn({ err: error }, 'rate limits: Redis command failed; request let through');
        return { allowed: true, retryAfterSeconds: 0 };
      }
    },
    // the connection is the router's, closed by it
    async close() {},
  };
}

/** Redis when the router has a connection, else memory. */
export function createRateLimiter({ redis, log }: { redis?: Redis | undefined; log: Logger }) {
  return redis ? createRedisRateLimiter({ redis, log }) : createMemoryRateLimiter();
}

const retryAfter = (tokens: number, refillPerSecond: number) =>
  Math.max(1, Math.ceil((1 - tokens) / refillPerSecond));

const bucketState = (tokens: number, { capacity, refillPerSecond }: RateLimit): BucketState => ({
  limit: capacity,
  remaining: Math.floor(tokens),
  resetSeconds: Math.ceil((capacity - tokens) / refillPerSecond),
  windowSeconds: Math.ceil(capacity / refillPerSecond),
});

import type { RateDecision } from './rate-limiter.js';

/**
 * The caller's bucket as the IETF RateLimit header fields describe it
 * (draft-ietf-httpapi-ratelimit-headers, in the widely deployed `RateLimit-*` form): what it
 * holds, what is left after this request, the seconds until it is full again, and the policy
 * (`capacity;w=seconds to refill it whole`). None when the bucket is unknown (Redis down).
 */
export function rateLimitHeaders({ bucket }: RateDecision): Record<string, string> {
  if (!bucket) return {};
  return {
    'ratelimit-limit': String(bucket.limit),
    'ratelimit-remaining': String(bucket.remaining),
    'ratelimit-reset': String(bucket.resetSeconds),
    'ratelimit-policy': `${bucket.limit};w=${bucket.windowSeconds}`,
  };
}

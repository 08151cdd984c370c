import type { Logger } from '@ordergraph/shared/logging';
import { Redis } from 'ioredis';

/**
 * The router's one Redis connection (REDIS_URL), shared by the APQ cache and the rate limiter.
 * Commands fail fast while Redis is away (one retry), and each user decides what a failure
 * means; the outage itself is logged once, and again after each recovery.
 */
export function openRedis(url: string, log: Logger): Redis {
  const redis = new Redis(url, { maxRetriesPerRequest: 1, enableOfflineQueue: true });
  let warned = false;
  redis.on('error', (error: Error) => {
    if (!warned)
      log.warn(
        { err: error },
        'Redis unavailable: APQ lookups miss, rate limits let requests through',
      );
    warned = true;
  });
  redis.on('ready', () => (warned = false));
  return redis;
}

/** Closes the connection, at once when Redis does not answer. */
export async function closeRedis(redis: Redis): Promise<void> {
  await redis.quit().catch(() => redis.disconnect());
}

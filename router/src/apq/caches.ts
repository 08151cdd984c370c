import type { Logger } from '@ordergraph/shared/logging';
import type { Redis } from 'ioredis';
import { LRUCache } from 'lru-cache';

/**
 * The store of automatic persisted queries, in the shape Apollo Server's `persistedQueries.cache`
 * takes (its KeyValueCache: `ttl` in seconds), plus `close`.
 */
export interface ApqCache {
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string, options?: { ttl?: number | null }): Promise<void>;
  delete(key: string): Promise<boolean | void>;
  close(): Promise<void>;
}

/** Bounded by the size of the documents it holds, so registering junk cannot grow it. */
export function createMemoryApqCache(maxBytes = 32 * 1024 * 1024): ApqCache {
  const cache = new LRUCache<string, string>({
    maxSize: maxBytes,
    sizeCalculation: (value, key) => value.length + key.length,
  });
  return {
    get: async (key) => cache.get(key),
    async set(key, value, options) {
      cache.set(key, value, options?.ttl ? { ttl: options.ttl * 1000 } : {});
    },
    delete: async (key) => cache.delete(key),
    async close() {
      cache.clear();
    },
  };
}

const KEY_PREFIX = 'ordergraph:';

/**
 * Redis, so every router replica knows what a client registered on any of them. Redis being
 * down makes lookups misses (the client then sends the full query), never failed requests.
 */
export function createRedisApqCache(redis: Redis, log: Logger): ApqCache {
  const failSoft = async <T>(action: () => Promise<T>, fallback: T): Promise<T> => {
    try {
      return await action();
    } catch (error) {
      log.warn({ err: error }, 'APQ cache: Redis command failed');
      return fallback;
    }
  };
  return {
    get: (key) => failSoft(async () => (await redis.get(KEY_PREFIX + key)) ?? undefined, undefined),
    set: (key, value, options) =>
      failSoft(async () => {
        if (options?.ttl) await redis.set(KEY_PREFIX + key, value, 'EX', options.ttl);
        else await redis.set(KEY_PREFIX + key, value);
      }, undefined),
    delete: (key) => failSoft(async () => (await redis.del(KEY_PREFIX + key)) > 0, false),
    // the connection is the router's, closed by it
    async close() {},
  };
}

/** Redis when the router has a connection, else memory. */
export function createApqCache({ redis, log }: { redis?: Redis | undefined; log: Logger }) {
  return redis ? createRedisApqCache(redis, log) : createMemoryApqCache();
}

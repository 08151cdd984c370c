import { connect, createServer, type Server, type Socket } from 'node:net';
import { withDeadline } from '@ordergraph/shared/testing';
import { Redis } from 'ioredis';

/** the Redis the tests share (CI starts one); it outlives every test */
export const REDIS_URL = process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379/0';

/**
 * Why tests that need Redis cannot run (it does not answer a PING within 2 s), or false.
 * Files print it and skip those tests by name, so a run without Redis says what it left out.
 */
export async function redisUnavailable(url = REDIS_URL): Promise<string | false> {
  const redis = new Redis(url, {
    lazyConnect: true,
    connectTimeout: 2_000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableOfflineQueue: false,
  });
  redis.on('error', () => {});
  try {
    // a connection that neither answers nor fails must not hold the file until its timeout
    await withDeadline(
      redis.connect().then(() => redis.ping()),
      { what: `Redis at ${url} to answer a PING`, timeoutMs: 10_000 },
    );
    return false;
  } catch (error) {
    return `needs Redis at ${url}: ${error instanceof Error ? error.message : String(error)}`;
  } finally {
    redis.disconnect();
  }
}

/** A TCP relay in front of Redis whose link a test can cut (an outage) and restore. */
export interface RedisRelay {
  /** redis://127.0.0.1:<port>/<db> through the relay */
  readonly url: string;
  /** drops every connection and refuses new ones, as a Redis that went away */
  cut(): Promise<void>;
  /** accepts connections again on the same port */
  restore(): Promise<void>;
  close(): Promise<void>;
}

export async function startRedisRelay(url = REDIS_URL): Promise<RedisRelay> {
  const target = new URL(url);
  const sockets = new Set<Socket>();
  const relay = (client: Socket) => {
    const upstream = connect(Number(target.port || 6379), target.hostname);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
  };
  let server: Server = createServer(relay);
  const listen = (port: number) =>
    new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        const address = server.address();
        resolve(typeof address === 'object' && address ? address.port : port);
      });
    });
  const port = await listen(0);
  let open = true;
  const cut = async () => {
    if (!open) return;
    open = false;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const socket of sockets) socket.destroy();
    await closed;
  };
  return {
    url: `redis://127.0.0.1:${port}${target.pathname}`,
    cut,
    async restore() {
      if (open) return;
      server = createServer(relay);
      await listen(port);
      open = true;
    },
    close: cut,
  };
}

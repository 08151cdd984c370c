import { createServer, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface LatencyProxy {
  /** the proxy's URL for the target's /graphql */
  url: string;
  /** GraphQL requests the proxy holds or forwards right now */
  readonly inFlight: number;
  close(): Promise<void>;
}

/**
 * An HTTP proxy in front of a subgraph that holds each POST for `delayMs(headers)` before
 * passing it on, so that requests through it stay under way long enough for a test to act in
 * the middle of them (the router passes the caller's x-request-id on: a test can pick out its
 * requests by it). Other requests (health checks) pass at once.
 */
export async function startLatencyProxy({
  target,
  delayMs,
}: {
  target: string;
  delayMs: (headers: IncomingHttpHeaders) => number;
}): Promise<LatencyProxy> {
  const { hostname, port } = new URL(target);
  let inFlight = 0;
  const proxy: LatencyProxy = {
    url: '',
    get inFlight() {
      return inFlight;
    },
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
  const server = createServer((incoming, outgoing) => {
    const held = incoming.method === 'POST';
    if (held) inFlight++;
    const done = () => {
      if (held) inFlight--;
    };
    outgoing.once('close', done);
    const forward = () => {
      const upstream = httpRequest(
        {
          hostname,
          port,
          path: incoming.url,
          method: incoming.method,
          headers: incoming.headers,
        },
        (answer) => {
          outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(outgoing);
        },
      );
      upstream.on('error', () => outgoing.destroy());
      incoming.pipe(upstream);
    };
    if (held) setTimeout(forward, delayMs(incoming.headers));
    else forward();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  proxy.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  return proxy;
}

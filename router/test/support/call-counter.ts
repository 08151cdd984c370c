import http from 'node:http';
import { CATCH_UP_REQUEST_PREFIX, VIEWER_HEADER } from '@ordergraph/shared';

/** GraphQL requests one server received, by caller: `router` or the calling service's name. */
export type CallsByCaller = Record<string, number>;

export interface CallCounter {
  /** requests to /graphql so far, by receiving server (named by `nameOf`) and by caller */
  snapshot(): Record<string, CallsByCaller>;
  stop(): void;
}

/** The calling service of a request: its signed viewer has the `service` role and its name. */
function callerOf(viewer: string | string[] | undefined): string {
  if (typeof viewer !== 'string') return 'router';
  try {
    const parsed = JSON.parse(Buffer.from(viewer, 'base64url').toString('utf8')) as {
      subject?: unknown;
      roles?: unknown;
    };
    const isService = Array.isArray(parsed.roles) && parsed.roles.includes('service');
    return isService && typeof parsed.subject === 'string' ? parsed.subject : 'router';
  } catch {
    return 'router';
  }
}

/**
 * Counts every HTTP request to /graphql on every server of this process, by the server's port
 * (named through `nameOf`, e.g. a subgraph's name) and by who sent it. The whole stack runs in
 * one process, so this sees the router's fetches and the calls between services alike, over the
 * real HTTP connections, without any change to the services.
 */
export function countGraphQLCalls(nameOf: (port: number) => string | undefined): CallCounter {
  const counts = new Map<string, Map<string, number>>();
  const emit = http.Server.prototype.emit;
  http.Server.prototype.emit = function (
    this: http.Server,
    event: string | symbol,
    ...args: any[]
  ) {
    if (event === 'request') {
      const request = args[0] as http.IncomingMessage;
      const address = this.address();
      const server = typeof address === 'object' && address ? nameOf(address.port) : undefined;
      // a consumer's read because a test asked whether it has caught up is the test's, not the work's
      const catchUp = String(request.headers['x-request-id'] ?? '').startsWith(
        CATCH_UP_REQUEST_PREFIX,
      );
      if (server && request.url?.startsWith('/graphql') && !catchUp) {
        const caller = callerOf(request.headers[VIEWER_HEADER]);
        const byCaller = counts.get(server) ?? new Map<string, number>();
        byCaller.set(caller, (byCaller.get(caller) ?? 0) + 1);
        counts.set(server, byCaller);
      }
    }
    return emit.apply(this, [event, ...args] as Parameters<typeof emit>);
  } as typeof emit;
  return {
    snapshot: () =>
      Object.fromEntries(
        [...counts].map(([server, byCaller]) => [server, Object.fromEntries(byCaller)]),
      ),
    stop() {
      http.Server.prototype.emit = emit;
    },
  };
}

// preloaded (node --import) into each subgraph process the benchmark starts: counts what the
// subgraph serves and the SQL it sends, without any change to the subgraph's own code
import http from 'node:http';
import { PostgresJsPreparedQuery, PostgresJsSession } from 'drizzle-orm/postgres-js/session';
import { COUNTERS_PATH, type SubgraphCounters } from './probe-protocol.js';

const VIEWER_HEADER = 'x-ordergraph-viewer';

const counters: SubgraphCounters = { gatewayFetches: 0, serviceFetches: 0, statements: 0 };

// drizzle logs each statement from these three methods; so does db.ts's StatementCounter
type Method = (this: unknown, ...args: unknown[]) => unknown;
function countCalls(prototype: object, name: string): void {
  const target = prototype as Record<string, Method>;
  const original = target[name]!;
  target[name] = function (this: unknown, ...args: unknown[]) {
    counters.statements++;
    return original.apply(this, args);
  };
}
countCalls(PostgresJsPreparedQuery.prototype, 'execute');
countCalls(PostgresJsPreparedQuery.prototype, 'all');
countCalls(PostgresJsSession.prototype, 'query');

function isServiceCall(viewer: string | string[] | undefined): boolean {
  if (typeof viewer !== 'string') return false;
  try {
    const parsed = JSON.parse(Buffer.from(viewer, 'base64url').toString('utf8')) as {
      roles?: unknown;
    };
    return Array.isArray(parsed.roles) && parsed.roles.includes('service');
  } catch {
    return false;
  }
}

const emit = http.Server.prototype.emit;
http.Server.prototype.emit = function (this: http.Server, event: string | symbol, ...args: any[]) {
  if (event === 'request') {
    const [request, response] = args as [http.IncomingMessage, http.ServerResponse];
    if (request.url === COUNTERS_PATH) {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify(counters));
      return true;
    }
    if (request.url?.startsWith('/graphql')) {
      if (isServiceCall(request.headers[VIEWER_HEADER])) counters.serviceFetches++;
      else counters.gatewayFetches++;
    }
  }
  return emit.apply(this, [event, ...args] as Parameters<typeof emit>);
} as typeof emit;

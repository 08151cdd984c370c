// preloaded (node --import) into each subgraph process the benchmark starts: counts what the
// subgraph serves and the SQL it sends, without any change to the subgraph's own code
import http from 'node:http';
import { PostgresJsPreparedQuery, PostgresJsSession } from 'drizzle-orm/postgres-js/session';
import { WebSocketServer, type WebSocket } from 'ws';
import { COUNTERS_PATH, type SubgraphCounters } from './probe-protocol.js';

const VIEWER_HEADER = 'x-ordergraph-viewer';

const counters: SubgraphCounters = {
  gatewayFetches: 0,
  serviceFetches: 0,
  statements: 0,
  subscriptionsActive: 0,
};

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

/**
 * Follows the graphql-ws messages of every socket the subgraph accepts: a `subscribe` opens a
 * subscription, a `complete` from either side or the socket's close ends it. How many a
 * gateway holds open shows whether it shares one upstream subscription among its clients.
 */
function followSubscriptions(socket: WebSocket): void {
  const open = new Set<string>();
  const end = (id: string) => {
    if (open.delete(id)) counters.subscriptionsActive--;
  };
  socket.on('message', (data: Buffer) => {
    try {
      const message = JSON.parse(data.toString('utf8')) as { type?: string; id?: string };
      if (message.type === 'subscribe' && message.id && !open.has(message.id)) {
        open.add(message.id);
        counters.subscriptionsActive++;
      } else if (message.type === 'complete' && message.id) end(message.id);
    } catch {
      // not a graphql-ws message: the server answers it
    }
  });
  const send = socket.send.bind(socket);
  socket.send = function (data: unknown, ...rest: unknown[]) {
    // the subgraph ends a subscription (an error, or its stream completes)
    if (typeof data === 'string' && (data.includes('"complete"') || data.includes('"error"'))) {
      try {
        const message = JSON.parse(data) as { type?: string; id?: string };
        if ((message.type === 'complete' || message.type === 'error') && message.id)
          end(message.id);
      } catch {
        // not JSON
      }
    }
    return (send as (...args: unknown[]) => void)(data, ...rest);
  } as typeof socket.send;
  socket.once('close', () => {
    counters.subscriptionsActive -= open.size;
    open.clear();
  });
}

const emitSocketEvent = WebSocketServer.prototype.emit;
WebSocketServer.prototype.emit = function (
  this: WebSocketServer,
  event: string | symbol,
  ...args: any[]
) {
  if (event === 'connection') followSubscriptions(args[0] as WebSocket);
  return emitSocketEvent.apply(this, [event, ...args] as Parameters<typeof emitSocketEvent>);
} as typeof emitSocketEvent;

import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import { HttpError } from '@ordergraph/shared/http';
import type { Viewer } from '@ordergraph/shared/identity';
import type { Logger } from '@ordergraph/shared/logging';
import { GraphQLError, type ExecutionArgs, type GraphQLFormattedError } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer, type WebSocket } from 'ws';
import { authenticateWithExpiry, type Authentication, type JwtOptions } from '../auth.js';
import { API_KEY_HEADER } from '../clients/callers.js';
import type { ClientAddress } from '../http/client-address.js';
import { limitError, type RequestLimits } from '../limits/request-limits.js';
import type { StreamAdmission } from './admission.js';
import type { OperationExecutor } from './operation-executor.js';
import type { PreparedOperation, SubscriptionService } from './service.js';

type SocketExtra = {
  authentication?: Authentication;
  /** the API key of connection_init, checked on connect and on every operation */
  apiKey?: string | undefined;
} & Record<PropertyKey, unknown>;

interface OperationContext {
  operation: PreparedOperation;
  authentication: Authentication;
  requestId: string;
}

export interface WebSocketTransport {
  /** live sockets */
  readonly connections: number;
  /** closes every socket (subscriptions should have been completed first) */
  close(): Promise<void>;
}

/**
 * GraphQL over WebSocket (`graphql-transport-ws`) on the router's /graphql: the token comes in
 * `connection_init` as `{ authorization: "Bearer …" }`, a partner's key as `{ "x-api-key": … }`
 * (an unknown key closes the socket with 4403, like a bad token; every operation follows the
 * key's policy, as over HTTP); subscriptions go to the subscription service, queries and
 * mutations to the gateway like any HTTP request. Upgrades from pages of origins that may not
 * call the router are refused with 403.
 */
export function attachWebSocketTransport({
  httpServer,
  path,
  service,
  executeOperation,
  jwt,
  admission,
  limits,
  allowsOrigin = () => true,
  visibleErrors = (errors) => [...errors],
  keepAliveMs = 12_000,
  maxPayloadBytes = 1024 * 1024,
  clientAddress = (request) => request.socket.remoteAddress ?? 'unknown',
  log,
}: {
  httpServer: Server;
  path: string;
  service: SubscriptionService;
  executeOperation: OperationExecutor;
  jwt: JwtOptions;
  admission: StreamAdmission;
  /** the caller's rate limit */
  limits?: Pick<RequestLimits, 'admitSubscription'>;
  /** whether a browser page of `origin` may connect (CORS does not cover WebSockets) */
  allowsOrigin?: (origin: string, host: string | undefined) => boolean;
  /** validation errors as the caller may see them (suggestions hidden in production) */
  visibleErrors?: (errors: readonly GraphQLError[], viewer: Viewer) => GraphQLError[];
  keepAliveMs?: number;
  maxPayloadBytes?: number;
  /** who an upgrade request comes from (trusted proxies' forwarded header), for rate limits */
  clientAddress?: ClientAddress;
  /** one line per upgrade refused, and per connection when it closes */
  log?: Logger;
}): WebSocketTransport {
  const sockets = new WebSocketServer({ noServer: true, maxPayload: maxPayloadBytes });
  httpServer.on('upgrade', (request, socket, head) => {
    if ((request.url ?? '/').split('?')[0] !== path) {
      socket.destroy();
      return;
    }
    const address = clientAddress(request);
    const origin = request.headers.origin;
    if (origin !== undefined && !allowsOrigin(origin, request.headers.host)) {
      log?.info({ clientAddress: address, origin }, 'websocket upgrade refused');
      socket.end('HTTP/1.1 403 Forbidden\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
      return;
    }
    sockets.handleUpgrade(request, socket, head, (ws) => {
      keepOversizedFramesQuiet(ws);
      const opened = performance.now();
      ws.once('close', (code) =>
        log?.info(
          {
            clientAddress: address,
            code,
            durationMs: Math.round(performance.now() - opened),
          },
          'websocket connection',
        ),
      );
      sockets.emit('connection', ws, request);
    });
  });

  const server = useServer<Record<string, unknown> | undefined, SocketExtra>(
    {
      schema: service.apiSchema,
      onConnect: async (ctx) => {
        const given =
          ctx.connectionParams?.['authorization'] ?? ctx.connectionParams?.['Authorization'];
        const apiKey = ctx.connectionParams?.[API_KEY_HEADER];
        if (apiKey !== undefined && typeof apiKey !== 'string') return false;
        try {
          const authentication = await authenticateWithExpiry(
            typeof given === 'string' ? given : undefined,
            jwt,
          );
          admission.identify(apiKey, authentication.viewer); // an unknown key: 401, closed
          ctx.extra.authentication = authentication;
          ctx.extra.apiKey = apiKey;
          return true;
        } catch (error) {
          if (error instanceof HttpError) return false; // closes 4403 Forbidden
          throw error;
        }
      },
      onSubscribe: async (ctx, _id, payload): Promise<ExecutionArgs | readonly GraphQLError[]> => {
        const authentication = ctx.extra.authentication;
        if (!authentication) return [new GraphQLError('Not connected.')];
        let admitted;
        try {
          admitted = admission.admit(ctx.extra.apiKey, authentication.viewer, payload);
        } catch (error) {
          if (!(error instanceof HttpError)) throw error;
          return [new GraphQLError(error.message, { extensions: { code: error.code } })];
        }
        // one token of the caller's bucket per operation, as an HTTP request spends one
        const limited = await limits?.admitSubscription({
          viewer: admitted.viewer,
          address: clientAddress(ctx.extra.request),
        });
        if (limited) return [limitError(limited)];
        const prepared = service.prepare(admitted.request, admitted.viewer.client);
        if ('errors' in prepared) return visibleErrors(prepared.errors, admitted.viewer);
        const context: OperationContext = {
          operation: prepared,
          authentication: { ...authentication, viewer: admitted.viewer },
          requestId: randomUUID(),
        };
        return {
          schema: service.apiSchema,
          document: prepared.document,
          operationName: prepared.operationName ?? null,
          variableValues: prepared.variables,
          contextValue: context,
        };
      },
      // Apollo Server's results carry formatted errors (plain objects), which graphql-ws would
      // call toJSON on: such results are sent as they are
      onNext: (_ctx, _id, _payload, _args, result) =>
        result.errors?.some((error) => !(error instanceof GraphQLError))
          ? { ...result, errors: result.errors.map((error) => formatted(error)) }
          : undefined,
      subscribe: (args) => {
        const { operation, authentication, requestId } = args.contextValue as OperationContext;
        return service.subscribe(operation, { ...authentication, requestId });
      },
      execute: (args) => {
        const { operation, authentication, requestId } = args.contextValue as OperationContext;
        return executeOperation(operation, {
          viewer: authentication.viewer,
          requestId,
          scopes: authentication.scopes,
        });
      },
    },
    sockets,
    keepAliveMs,
  );

  return {
    get connections() {
      return sockets.clients.size;
    },
    async close() {
      await server.dispose();
      await new Promise<void>((resolve) => sockets.close(() => resolve()));
    },
  };
}

const formatted = (error: GraphQLError | GraphQLFormattedError): GraphQLFormattedError =>
  error instanceof GraphQLError ? error.toJSON() : error;

/**
 * A frame over `maxPayload` is the client's error: ws has already closed the socket with 1009
 * (message too big) when it emits it, and graphql-ws would log it as an internal error of the
 * server. That one error is not passed on; every other still is.
 */
function keepOversizedFramesQuiet(ws: WebSocket): void {
  const emit = ws.emit.bind(ws);
  ws.emit = ((event: string | symbol, ...args: unknown[]) =>
    event === 'error' && isOversizedFrame(args[0])
      ? true
      : emit(event, ...args)) as WebSocket['emit'];
}

const isOversizedFrame = (error: unknown) =>
  error instanceof RangeError &&
  (error as RangeError & { code?: string }).code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH';

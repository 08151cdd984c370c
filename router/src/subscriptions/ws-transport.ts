import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import { HttpError } from '@ordergraph/shared';
import { GraphQLError, type ExecutionArgs } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import { authenticateWithExpiry, type Authentication, type JwtOptions } from '../auth.js';
import type { OperationExecutor } from './operation-executor.js';
import type { PreparedOperation, SubscriptionService } from './service.js';

type SocketExtra = { authentication?: Authentication } & Record<PropertyKey, unknown>;

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
 * `connection_init` as `{ authorization: "Bearer …" }`; subscriptions go to the subscription
 * service, queries and mutations to the gateway like any HTTP request.
 */
export function attachWebSocketTransport({
  httpServer,
  path,
  service,
  executeOperation,
  jwt,
  keepAliveMs = 12_000,
  maxPayloadBytes = 1024 * 1024,
}: {
  httpServer: Server;
  path: string;
  service: SubscriptionService;
  executeOperation: OperationExecutor;
  jwt: JwtOptions;
  keepAliveMs?: number;
  maxPayloadBytes?: number;
}): WebSocketTransport {
  const sockets = new WebSocketServer({ noServer: true, maxPayload: maxPayloadBytes });
  httpServer.on('upgrade', (request, socket, head) => {
    if ((request.url ?? '/').split('?')[0] !== path) {
      socket.destroy();
      return;
    }
    sockets.handleUpgrade(request, socket, head, (ws) => sockets.emit('connection', ws, request));
  });

  const server = useServer<Record<string, unknown> | undefined, SocketExtra>(
    {
      schema: service.apiSchema,
      onConnect: async (ctx) => {
        const given =
          ctx.connectionParams?.['authorization'] ?? ctx.connectionParams?.['Authorization'];
        try {
          ctx.extra.authentication = await authenticateWithExpiry(
            typeof given === 'string' ? given : undefined,
            jwt,
          );
          return true;
        } catch (error) {
          if (error instanceof HttpError) return false; // closes 4403 Forbidden
          throw error;
        }
      },
      onSubscribe: (ctx, _id, payload): ExecutionArgs | readonly GraphQLError[] => {
        const authentication = ctx.extra.authentication;
        if (!authentication) return [new GraphQLError('Not connected.')];
        const prepared = service.prepare(payload);
        if ('errors' in prepared) return prepared.errors;
        const context: OperationContext = {
          operation: prepared,
          authentication,
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
      subscribe: (args) => {
        const { operation, authentication, requestId } = args.contextValue as OperationContext;
        return service.subscribe(operation, { ...authentication, requestId });
      },
      execute: (args) => {
        const { operation, authentication, requestId } = args.contextValue as OperationContext;
        return executeOperation(operation, { viewer: authentication.viewer, requestId });
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

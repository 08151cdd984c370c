import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import {
  createSourceEventStream,
  execute,
  GraphQLError,
  parse,
  validate,
  type DocumentNode,
  type ExecutionArgs,
  type GraphQLFormattedError,
  type GraphQLSchema,
} from 'graphql';
import type { Context as SocketContext, SubscribePayload } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import { requestScope } from './db.js';
import { codedError, unauthenticated } from './errors.js';
import { MAX_BODY_BYTES } from './http.js';
import { verifyViewer, type Viewer } from './identity.js';
import type { Logger } from './logger.js';
import type { BaseContext } from './server.js';

/** how long a closing server waits for sockets to finish the close handshake */
const CLOSE_GRACE_MS = 2_000;

export interface SubscriptionServer {
  /** closes every socket with 1001 (going away) and stops accepting new ones */
  close(): Promise<void>;
}

/** Reads a flat map of signed identity headers (connection_init or subscribe extensions). */
const headersOf = (value: unknown) => ({
  get(name: string): string | undefined {
    if (!value || typeof value !== 'object') return undefined;
    const header = (value as Record<string, unknown>)[name];
    return typeof header === 'string' ? header : undefined;
  },
});

const isAsyncIterable = (value: object): value is AsyncIterable<unknown> =>
  Symbol.asyncIterator in value;

/** Maps an iterator's values, passing `return()` straight through even while a read waits. */
function mapIterator<T, U>(
  source: AsyncIterator<T>,
  map: (value: T) => Promise<U>,
): AsyncIterableIterator<U> {
  const end = async (): Promise<IteratorResult<U>> => {
    await source.return?.();
    return { done: true, value: undefined };
  };
  const mapped: AsyncIterableIterator<U> = {
    async next() {
      const result = await source.next();
      if (result.done) return { done: true, value: undefined };
      try {
        return { done: false, value: await map(result.value) };
      } catch (error) {
        await end();
        throw error;
      }
    },
    return: end,
    async throw(error?: unknown) {
      await end();
      throw error;
    },
    [Symbol.asyncIterator]: () => mapped,
  };
  return mapped;
}

/**
 * Serves the schema over graphql-ws (`graphql-transport-ws`) on the subgraph's own http server
 * and path. The connection must be signed like an http request (connection_init carries the
 * signed identity headers); each subscribe may carry the headers of the viewer it runs as in
 * `extensions.headers`. Each event of a subscription executes with a fresh context, so no
 * loader serves one event's rows to the next.
 */
export function attachSubscriptionServer<Context extends BaseContext>({
  httpServer,
  schema,
  signingSecret,
  log,
  createContext,
  formatError,
  production = false,
  path = '/graphql',
}: {
  httpServer: Server;
  schema: GraphQLSchema;
  signingSecret: string;
  log: Logger;
  createContext: (base: BaseContext) => Context | Promise<Context>;
  formatError: (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;
  production?: boolean;
  path?: string;
}): SubscriptionServer {
  const sockets = new WebSocketServer({ server: httpServer, path, maxPayload: MAX_BODY_BYTES });
  const connectionViewers = new WeakMap<SocketContext, Viewer>();
  const format = (error: GraphQLError) => formatError(error.toJSON(), error);

  const subscriberOf = (socket: SocketContext, payload: SubscribePayload): Viewer | null => {
    const headers = payload.extensions?.['headers'];
    if (headers === undefined) return connectionViewers.get(socket) ?? null;
    return verifyViewer(headersOf(headers), { secret: signingSecret });
  };

  const prepare = async (
    socket: SocketContext,
    payload: SubscribePayload,
  ): Promise<ExecutionArgs | readonly GraphQLError[]> => {
    const viewer = subscriberOf(socket, payload);
    if (!viewer) return [unauthenticated('Missing or invalid viewer signature.')];
    let document: DocumentNode;
    try {
      document = parse(payload.query);
    } catch (error) {
      return [error instanceof GraphQLError ? error : new GraphQLError('Invalid query.')];
    }
    const invalid = validate(schema, document);
    if (invalid.length > 0) return invalid;
    const requestId =
      headersOf(payload.extensions?.['headers']).get('x-request-id') ?? randomUUID();
    try {
      const contextValue = await createContext({
        viewer,
        requestId,
        log: log.child({ requestId }),
      });
      return {
        schema,
        document,
        operationName: payload.operationName ?? null,
        variableValues: payload.variables ?? null,
        contextValue,
      };
    } catch (error) {
      log.error({ err: error }, 'subscription context failed');
      return [codedError('INTERNAL_SERVER_ERROR', 'Unexpected error.')];
    }
  };

  const subscribe = async (args: ExecutionArgs) => {
    const { viewer, requestId, log: requestLog } = args.contextValue as Context;
    const inScope = <T>(work: () => T) => requestScope.run({ requestId }, work);
    const stream = await inScope(() => createSourceEventStream(args));
    // a refusal (FORBIDDEN, NOT_FOUND, a bad cursor) is a result with errors, not a stream
    if (!isAsyncIterable(stream)) return stream;
    requestLog.info({ operationName: args.operationName }, 'graphql subscription');
    return mapIterator(stream[Symbol.asyncIterator](), async (event) => {
      const contextValue = await createContext({ viewer, requestId, log: requestLog });
      return inScope(() => execute({ ...args, rootValue: event, contextValue }));
    });
  };

  const server = useServer(
    {
      schema,
      isProd: production,
      onConnect: (socket) => {
        const viewer = verifyViewer(headersOf(socket.connectionParams), {
          secret: signingSecret,
        });
        // only the router (or a sibling service) may connect: refused with 4403 Forbidden
        if (!viewer) return false;
        connectionViewers.set(socket, viewer);
        return true;
      },
      onSubscribe: (socket, _id, payload) => prepare(socket, payload),
      subscribe,
      onNext: (_socket, _id, _payload, _args, result) =>
        result.errors ? { ...result, errors: result.errors.map(format) } : undefined,
      onError: (_socket, _id, _payload, errors) => errors.map(format),
    },
    sockets,
  );

  return {
    async close() {
      // a client that never answers the close handshake must not hold the shutdown
      const terminate = setTimeout(() => {
        for (const socket of sockets.clients) socket.terminate();
      }, CLOSE_GRACE_MS);
      terminate.unref();
      await server.dispose();
      clearTimeout(terminate);
    },
  };
}

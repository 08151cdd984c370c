import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HttpError } from '@ordergraph/shared';
import { createHandler } from 'graphql-sse/lib/use/http';
import { authenticateWithExpiry, type JwtOptions } from '../auth.js';
import type { OperationExecutor } from './operation-executor.js';
import type { SubscriptionService } from './service.js';

/** whether a request is GraphQL over Server-Sent Events (either of the protocol's modes) */
export function isServerSentEventsRequest(request: IncomingMessage): boolean {
  const accept = request.headers.accept ?? '';
  return (
    /text\/event-stream/i.test(accept) ||
    request.method === 'PUT' ||
    request.method === 'DELETE' ||
    request.headers['x-graphql-event-stream-token'] !== undefined
  );
}

/**
 * GraphQL over SSE (the `graphql-sse` protocol) on the router's /graphql: the token travels
 * in the request's Authorization header; subscriptions stream, other operations answer once.
 */
export function createServerSentEventsHandler({
  service,
  executeOperation,
  jwt,
}: {
  service: SubscriptionService;
  executeOperation: OperationExecutor;
  jwt: JwtOptions;
}): (request: IncomingMessage, response: ServerResponse) => Promise<void> {
  return createHandler({
    schema: service.apiSchema,
    onSubscribe: async (request, params) => {
      const requestId = request.headers.get('x-request-id') ?? randomUUID();
      let authentication;
      try {
        authentication = await authenticateWithExpiry(
          request.headers.get('authorization') ?? undefined,
          jwt,
        );
      } catch (error) {
        if (!(error instanceof HttpError)) throw error;
        return [
          JSON.stringify({
            errors: [{ message: error.message, extensions: { code: error.code } }],
          }),
          {
            status: error.status,
            statusText: 'Unauthorized',
            headers: { 'content-type': 'application/json' },
          },
        ];
      }
      const prepared = service.prepare(params);
      if ('errors' in prepared) return { errors: prepared.errors };
      if (prepared.kind === 'subscription') {
        return service.subscribe(prepared, { ...authentication, requestId });
      }
      return executeOperation(prepared, { viewer: authentication.viewer, requestId });
    },
  });
}

import type { ServerResponse } from 'node:http';
import { HttpError, sendJson } from '@ordergraph/shared/http';
import type { Viewer } from '@ordergraph/shared/identity';
import type { GraphQLError } from 'graphql';
import { acceptsMultipartSubscription, streamMultipart } from './multipart-transport.js';
import type { SubscriberIdentity, SubscriptionService } from './service.js';

const SUBSCRIPTION_TRANSPORTS =
  'Subscriptions are served over WebSocket (graphql-transport-ws), multipart HTTP ' +
  '(Accept: multipart/mixed;subscriptionSpec=1.0) and SSE (Accept: text/event-stream).';

/**
 * A subscription sent over plain HTTP: streamed as multipart when the client accepts it,
 * otherwise refused with the transports that serve subscriptions. The handler answers false
 * for anything that is not a subscription, which then goes to Apollo Server.
 */
export function createHttpSubscriptionHandler({
  service,
  visibleErrors,
}: {
  service: SubscriptionService;
  /** validation errors as the caller may see them (suggestions hidden in production) */
  visibleErrors: (errors: readonly GraphQLError[], viewer: Viewer) => GraphQLError[];
}) {
  return async (
    body: unknown,
    headers: Map<string, string>,
    response: ServerResponse,
    identity: SubscriberIdentity,
  ): Promise<boolean> => {
    if (!isOperationBody(body) || !body.query.includes('subscription')) return false;
    const variables =
      typeof body.variables === 'string' ? parseVariables(body.variables) : body.variables;
    const prepared = service.prepare({ ...body, variables }, identity.viewer.client);
    if ('errors' in prepared) {
      if (!acceptsMultipartSubscription(headers.get('accept'))) return false;
      sendJson(response, 400, { errors: visibleErrors(prepared.errors, identity.viewer) });
      return true;
    }
    if (prepared.kind !== 'subscription') return false;
    if (!acceptsMultipartSubscription(headers.get('accept'))) {
      throw new HttpError(400, 'BAD_REQUEST', SUBSCRIPTION_TRANSPORTS);
    }
    const results = service.subscribe(prepared, identity);
    if (!(Symbol.asyncIterator in results)) {
      sendJson(response, 400, results);
      return true;
    }
    await streamMultipart(response, results, { headers: { 'x-request-id': identity.requestId } });
    return true;
  };
}

function isOperationBody(body: unknown): body is {
  query: string;
  operationName?: string | null;
  variables?: Record<string, unknown> | string | null;
} {
  return (
    typeof body === 'object' &&
    body !== null &&
    typeof (body as { query?: unknown }).query === 'string'
  );
}

function parseVariables(text: string): Record<string, unknown> {
  try {
    const parsed = JSON.parse(text) as unknown;
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
      return parsed as Record<string, unknown>;
    }
  } catch {
    // reported below
  }
  throw new HttpError(400, 'BAD_REQUEST', 'The variables parameter must be a JSON object.');
}

import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HttpError, readBody, sendGraphQLError } from '@ordergraph/shared/http';
import type { Viewer } from '@ordergraph/shared/identity';
import type { GraphQLError } from 'graphql';
import {
  createHandler,
  TOKEN_HEADER_KEY,
  TOKEN_QUERY_KEY,
  type Response as SseResponse,
} from 'graphql-sse';
import { authenticateWithExpiry, type JwtOptions } from '../auth.js';
import { API_KEY_HEADER } from '../clients/callers.js';
import type { ClientAddress } from '../http/client-address.js';
import { limitError, type RequestLimits } from '../limits/request-limits.js';
import type { StreamAdmission } from './admission.js';
import type { OperationExecutor } from './operation-executor.js';
import type { SubscriptionService } from './service.js';
import {
  createReservations,
  DEFAULT_RESERVATION_LIMITS,
  type ReservationLimits,
} from './sse-reservations.js';

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
 * in the request's Authorization header, a partner's key in `x-api-key` (its policy applies as
 * over HTTP); subscriptions stream, other operations answer once. Bodies are read with the
 * router's size limit, and every refusal is a GraphQL error body.
 */
export function createServerSentEventsHandler({
  service,
  executeOperation,
  jwt,
  admission,
  limits,
  visibleErrors = (errors) => [...errors],
  reservationLimits = DEFAULT_RESERVATION_LIMITS,
  clientAddress = (request) => request.socket.remoteAddress ?? 'unknown',
}: {
  service: SubscriptionService;
  executeOperation: OperationExecutor;
  jwt: JwtOptions;
  admission: StreamAdmission;
  /** the caller's rate limit, and the body size limit */
  limits?: Pick<RequestLimits, 'admitSubscription' | 'maxBodyBytes'>;
  /** validation errors as the caller may see them (suggestions hidden in production) */
  visibleErrors?: (errors: readonly GraphQLError[], viewer: Viewer) => GraphQLError[];
  /** streams reserved (PUT) and not connected yet: how long they wait, how many per address */
  reservationLimits?: ReservationLimits;
  /** who a request comes from (trusted proxies' forwarded header), for limits and reservations */
  clientAddress?: ClientAddress;
}): (request: IncomingMessage, response: ServerResponse) => Promise<void> {
  const handle = createHandler<IncomingMessage>({
    schema: service.apiSchema,
    onSubscribe: async (request, params) => {
      const requestId = request.headers.get('x-request-id') ?? randomUUID();
      let authentication;
      let admitted;
      try {
        authentication = await authenticateWithExpiry(
          request.headers.get('authorization') ?? undefined,
          jwt,
        );
        admitted = admission.admit(
          request.headers.get(API_KEY_HEADER) ?? undefined,
          authentication.viewer,
          params,
        );
      } catch (error) {
        if (!(error instanceof HttpError)) throw error;
        return refusal(error.status, [
          { message: error.message, extensions: { code: error.code } },
        ]);
      }
      const { viewer } = admitted;
      // one token of the caller's bucket per operation, as an HTTP request spends one
      const limited = await limits?.admitSubscription({
        viewer,
        address: clientAddress(request.raw),
      });
      if (limited) {
        return [
          JSON.stringify({ errors: [limitError(limited)] }),
          {
            status: limited.status,
            statusText: 'Too Many Requests',
            headers: {
              'content-type': 'application/json; charset=utf-8',
              ...limited.headers,
            },
          },
        ];
      }
      const prepared = service.prepare(admitted.request, viewer.client);
      if ('errors' in prepared) return refusal(400, visibleErrors(prepared.errors, viewer));
      if (prepared.kind === 'subscription') {
        return service.subscribe(prepared, { ...authentication, viewer, requestId });
      }
      return executeOperation(prepared, { viewer, requestId, scopes: authentication.scopes });
    },
  });

  // a reservation ends as its connection would: the handler's stream is opened and returned
  const reservations = createReservations({
    ...reservationLimits,
    async release(token) {
      const [stream] = await handle({
        method: 'GET',
        url: '/',
        headers: {
          get: (name) =>
            name === 'accept' ? 'text/event-stream' : name === TOKEN_HEADER_KEY ? token : undefined,
        },
        body: null,
        // read only by our onSubscribe, which a reserved stream's connection does not call
        raw: undefined as unknown as IncomingMessage,
        context: undefined,
      });
      if (typeof stream === 'object' && stream !== null) await stream.return(undefined);
    },
  });

  return async (request, response) => {
    const method = request.method ?? 'GET';
    const address = clientAddress(request);
    if (method === 'POST' && !/application\/json/i.test(request.headers['content-type'] ?? '')) {
      throw new HttpError(415, 'BAD_REQUEST', 'Send GraphQL over SSE as application/json.');
    }
    if (method === 'PUT' && !reservations.mayReserve(address)) {
      throw new HttpError(
        429,
        'TOO_MANY_RESERVATIONS',
        `At most ${reservationLimits.maxPerAddress} reserved event streams may wait for their connection; connect (GET) or let one expire.`,
      );
    }
    // read here, with the router's size limit (graphql-sse would read any length)
    const body = method === 'POST' ? await readBody(request, limits?.maxBodyBytes) : null;
    const [payload, init] = await handle({
      method,
      url: request.url ?? '/',
      headers: {
        get: (name) => {
          const value = request.headers[name];
          return Array.isArray(value) ? value.join('\n') : value;
        },
      },
      body,
      raw: request,
      context: undefined,
    });
    if (typeof payload !== 'object' || payload === null) {
      if (init.status >= 400 && !payload) {
        // graphql-sse answers some refusals with a status only
        const message = init.statusText ?? 'The request is not a GraphQL over SSE request.';
        return sendGraphQLError(response, new HttpError(init.status, 'BAD_REQUEST', message));
      }
      if (method === 'PUT' && init.status === 201 && payload)
        reservations.reserved(payload, address);
      response.writeHead(init.status, init.statusText, init.headers);
      response.end(payload ?? undefined);
      return;
    }
    const token = streamToken(request);
    if (token) reservations.connected(token);
    response.writeHead(init.status, init.statusText, init.headers);
    const stop = () => void payload.return(undefined);
    response.once('close', stop);
    try {
      for await (const chunk of payload) {
        if (!response.writable) break;
        // one event at a time: a slow reader holds the stream back, not the router's memory
        await new Promise((resolve) => response.write(chunk, resolve));
      }
    } finally {
      response.off('close', stop);
      if (!response.destroyed) response.end();
    }
  };
}

/** the reserved stream a request names, in the header or the query string */
function streamToken(request: IncomingMessage): string | null {
  const header = request.headers[TOKEN_HEADER_KEY];
  if (typeof header === 'string') return header;
  return new URL(request.url ?? '/', 'http://router').searchParams.get(TOKEN_QUERY_KEY);
}

/** a refusal before anything runs, as a GraphQL error body with its HTTP status */
function refusal(status: number, errors: readonly unknown[]): SseResponse {
  return [
    JSON.stringify({ errors }),
    {
      status,
      statusText: 'Refused',
      headers: { 'content-type': 'application/json; charset=utf-8' },
    },
  ];
}

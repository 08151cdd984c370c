import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApolloServer } from '@apollo/server';
import {
  parseJsonBody,
  readBody,
  toHeaderMap,
  writeGraphQLResponse,
} from '@ordergraph/shared/http';
import type { Logger } from '@ordergraph/shared/logging';
import { httpServerSpan, setHttpStatus, withIncomingTrace } from '@ordergraph/shared/tracing';
import { authenticateWithExpiry, type JwtOptions } from '../auth.js';
import type { RouterContext } from '../context.js';
import type { RequestLimits } from '../limits/request-limits.js';
import { clientApplicationOf } from '../observability/client-awareness.js';
import type { RequestLog } from '../observability/request-log.js';
import type { OperationPipeline } from '../persisted/pipeline.js';
import type { createHttpSubscriptionHandler } from '../subscriptions/http-subscription.js';
import type { ClientAddress } from './client-address.js';

export interface GraphQLHandlerOptions {
  apollo: ApolloServer<RouterContext>;
  operations: OperationPipeline;
  limits: RequestLimits;
  jwt: JwtOptions;
  clientAddress: ClientAddress;
  /** streams a subscription sent over plain HTTP; false for anything else */
  httpSubscriptions: ReturnType<typeof createHttpSubscriptionHandler>;
  requestLog: RequestLog<RouterContext>;
  log: Logger;
}

/**
 * A GraphQL request over HTTP (not SSE, not WebSocket): the caller and its operation policy,
 * its rate limit, then Apollo Server inside the request's server span, and one log line.
 */
export function createGraphQLHandler({
  apollo,
  operations,
  limits,
  jwt,
  clientAddress,
  httpSubscriptions,
  requestLog,
  log,
}: GraphQLHandlerOptions) {
  return async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const headers = toHeaderMap(request);
    const requestId = headers.get('x-request-id') ?? randomUUID();
    const address = clientAddress(request);
    response.setHeader('x-request-id', requestId);
    // the caller (API key, token) and its operation policy, before anything is executed
    const {
      viewer: tokenViewer,
      expiresAt,
      scopes: tokenScopes,
    } = await authenticateWithExpiry(headers.get('authorization'), jwt);
    const admitted = operations.admit({
      method: request.method ?? 'GET',
      headers,
      viewer: tokenViewer,
      body:
        request.method === 'POST'
          ? parseJsonBody(await readBody(request, limits.maxBodyBytes), headers.get('content-type'))
          : undefined,
      search: new URL(request.url ?? '/', 'http://localhost').search,
    });
    const { viewer } = admitted.caller;
    // one token per request (a multipart subscription included), before anything is parsed
    await limits.admit({
      viewer,
      address,
      response,
      request: admitted.request,
    });
    const { body, search } = admitted.request;
    const operation = body ?? Object.fromEntries(new URLSearchParams(search));
    const identity = { viewer, expiresAt, requestId, scopes: tokenScopes };
    if (await httpSubscriptions(operation, headers, response, identity)) return;
    const started = performance.now();
    const context: RouterContext = {
      viewer,
      tokenScopes,
      requestId,
      log: log.child({ requestId }),
    };
    const application = clientApplicationOf(headers);
    // the response is written and logged inside the server span: the log line carries its ids
    await withIncomingTrace(
      headers,
      httpServerSpan(request, {
        route: '/graphql',
        attributes: {
          'ordergraph.request_id': requestId,
          ...(address ? { 'client.address': address } : {}),
          ...(application.name ? { 'apollo.client.name': application.name } : {}),
          ...(application.version ? { 'apollo.client.version': application.version } : {}),
        },
      }),
      async (span) => {
        const answer = await apollo.executeHTTPGraphQLRequest({
          httpGraphQLRequest: {
            method: request.method ?? 'GET',
            headers,
            search,
            body,
          },
          context: async () => context,
        });
        const status = answer.status ?? 200;
        setHttpStatus(span, status, 'server');
        await writeGraphQLResponse(response, operations.respond(admitted, headers, answer));
        const durationMs = Math.round(performance.now() - started);
        // reads that went well at debug: one line per request that did something
        log[requestLog.level(context, { status, durationMs })](
          {
            requestId,
            clientAddress: address,
            clientName: application.name,
            clientVersion: application.version,
            status,
            durationMs,
          },
          'graphql request',
        );
      },
    );
  };
}

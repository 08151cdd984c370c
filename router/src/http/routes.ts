import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HostRoute } from '@ordergraph/shared/http-host';
import type { RequestLimits } from '../limits/request-limits.js';
import type { Sandbox } from '../sandbox/index.js';
import { isServerSentEventsRequest } from '../subscriptions/sse-transport.js';
import type { Cors } from './cors.js';
import { assertNotCrossSiteSimple, isLandingPageRequest } from './csrf.js';
import { assertDeclaredBodyWithin } from './refusals.js';
import type { SecurityHeaders } from './security-headers.js';

type Handler = (request: IncomingMessage, response: ServerResponse) => Promise<void>;

export interface RouteTableOptions {
  /** GraphiQL and its sign-in, outside production only */
  sandbox: Sandbox | undefined;
  cors: Cors;
  securityHeaders: SecurityHeaders;
  limits: Pick<RequestLimits, 'maxBodyBytes'>;
  handleGraphQL: Handler;
  handleServerSentEvents: Handler;
  /** the other paths the router serves (invoice PDFs, export files), each matching its own */
  downloads: readonly HostRoute[];
}

/**
 * What the router serves besides /health, /ready and /metrics: /graphql over HTTP and SSE, the
 * downloads, and in development the sandbox; plus the headers every response carries.
 */
export function createRouteTable({
  sandbox,
  cors,
  securityHeaders,
  limits,
  handleGraphQL,
  handleServerSentEvents,
  downloads,
}: RouteTableOptions): {
  routes: HostRoute[];
  beforeRoute: (request: IncomingMessage, response: ServerResponse, path: string) => void;
} {
  // a browser opening /graphql gets the sandbox too: it asks for a page, not an operation
  const isLanding = (request: IncomingMessage, path: string) =>
    sandbox !== undefined &&
    path === '/graphql' &&
    isLandingPageRequest(request.method, request.headers, request.url);
  const isSandboxPage = (path: string) => path === '/' || path.startsWith('/sandbox/');

  const graphql: HostRoute = {
    matches: (path) => path === '/graphql',
    async handle(request, response, path) {
      if (sandbox && isLanding(request, path)) return sandbox.handle(request, response, '/');
      if (cors.handle(request, response)) return;
      // before anything is read or run, whichever transport answers
      assertNotCrossSiteSimple(request.method ?? 'GET', request.headers);
      assertDeclaredBodyWithin(request, limits.maxBodyBytes);
      if (isServerSentEventsRequest(request)) return handleServerSentEvents(request, response);
      return handleGraphQL(request, response);
    },
  };
  const sandboxPages: HostRoute[] = sandbox
    ? [
        {
          matches: isSandboxPage,
          handle: (request, response, path) => sandbox.handle(request, response, path),
        },
      ]
    : [];

  return {
    routes: [graphql, ...downloads, ...sandboxPages],
    beforeRoute(request, response, path) {
      const page = isLanding(request, path) || (sandbox !== undefined && isSandboxPage(path));
      securityHeaders.apply(response, { page });
    },
  };
}

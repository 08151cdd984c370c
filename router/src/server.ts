import { randomUUID } from 'node:crypto';
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer } from '@apollo/server';
import {
  createErrorFormatter,
  HttpError,
  parseJsonBody,
  readBody,
  sendGraphQLError,
  sendJson,
  toHeaderMap,
  writeGraphQLResponse,
  type Logger,
} from '@ordergraph/shared';
import { authenticate } from './auth.js';
import type { RouterConfig } from './config.js';
import type { RouterContext } from './context.js';
import { createGateway } from './gateway.js';
import { checkSubgraphs } from './readiness.js';

export interface Router {
  listen(options?: { port?: number; host?: string }): Promise<string>;
  stop(): Promise<void>;
}

export type RouterOptions = Pick<
  RouterConfig,
  'production' | 'subgraphUrls' | 'jwtSecret' | 'jwtIssuer' | 'jwtAudience' | 'signingSecret'
> & { supergraphSdl: string; log: Logger };

/** The router: one GraphQL endpoint over the five subgraphs, plus /health and /ready. */
export async function createRouter({
  production,
  supergraphSdl,
  subgraphUrls,
  jwtSecret,
  jwtIssuer,
  jwtAudience,
  signingSecret,
  log,
}: RouterOptions): Promise<Router> {
  const gateway = createGateway({ supergraphSdl, subgraphUrls, signingSecret });
  const apollo = new ApolloServer<RouterContext>({
    gateway,
    introspection: !production,
    includeStacktraceInErrorResponses: !production,
    formatError: createErrorFormatter({ production, log }),
  });
  await apollo.start();

  const handleGraphQL = async (request: IncomingMessage, response: ServerResponse) => {
    const headers = toHeaderMap(request);
    const requestId = headers.get('x-request-id') ?? randomUUID();
    response.setHeader('x-request-id', requestId);
    const viewer = await authenticate(headers.get('authorization'), {
      secret: jwtSecret,
      issuer: jwtIssuer,
      audience: jwtAudience,
    });
    const body =
      request.method === 'POST'
        ? parseJsonBody(await readBody(request), headers.get('content-type'))
        : undefined;
    const started = performance.now();
    const result = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: {
        method: request.method ?? 'GET',
        headers,
        search: new URL(request.url ?? '/', 'http://localhost').search,
        body,
      },
      context: async () => ({ viewer, requestId, log: log.child({ requestId }) }),
    });
    await writeGraphQLResponse(response, result);
    log.info(
      {
        requestId,
        status: result.status ?? 200,
        durationMs: Math.round(performance.now() - started),
      },
      'graphql request',
    );
  };

  const httpServer = createHttpServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    const handle = async () => {
      if (path === '/health') return sendJson(response, 200, { status: 'ok', service: 'router' });
      if (path === '/ready') {
        const subgraphs = await checkSubgraphs(subgraphUrls);
        const ready = Object.values(subgraphs).every(Boolean);
        return sendJson(response, ready ? 200 : 503, { ready, subgraphs });
      }
      if (path === '/graphql') return handleGraphQL(request, response);
      if (path === '/' && !production) {
        response.writeHead(302, { location: '/graphql' });
        return response.end();
      }
      sendJson(response, 404, { error: 'not found' });
    };
    handle().catch((error: unknown) => {
      if (error instanceof HttpError) return sendGraphQLError(response, error);
      log.error({ err: error }, 'request failed');
      if (!response.headersSent) {
        sendGraphQLError(
          response,
          new HttpError(500, 'INTERNAL_SERVER_ERROR', 'Unexpected error.'),
        );
      } else response.end();
    });
  });

  return {
    listen: ({ port = 0, host = '127.0.0.1' } = {}) =>
      new Promise((resolve, reject) => {
        httpServer.once('error', reject);
        httpServer.listen(port, host, () => {
          const address = httpServer.address() as AddressInfo;
          resolve(`http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${address.port}/graphql`);
        });
      }),
    async stop() {
      await new Promise<void>((resolve) => {
        httpServer.close(() => resolve());
        httpServer.closeIdleConnections();
      });
      await apollo.stop();
    },
  };
}

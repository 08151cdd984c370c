/// <reference lib="dom" />
import { createGraphiQLFetcher, type Fetcher, type FetcherOpts } from '@graphiql/toolkit';
import { getOperationAST } from 'graphql';
import { createClient } from 'graphql-ws';

/**
 * GraphiQL's fetcher: queries and mutations over HTTP with the headers of the header editor,
 * subscriptions over graphql-ws with that `Authorization` header in `connection_init`, as
 * mobile apps send it.
 */
export function createSandboxFetcher({
  url,
  subscriptionUrl,
}: {
  url: string;
  subscriptionUrl: string;
}): Fetcher {
  const overHttp = createGraphiQLFetcher({ url, enableIncrementalDelivery: false });
  return (params, options) => {
    const operation = options?.documentAST
      ? getOperationAST(options.documentAST, params.operationName ?? undefined)
      : null;
    if (operation?.operation !== 'subscription') return overHttp(params, options);
    // graphql-ws yields formatted results, which is what GraphiQL prints
    return subscribe(subscriptionUrl, params, authorizationOf(options)) as ReturnType<Fetcher>;
  };
}

function authorizationOf(options: FetcherOpts | undefined): string | undefined {
  const headers = (options?.headers ?? {}) as Record<string, unknown>;
  const name = Object.keys(headers).find((key) => key.toLowerCase() === 'authorization');
  const value = name ? headers[name] : undefined;
  return typeof value === 'string' ? value : undefined;
}

// one socket per subscription, closed as soon as GraphiQL stops it (an async generator would
// only see its return() after the next event arrives)
function subscribe(
  url: string,
  params: Parameters<Fetcher>[0],
  authorization: string | undefined,
): AsyncIterableIterator<unknown> {
  const client = createClient({
    url,
    retryAttempts: 0,
    connectionParams: authorization ? { authorization } : {},
  });
  const results = client.iterate({
    query: params.query,
    variables: params.variables ?? undefined,
    operationName: params.operationName ?? undefined,
  });
  const close = async () => {
    await results.return?.();
    await client.dispose();
  };
  return {
    [Symbol.asyncIterator]() {
      return this;
    },
    async next() {
      try {
        const result = await results.next();
        if (result.done) await client.dispose();
        return result;
      } catch (error) {
        await client.dispose();
        throw readable(error);
      }
    },
    async return() {
      await close();
      return { done: true, value: undefined };
    },
  };
}

// graphql-ws rejects with a CloseEvent or a list of GraphQL errors; GraphiQL prints Errors
function readable(error: unknown): unknown {
  if (error instanceof CloseEvent) {
    return new Error(`The socket closed: ${error.code} ${error.reason}`.trim());
  }
  if (Array.isArray(error)) {
    return new Error(error.map((item: { message?: string }) => item.message).join('\n'));
  }
  return error;
}

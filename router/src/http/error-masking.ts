import { createErrorFormatter } from '@ordergraph/shared/error-formatter';
import type { Logger } from '@ordergraph/shared/logging';
import type { GraphQLFormattedError } from 'graphql';

// codes that say "something broke inside": their messages are the internals (SQL, hosts);
// SUBGRAPH_ERROR is a failed fetch during a subscription event
const INTERNAL_CODES = new Set([
  'INTERNAL_SERVER_ERROR',
  'DOWNSTREAM_SERVICE_ERROR',
  'SUBGRAPH_ERROR',
]);

// extensions the gateway and downstream services add that describe the inside: stack traces,
// the subgraph's URL and raw HTTP answer, the subgraph's query and variables
const INTERNAL_EXTENSIONS = [
  'stacktrace',
  'exception',
  'response',
  'serviceName',
  'query',
  'variables',
];

/**
 * The router's error formatter. In production an error whose code says it is internal (Apollo
 * Server gives errors without one INTERNAL_SERVER_ERROR, the gateway gives a subgraph's
 * uncoded error DOWNSTREAM_SERVICE_ERROR) becomes "Unexpected error." with its code, the
 * original going to the log: its message is the internals (a SQL error, a host and port).
 * Errors with any other code keep their message, a subgraph's included (the shared formatter
 * cannot tell those apart: the gateway wraps them around plain objects); everything the gateway
 * adds about the subgraphs is dropped. Outside production the shared formatter applies.
 */
export function createRouterErrorFormatter({
  production,
  log,
}: {
  production: boolean;
  log: Logger;
}): (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError {
  const formatShared = createErrorFormatter({ production, log });
  if (!production) return formatShared;
  return (formatted, error) => {
    const extensions = { ...formatted.extensions };
    for (const name of INTERNAL_EXTENSIONS) delete extensions[name];
    const code = typeof extensions['code'] === 'string' ? extensions['code'] : undefined;
    if (code !== undefined && !INTERNAL_CODES.has(code)) return { ...formatted, extensions };
    log.error({ err: error, code }, 'unexpected error');
    return {
      message: 'Unexpected error.',
      ...(formatted.path ? { path: formatted.path } : {}),
      extensions: { code: code ?? 'INTERNAL_SERVER_ERROR' },
    };
  };
}

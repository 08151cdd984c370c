import { unwrapResolverError } from '@apollo/server/errors';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import type { Logger } from './logger.js';

/** Masks errors without a code in production: the code stays, the internals go to the log. */
export function createErrorFormatter({ production, log }: { production: boolean; log: Logger }) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error);
    const isExpected = original instanceof GraphQLError && original.extensions['code'];
    if (isExpected) return formatted;
    log.error({ err: original }, 'unexpected error');
    if (!production) return formatted;
    return {
      message: 'Unexpected error.',
      ...(formatted.path ? { path: formatted.path } : {}),
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    };
  };
}

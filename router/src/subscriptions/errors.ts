import { GraphQLError, type GraphQLFormattedError } from 'graphql';

/** A GraphQL error for a subscription stream, with the code a client acts on. */
export function subscriptionError(
  message: string,
  code: string,
  extensions: Record<string, unknown> = {},
): GraphQLError {
  return new GraphQLError(message, { extensions: { ...extensions, code } });
}

/** a subgraph's error as it came over the wire, kept as is (message, path, code) */
subscriptionError.fromFormatted = (error: GraphQLFormattedError): GraphQLError =>
  new GraphQLError(error.message, {
    ...(error.path ? { path: error.path } : {}),
    extensions: error.extensions ?? {},
  });

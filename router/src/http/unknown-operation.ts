import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError } from 'graphql';

/**
 * Refuses a request whose `operationName` names no operation of its document (or that names
 * none when the document has several) with 400 BAD_REQUEST. Apollo Server lets it through to
 * the gateway, whose query planner fails on it with a 500.
 */
export function createUnknownOperationPlugin<
  Context extends object,
>(): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, request }) {
          if (operation) return;
          const message =
            typeof request.operationName === 'string'
              ? `The document has no operation named "${request.operationName}".`
              : 'The document has several operations: name the one to run (operationName).';
          throw new GraphQLError(message, {
            extensions: { code: 'BAD_REQUEST', http: { status: 400 } },
          });
        },
      };
    },
  };
}

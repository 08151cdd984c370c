import type { ApolloServerPlugin } from '@apollo/server';
import { trace } from '@opentelemetry/api';

/**
 * Names the operation on the router's HTTP server span, by the GraphQL semantic conventions
 * (graphql.operation.name, graphql.operation.type), once Apollo Server has resolved it.
 */
export function createOperationSpanPlugin<Context extends object>(): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      // the server span is the active one while Apollo Server handles the request
      const span = trace.getActiveSpan();
      if (!span?.isRecording()) return {};
      return {
        async didResolveOperation({ operationName, operation }) {
          if (operation) span.setAttribute('graphql.operation.type', operation.operation);
          if (operationName) span.setAttribute('graphql.operation.name', operationName);
        },
      };
    },
  };
}

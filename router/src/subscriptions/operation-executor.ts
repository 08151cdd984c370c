import type { ApolloServer } from '@apollo/server';
import type { Viewer } from '@ordergraph/shared/identity';
import type { Logger } from '@ordergraph/shared/logging';
import type { ExecutionResult } from 'graphql';
import type { RouterContext } from '../context.js';
import type { PreparedOperation } from './service.js';

/** Runs a query or mutation that arrived over a streaming transport, as any HTTP request. */
export type OperationExecutor = (
  operation: PreparedOperation,
  identity: { viewer: Viewer; requestId: string; scopes?: readonly string[] },
) => Promise<ExecutionResult>;

export function createOperationExecutor(
  apollo: ApolloServer<RouterContext>,
  log: Logger,
): OperationExecutor {
  return async ({ query, operationName, variables }, { viewer, requestId, scopes = [] }) => {
    const response = await apollo.executeOperation(
      { query, variables, ...(operationName ? { operationName } : {}) },
      { contextValue: { viewer, requestId, tokenScopes: scopes, log: log.child({ requestId }) } },
    );
    if (response.body.kind !== 'single') {
      throw new Error('incremental delivery is not supported over this transport');
    }
    return response.body.singleResult as ExecutionResult;
  };
}

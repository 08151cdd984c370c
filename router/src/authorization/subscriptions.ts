import type { Viewer } from '@ordergraph/shared/identity';
import { GraphQLError, type DocumentNode, type GraphQLSchema } from 'graphql';
import { documentPath } from './apply.js';
import { authorizeOperation } from './filter.js';
import { accessOf, type SupergraphRequirements } from './requirements.js';

/**
 * The errors refusing a subscription that selects anything its subscriber may not see, null
 * when it may see all of it. A subscription is refused whole rather than filtered: each event
 * would otherwise be planned and completed with nulls, for a stream that can never show them.
 */
export function refuseSubscription({
  schema,
  requirements,
  document,
  operationName,
  viewer,
  tokenScopes,
}: {
  schema: GraphQLSchema;
  requirements: SupergraphRequirements;
  document: DocumentNode;
  operationName: string | undefined;
  viewer: Viewer;
  tokenScopes?: readonly string[] | undefined;
}): GraphQLError[] | null {
  if (!requirements.any) return null;
  const authorized = authorizeOperation({
    schema,
    requirements,
    document,
    operationName,
    access: accessOf(viewer, tokenScopes),
  });
  if (!authorized) return null;
  return authorized.refusals.map(
    (refusal) =>
      new GraphQLError(refusal.message, {
        path: documentPath(refusal.steps),
        extensions: { code: refusal.code },
      }),
  );
}

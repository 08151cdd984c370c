import type { ApolloServerPlugin } from '@apollo/server';
import type { Viewer } from '@ordergraph/shared/identity';
import { BREAK, GraphQLError, visit, type DocumentNode } from 'graphql';
import type { RouterContext } from '../context.js';

/** The error code of an introspection query from a caller that may not introspect. */
export const INTROSPECTION_DISABLED = 'INTROSPECTION_DISABLED';

export interface SchemaExposure {
  /** whether a caller may see the schema: introspection and "Did you mean …?" suggestions */
  allows(viewer: Viewer): boolean;
  /** refuses introspection and strips suggestions for the callers that may not see the schema */
  plugin: ApolloServerPlugin<RouterContext>;
  /** errors (of the streaming transports' own validation) as the caller may see them */
  errorsFor(errors: readonly GraphQLError[], viewer: Viewer): GraphQLError[];
}

/**
 * In production the schema is not handed out: `__schema` and `__type` are refused with
 * INTROSPECTION_DISABLED and validation errors lose their suggestions, which would otherwise
 * spell out field names one typo at a time. Clients with `"introspection": true` in the clients
 * file (identified by their API key) keep both; `__typename` is always allowed. Outside
 * production everything is allowed.
 */
export function createSchemaExposure({
  production,
  introspectionClients,
}: {
  production: boolean;
  /** names of the clients that may introspect in production */
  introspectionClients: Iterable<string>;
}): SchemaExposure {
  const clients = new Set(introspectionClients);
  const allows = (viewer: Viewer) =>
    !production ||
    (viewer.client !== undefined && viewer.client !== null && clients.has(viewer.client));

  return {
    allows,
    plugin: {
      async requestDidStart({ contextValue }) {
        if (allows(contextValue.viewer)) return;
        return {
          async didResolveOperation({ document }) {
            if (selectsIntrospection(document)) {
              throw new GraphQLError(
                'Introspection is disabled: this API does not hand out its schema to this caller.',
                { extensions: { code: INTROSPECTION_DISABLED, http: { status: 403 } } },
              );
            }
          },
          async willSendResponse({ response }) {
            if (response.body.kind !== 'single') return;
            const { singleResult } = response.body;
            if (!singleResult.errors) return;
            singleResult.errors = singleResult.errors.map((error) => ({
              ...error,
              message: withoutSuggestions(error.message),
            }));
          },
        };
      },
    },
    errorsFor(errors, viewer) {
      if (allows(viewer)) return [...errors];
      return errors.map(
        (error) =>
          new GraphQLError(withoutSuggestions(error.message), {
            nodes: error.nodes ?? null,
            source: error.source ?? null,
            positions: error.positions ?? null,
            path: error.path ?? null,
            extensions: error.extensions,
          }),
      );
    },
  };
}

/** a message without graphql-js's trailing "Did you mean …?" */
export const withoutSuggestions = (message: string) =>
  message.replace(/\s*Did you mean\b[^]*$/, '');

// Apollo Server hands the same document object to every request with the same text
const introspectionOf = new WeakMap<DocumentNode, boolean>();

function selectsIntrospection(document: DocumentNode): boolean {
  let found = introspectionOf.get(document);
  if (found === undefined) {
    found = findIntrospection(document);
    introspectionOf.set(document, found);
  }
  return found;
}

function findIntrospection(document: DocumentNode): boolean {
  let found = false;
  visit(document, {
    Field(node) {
      if (node.name.value === '__schema' || node.name.value === '__type') {
        found = true;
        return BREAK;
      }
      return undefined;
    },
  });
  return found;
}

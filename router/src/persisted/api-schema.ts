import { Supergraph } from '@apollo/federation-internals';
import type { GraphQLSchema } from 'graphql';
import { enforcedByTheRouter } from '../supergraph-features.js';

/**
 * The schema clients see: the supergraph without federation's join/link machinery and
 * without `@inaccessible` elements. Operations are validated against this, never the raw SDL.
 */
export function apiSchemaOf(supergraphSdl: string): GraphQLSchema {
  return Supergraph.build(enforcedByTheRouter(supergraphSdl)).apiSchema().toGraphQLJSSchema();
}

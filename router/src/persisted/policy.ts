import { HttpError } from '@ordergraph/shared/http';
import type { OperationPolicy } from '../clients/clients-file.js';
import type { PersistedOperation, PersistedQueryManifest } from './manifest.js';
import { normalizeOperation } from './operations.js';

/** The manifest's operations by id and by normalized body. */
export interface PersistedOperationIndex {
  byId: ReadonlyMap<string, PersistedOperation>;
  byBody: ReadonlyMap<string, PersistedOperation>;
}

export function indexManifest(manifest: PersistedQueryManifest): PersistedOperationIndex {
  return {
    byId: new Map(manifest.operations.map((operation) => [operation.id, operation])),
    byBody: new Map(manifest.operations.map((operation) => [operation.body, operation])),
  };
}

/** A GraphQL request as it reached the router: the POST body (parsed) or the GET query string. */
export interface GraphQLHttpRequest {
  method: string;
  body: unknown;
  search: string;
}

/** The request to execute, and the manifest operation it runs when it runs one. */
export interface PreparedRequest extends GraphQLHttpRequest {
  persisted: PersistedOperation | null;
  /** the operation name, for logs and metrics */
  operationName: string | null;
}

interface Params {
  query?: unknown;
  operationName?: unknown;
  extensions?: unknown;
}

/**
 * Applies a caller's policy before anything runs. A manifest id (Apollo's
 * `extensions.persistedQuery.sha256Hash`) is replaced by the manifest's text for every caller.
 * `safelist` callers are refused anything else: an unknown id with PERSISTED_QUERY_NOT_IN_LIST,
 * a document that is not in the manifest (compared normalized) or that differs from the id it
 * names with QUERY_NOT_IN_SAFELIST. `open` callers' other requests go on as they are (to APQ).
 */
export function applyOperationPolicy(
  request: GraphQLHttpRequest,
  policy: OperationPolicy,
  index: PersistedOperationIndex,
): PreparedRequest {
  const params = readParams(request);
  const unchanged = (): PreparedRequest => ({
    ...request,
    persisted: null,
    operationName: typeof params?.operationName === 'string' ? params.operationName : null,
  });
  // not a GraphQL request at all: Apollo Server answers it with a 400, nothing runs
  if (!params) return unchanged();
  const extensions = parseExtensions(params.extensions);
  const query = typeof params.query === 'string' ? params.query : undefined;
  const operationName = typeof params.operationName === 'string' ? params.operationName : undefined;
  const hash = persistedQueryHash(extensions);

  if (hash !== undefined) {
    const persisted = index.byId.get(hash);
    if (!persisted) {
      if (policy === 'open') return unchanged();
      throw new HttpError(
        404,
        'PERSISTED_QUERY_NOT_IN_LIST',
        'This client may only run the operations of the persisted query manifest; the id is not in it.',
      );
    }
    if (
      query !== undefined &&
      query !== persisted.body &&
      normalized(query, operationName) !== persisted.body
    ) {
      if (policy === 'open') return unchanged(); // Apollo Server reports the hash mismatch
      throw notInSafelist('The document sent does not match the persisted operation of that id.');
    }
    return withOperation(request, params, extensions, persisted);
  }
  if (query === undefined) {
    if (policy === 'open' || !('query' in params)) return unchanged();
    throw notInSafelist('This client may only run operations of the persisted query manifest.');
  }
  if (policy === 'open') return unchanged();
  const persisted =
    index.byBody.get(query) ?? index.byBody.get(normalized(query, operationName) ?? '');
  if (!persisted)
    throw notInSafelist('This client may only run operations of the persisted query manifest.');
  return withOperation(request, params, extensions, persisted);
}

const notInSafelist = (message: string) => new HttpError(403, 'QUERY_NOT_IN_SAFELIST', message);

function normalized(query: string, operationName: string | undefined): string | null {
  try {
    return normalizeOperation(query, operationName);
  } catch {
    return null; // a document that does not parse is in no manifest
  }
}

function readParams(request: GraphQLHttpRequest): Params | null {
  if (request.method === 'GET') {
    return Object.fromEntries(new URLSearchParams(request.search)) as Params;
  }
  const { body } = request;
  return typeof body === 'object' && body !== null && !Array.isArray(body)
    ? (body as Params)
    : null;
}

// GET carries extensions as a JSON string
function parseExtensions(extensions: unknown): Record<string, unknown> | undefined {
  if (typeof extensions === 'string') {
    try {
      extensions = JSON.parse(extensions) as unknown;
    } catch {
      return undefined;
    }
  }
  return typeof extensions === 'object' && extensions !== null && !Array.isArray(extensions)
    ? (extensions as Record<string, unknown>)
    : undefined;
}

function persistedQueryHash(extensions: Record<string, unknown> | undefined): string | undefined {
  const persistedQuery = extensions?.['persistedQuery'];
  if (typeof persistedQuery !== 'object' || persistedQuery === null) return undefined;
  const hash = (persistedQuery as { sha256Hash?: unknown }).sha256Hash;
  return typeof hash === 'string' ? hash.toLowerCase() : undefined;
}

/**
 * The request with the manifest's text and name: the same text every time, so the gateway's
 * query plan cache (keyed by text and name) hits the plans warmed at start. The persistedQuery
 * extension is dropped: Apollo Server's APQ has nothing to look up.
 */
function withOperation(
  request: GraphQLHttpRequest,
  params: Params,
  extensions: Record<string, unknown> | undefined,
  persisted: PersistedOperation,
): PreparedRequest {
  const { persistedQuery: _dropped, ...otherExtensions } = extensions ?? {};
  const hasExtensions = Object.keys(otherExtensions).length > 0;
  if (request.method === 'GET') {
    const search = new URLSearchParams(request.search);
    search.set('query', persisted.body);
    search.set('operationName', persisted.name);
    if (hasExtensions) search.set('extensions', JSON.stringify(otherExtensions));
    else search.delete('extensions');
    return {
      ...request,
      search: `?${search.toString()}`,
      persisted,
      operationName: persisted.name,
    };
  }
  const { extensions: _old, ...rest } = params;
  return {
    ...request,
    body: {
      ...rest,
      query: persisted.body,
      operationName: persisted.name,
      ...(hasExtensions ? { extensions: otherExtensions } : {}),
    },
    persisted,
    operationName: persisted.name,
  };
}

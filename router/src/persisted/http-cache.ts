import { createHash } from 'node:crypto';
import { HeaderMap, type HTTPGraphQLResponse } from '@apollo/server';

/**
 * Makes a GET query response cacheable: `Cache-Control` (`private` when the caller is
 * identified, so shared caches never keep one user's data for another) and an `ETag` of the
 * body; a matching `If-None-Match` turns the response into a 304 without a body. Only
 * complete 200 responses without errors qualify: Apollo Server refuses mutations over GET, and
 * a response with errors may be a transient failure. Everything else is `no-store`.
 */
export function applyHttpCaching({
  method,
  ifNoneMatch,
  identified,
  maxAgeSeconds,
  response,
}: {
  method: string;
  ifNoneMatch: string | undefined;
  identified: boolean;
  maxAgeSeconds: number;
  response: HTTPGraphQLResponse;
}): HTTPGraphQLResponse {
  if (method !== 'GET') return response;
  const headers = new HeaderMap(response.headers);
  // origin: the CORS headers differ by the page that asked
  headers.set('vary', 'accept, authorization, x-api-key, origin');
  const body = response.body.kind === 'complete' ? response.body.string : null;
  const cacheable =
    (response.status ?? 200) === 200 && body !== null && maxAgeSeconds > 0 && !hasErrors(body);
  if (!cacheable || body === null) {
    headers.set('cache-control', 'no-store');
    return { ...response, headers };
  }
  const etag = `"${createHash('sha256').update(body).digest('base64url')}"`;
  headers.set('cache-control', `${identified ? 'private' : 'public'}, max-age=${maxAgeSeconds}`);
  headers.set('etag', etag);
  if (ifNoneMatch !== undefined && matches(ifNoneMatch, etag)) {
    headers.delete('content-type');
    headers.delete('content-length');
    return { status: 304, headers, body: { kind: 'complete', string: '' } };
  }
  return { ...response, headers };
}

// the errors key of a GraphQL response is top level; a data field named "errors" is deeper
const hasErrors = (body: string) => {
  if (!body.includes('"errors"')) return false;
  try {
    return 'errors' in (JSON.parse(body) as object);
  } catch {
    return true;
  }
};

// weak comparison, as RFC 9110 asks for If-None-Match
function matches(ifNoneMatch: string, etag: string): boolean {
  if (ifNoneMatch.trim() === '*') return true;
  return ifNoneMatch
    .split(',')
    .map((tag) => tag.trim().replace(/^W\//, ''))
    .includes(etag);
}

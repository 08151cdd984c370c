import type { IncomingHttpHeaders } from 'node:http';
import { HttpError } from '@ordergraph/shared/http';

/**
 * Headers whose presence proves a request was preflighted: a page on another site can only
 * send them with the router's CORS consent. Apollo's two, the API key partners send (so their
 * persisted GETs need nothing else) and graphql-sse's stream token.
 */
export const CSRF_SAFE_HEADERS = [
  'apollo-require-preflight',
  'x-apollo-operation-name',
  'x-api-key',
  'x-graphql-event-stream-token',
];

// the content types a <form> (or a no-cors fetch) may send without a preflight
const SIMPLE_CONTENT_TYPES = new Set([
  'application/x-www-form-urlencoded',
  'multipart/form-data',
  'text/plain',
]);

/**
 * Refuses, before anything is parsed or run, a request a page on another site could have sent
 * without a preflight: a GET or POST (an <img>, a <form>, a no-cors fetch) with no content type
 * or a simple one, and none of CSRF_SAFE_HEADERS. Apollo Server applies the same rule to the
 * requests it handles; this one covers every route of /graphql (multipart and SSE subscriptions,
 * persisted GETs) and answers first.
 */
export function assertNotCrossSiteSimple(method: string, headers: IncomingHttpHeaders): void {
  // any other method is preflighted by browsers
  if (method !== 'GET' && method !== 'POST' && method !== 'HEAD') return;
  const contentType = headers['content-type'];
  if (contentType !== undefined) {
    const essence = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
    if (!SIMPLE_CONTENT_TYPES.has(essence)) return;
  }
  if (CSRF_SAFE_HEADERS.some((name) => nonEmpty(headers[name]))) return;
  throw new HttpError(
    400,
    'BAD_REQUEST',
    'This request has been blocked as a potential cross-site request forgery (CSRF): send it ' +
      'with content-type: application/json, or with a non-empty apollo-require-preflight or ' +
      'x-api-key header.',
  );
}

const nonEmpty = (value: string | string[] | undefined) =>
  value !== undefined && (Array.isArray(value) ? value.join('') : value).length > 0;

// what a request carrying an operation sends in its query string
const OPERATION_PARAMS = ['query', 'extensions', 'operationName', 'variables'];

/**
 * A browser opening /graphql: a GET or HEAD that asks for HTML and carries no operation. It
 * reads nothing and runs nothing, so no forgery can ride on it: the router answers it with the
 * sandbox page (in development) rather than the CSRF refusal.
 */
export function isLandingPageRequest(
  method: string | undefined,
  headers: IncomingHttpHeaders,
  url = '/',
): boolean {
  if (method !== 'GET' && method !== 'HEAD') return false;
  if (!(headers.accept ?? '').toLowerCase().includes('text/html')) return false;
  const params = new URL(url, 'http://localhost').searchParams;
  return !OPERATION_PARAMS.some((name) => params.has(name));
}

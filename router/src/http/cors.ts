import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendGraphQLError, HttpError } from '@ordergraph/shared/http';

/** The request headers a browser app may send to /graphql (answered to preflights). */
export const CORS_ALLOWED_HEADERS = [
  'authorization',
  'content-type',
  'x-api-key',
  'apollo-require-preflight',
  'x-apollo-operation-name',
  'x-request-id',
  'if-none-match',
  // graphql-sse's single connection mode
  'x-graphql-event-stream-token',
  // W3C trace context, from browser instrumentation
  'traceparent',
  'tracestate',
] as const;

// PUT and DELETE: graphql-sse's reservation mode
const ALLOWED_METHODS = 'GET, POST, PUT, DELETE, OPTIONS';
// response headers a page may read besides the CORS-safelisted ones
const EXPOSED_HEADERS = 'x-request-id, etag';
const PREFLIGHT_MAX_AGE_SECONDS = 600;

export interface CorsOptions {
  /** the allowed origins (`scheme://host[:port]`); unset: none in production, localhost in development */
  origins: readonly string[] | undefined;
  production: boolean;
}

export interface Cors {
  /** whether a page of `origin` may call the router (the router's own origin always may) */
  allows(origin: string, host: string | undefined): boolean;
  /**
   * Adds the CORS headers a response to an allowed origin needs, and answers OPTIONS itself:
   * a preflight from an allowed origin with 204, from any other with 403. True when answered.
   */
  handle(request: IncomingMessage, response: ServerResponse): boolean;
}

/**
 * CORS for /graphql from an allowlist of origins. Other origins get no CORS headers, so their
 * pages cannot read responses, and their preflights (every request with a token, an API key or
 * JSON) are refused, so those requests are never sent at all.
 */
export function createCors({ origins, production }: CorsOptions): Cors {
  const listed = new Set(origins ?? []);
  // development without a list: any page served from this machine (a local frontend, the sandbox)
  const allowLocalhost = origins === undefined && !production;

  const allows = (origin: string, host: string | undefined): boolean => {
    if (listed.has(origin)) return true;
    let url: URL;
    try {
      url = new URL(origin);
    } catch {
      return false;
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
    // same origin: the router's own pages (the sandbox); browsers always send the real Host
    if (host !== undefined && url.host === host.toLowerCase()) return true;
    return allowLocalhost && LOCAL_HOSTNAMES.has(url.hostname);
  };

  return {
    allows,
    handle(request, response) {
      const origin = request.headers.origin;
      response.setHeader('vary', 'origin');
      const allowed = origin !== undefined && allows(origin, request.headers.host);
      if (allowed) {
        response.setHeader('access-control-allow-origin', origin);
        response.setHeader('access-control-expose-headers', EXPOSED_HEADERS);
      }
      if (request.method !== 'OPTIONS') return false;
      const preflight =
        origin !== undefined && request.headers['access-control-request-method'] !== undefined;
      if (preflight && !allowed) {
        sendGraphQLError(
          response,
          new HttpError(
            403,
            'CORS_ORIGIN_NOT_ALLOWED',
            `Pages of ${origin} may not call this API (ROUTER_CORS_ORIGINS lists the origins that may).`,
          ),
        );
        return true;
      }
      response.setHeader('allow', ALLOWED_METHODS);
      if (preflight) {
        response.setHeader(
          'vary',
          'origin, access-control-request-method, access-control-request-headers',
        );
        response.setHeader('access-control-allow-methods', ALLOWED_METHODS);
        response.setHeader('access-control-allow-headers', CORS_ALLOWED_HEADERS.join(', '));
        response.setHeader('access-control-max-age', String(PREFLIGHT_MAX_AGE_SECONDS));
      }
      response.writeHead(204);
      response.end();
      return true;
    },
  };
}

const LOCAL_HOSTNAMES = new Set(['localhost', '127.0.0.1', '[::1]']);

/** Reads ROUTER_CORS_ORIGINS: comma-separated origins; throws naming an entry that is not one. */
export function parseCorsOrigins(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  const entries = value
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  for (const entry of entries) {
    let origin: string | undefined;
    try {
      origin = new URL(entry).origin;
    } catch {
      origin = undefined;
    }
    if (origin !== entry.toLowerCase().replace(/\/$/, '') || origin === 'null') {
      throw new Error(
        `"${entry}" is not an origin: write scheme://host[:port], without a path (e.g. https://shop.example.com)`,
      );
    }
  }
  return entries.map((entry) => new URL(entry).origin);
}

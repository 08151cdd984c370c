import type { ServerResponse } from 'node:http';

/**
 * What the sandbox page may load: its own script and stylesheet, the inline styles GraphiQL's
 * editors set, and connections back to the router (fetch, SSE and WebSocket: 'self' covers
 * ws: and wss: of the same host). Nothing else, and no page may frame it.
 */
const SANDBOX_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

// JSON, metrics and health answers: nothing in them is ever rendered or framed
const API_POLICY = "default-src 'none'; frame-ancestors 'none'";

const ONE_YEAR_SECONDS = 365 * 24 * 60 * 60;

export interface SecurityHeaders {
  /** sets the headers every response of the router carries; `page` for the sandbox's HTML and assets */
  apply(response: ServerResponse, options?: { page?: boolean }): void;
}

/**
 * The browser-facing hardening headers: no MIME sniffing, no referrer, no framing, resources
 * not loadable by other sites' pages (CORS requests are unaffected), and HTTPS only in
 * production (the router sits behind a TLS-terminating proxy there).
 */
export function createSecurityHeaders({ production }: { production: boolean }): SecurityHeaders {
  const common: [string, string][] = [
    ['x-content-type-options', 'nosniff'],
    ['referrer-policy', 'no-referrer'],
    ['x-frame-options', 'DENY'],
    ['cross-origin-resource-policy', 'same-origin'],
    ['cross-origin-opener-policy', 'same-origin'],
    ['x-permitted-cross-domain-policies', 'none'],
  ];
  if (production) {
    common.push(['strict-transport-security', `max-age=${ONE_YEAR_SECONDS}; includeSubDomains`]);
  }
  return {
    apply(response, { page = false } = {}) {
      for (const [name, value] of common) response.setHeader(name, value);
      response.setHeader('content-security-policy', page ? SANDBOX_POLICY : API_POLICY);
    },
  };
}

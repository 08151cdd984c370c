import { codedError } from './errors.js';
import { signViewer, type Viewer } from './identity.js';
import { injectTraceHeaders } from './observability/tracing.js';

export interface ServiceClient {
  /** runs an operation on another subgraph as this service; GraphQL errors are thrown */
  request<TData>(options: {
    query: string;
    variables?: Record<string, unknown>;
    requestId?: string;
    /** aborts the call (a stopping consumer) */
    signal?: AbortSignal;
    /** this call's own time limit, e.g. for a long poll */
    timeoutMs?: number;
  }): Promise<TData>;
}

/**
 * A client for synchronous commands between services (pricing a basket, reserving stock):
 * signed like the router's requests, with the calling service as viewer.
 */
export function createServiceClient({
  service,
  url,
  signingSecret,
  timeoutMs = 10_000,
}: {
  service: string;
  url: string;
  signingSecret: string;
  timeoutMs?: number;
}): ServiceClient {
  const viewer: Viewer = { subject: service, roles: ['service'] };
  return {
    async request<TData>({
      query,
      variables,
      requestId,
      signal,
      timeoutMs: callTimeoutMs = timeoutMs,
    }: {
      query: string;
      variables?: Record<string, unknown>;
      requestId?: string;
      signal?: AbortSignal;
      timeoutMs?: number;
    }) {
      let response: Response;
      try {
        response = await fetch(url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            ...(requestId ? { 'x-request-id': requestId } : {}),
            ...signViewer(viewer, { secret: signingSecret }),
            // the called service's spans join the caller's trace
            ...traceHeaders(),
          },
          body: JSON.stringify({ query, variables }),
          signal: signal
            ? AbortSignal.any([signal, AbortSignal.timeout(callTimeoutMs)])
            : AbortSignal.timeout(callTimeoutMs),
        });
      } catch (error) {
        throw codedError('SERVICE_UNAVAILABLE', `${url} is unreachable.`, {
          cause: String(error),
        });
      }
      const body = (await response.json().catch(() => null)) as {
        data?: TData;
        errors?: { message: string }[];
      } | null;
      if (!body?.data || body.errors?.length) {
        const message =
          body?.errors?.map((error) => error.message).join('; ') ?? response.statusText;
        throw codedError('SERVICE_UNAVAILABLE', `${url} failed: ${message}`);
      }
      return body.data;
    },
  };
}

function traceHeaders(): Record<string, string> {
  const headers: Record<string, string> = {};
  injectTraceHeaders((name, value) => (headers[name] = value));
  return headers;
}

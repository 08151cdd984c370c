import {
  context,
  propagation,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Span,
} from '@opentelemetry/api';
import type { IncomingMessage } from 'node:http';

/** The tracer every ordergraph span comes from; a no-op until telemetry is started. */
export const tracer = trace.getTracer('ordergraph');

/**
 * The name and attributes of an HTTP server span by the semantic conventions
 * (`{method} {route}`, http.request.method, url.path, server.port, user_agent.original...).
 */
export function httpServerSpan(
  request: IncomingMessage,
  { route, attributes }: { route: string; attributes?: Attributes },
): { name: string; attributes: Attributes } {
  const method = request.method ?? 'GET';
  const url = new URL(request.url ?? '/', 'http://localhost');
  const userAgent = request.headers['user-agent'];
  return {
    name: `${method} ${route}`,
    attributes: {
      'http.request.method': method,
      'http.route': route,
      'url.path': url.pathname,
      'url.scheme': 'http',
      'network.protocol.version': request.httpVersion,
      ...(request.socket.localPort ? { 'server.port': request.socket.localPort } : {}),
      ...(request.socket.remoteAddress
        ? { 'network.peer.address': request.socket.remoteAddress }
        : {}),
      ...(userAgent ? { 'user_agent.original': userAgent } : {}),
      ...attributes,
    },
  };
}

/**
 * Runs one HTTP request to another service in a client span by the semantic conventions
 * (`{method}`, server.address, server.port, url.full, http.response.status_code): the
 * trace headers `work` sends from inside it make the callee's spans its children.
 */
export function withHttpClientSpan<T>(
  { method, url, attributes }: { method: string; url: URL; attributes?: Attributes },
  work: (span: Span) => Promise<T>,
): Promise<T> {
  return tracer.startActiveSpan(
    method,
    {
      kind: SpanKind.CLIENT,
      attributes: {
        'http.request.method': method,
        'server.address': url.hostname,
        'server.port': Number(url.port) || (url.protocol === 'https:' ? 443 : 80),
        'url.full': url.href,
        ...attributes,
      },
    },
    (span) => endWhenDone(span, work),
  );
}

/** Records the status of an HTTP span's response; 5xx marks a server span failed, 4xx a client's. */
export function setHttpStatus(span: Span, status: number, kind: 'server' | 'client'): void {
  span.setAttribute('http.response.status_code', status);
  if (status >= 500 || (kind === 'client' && status >= 400)) {
    span.setStatus({ code: SpanStatusCode.ERROR });
  }
}

/** Runs `work` in a server span that continues the caller's trace (W3C `traceparent`). */
export function withIncomingTrace<T>(
  headers: Map<string, string>,
  { name, attributes }: { name: string; attributes?: Attributes },
  work: (span: Span) => Promise<T>,
): Promise<T> {
  const parent = propagation.extract(context.active(), headers, mapGetter);
  return tracer.startActiveSpan(name, { kind: SpanKind.SERVER, attributes }, parent, (span) =>
    endWhenDone(span, work),
  );
}

/** Runs `work` in an internal span under the active one. */
export function withSpan<T>(
  name: string,
  attributes: Attributes,
  work: (span: Span) => Promise<T>,
): Promise<T> {
  return tracer.startActiveSpan(name, { attributes }, (span) => endWhenDone(span, work));
}

/** Writes the active trace context into outgoing headers (`traceparent`, `tracestate`). */
export function injectTraceHeaders(setHeader: (name: string, value: string) => void): void {
  propagation.inject(context.active(), undefined, {
    set: (_carrier, key, value) => setHeader(key, value),
  });
}

/**
 * Opens a span for one SQL statement under the active span, from when it is handed to the
 * driver; the returned function ends it when the statement completes (with its error, if it
 * failed). Only the statement text is recorded, never its parameter values. Outside a trace
 * (background work) or without tracing it does nothing.
 */
export function startStatementSpan(statement: string): (error?: unknown) => void {
  if (!trace.getActiveSpan()?.isRecording()) return () => {};
  const span = tracer.startSpan('db.query', {
    kind: SpanKind.CLIENT,
    attributes: {
      'db.system.name': 'postgresql',
      // the older name of the same attribute, which many trace viewers still read
      'db.system': 'postgresql',
      'db.query.text': statement,
    },
  });
  return (error) => {
    if (error) {
      span.recordException(error as Error);
      span.setStatus({ code: SpanStatusCode.ERROR });
    }
    span.end();
  };
}

async function endWhenDone<T>(span: Span, work: (span: Span) => Promise<T>): Promise<T> {
  try {
    return await work(span);
  } catch (error) {
    span.recordException(error as Error);
    span.setStatus({ code: SpanStatusCode.ERROR });
    throw error;
  } finally {
    span.end();
  }
}

const mapGetter = {
  keys: (carrier: Map<string, string>) => [...carrier.keys()],
  get: (carrier: Map<string, string>, key: string) => carrier.get(key),
};

import {
  context,
  propagation,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Span,
} from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { Resource } from '@opentelemetry/resources';
import {
  BatchSpanProcessor,
  NodeTracerProvider,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';

/** The tracer every ordergraph span comes from; a no-op until a provider is registered. */
export const tracer = trace.getTracer('ordergraph');

export interface Tracing {
  /** flushes the spans not yet exported and unregisters nothing: the process is ending */
  shutdown(): Promise<void>;
}

/**
 * Registers a tracer provider that exports over OTLP/HTTP to `endpoint` (the collector's base
 * URL, as OTEL_EXPORTER_OTLP_ENDPOINT); without one nothing is registered and every span is a
 * no-op. `spanProcessors` replaces the exporter (tests pass an in-memory one).
 */
export function startTracing({
  serviceName,
  endpoint,
  spanProcessors,
}: {
  serviceName: string;
  endpoint?: string | undefined;
  spanProcessors?: SpanProcessor[];
}): Tracing | null {
  const processors =
    spanProcessors ??
    (endpoint
      ? [
          new BatchSpanProcessor(
            new OTLPTraceExporter({ url: new URL('v1/traces', withSlash(endpoint)).toString() }),
          ),
        ]
      : []);
  if (processors.length === 0) return null;
  const provider = new NodeTracerProvider({
    // the 1.x resource class has the shape the 2.x provider reads (attributes, merge)
    resource: new Resource({ [ATTR_SERVICE_NAME]: serviceName }) as never,
    spanProcessors: processors,
  });
  // registers the W3C traceparent propagator and the async-local-storage context manager
  provider.register();
  return { shutdown: () => provider.shutdown() };
}

const withSlash = (url: string) => (url.endsWith('/') ? url : `${url}/`);

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

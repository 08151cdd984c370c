import type { MetricReader } from '@opentelemetry/sdk-metrics';
import type { SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { z } from 'zod';

/**
 * The standard variables that turn telemetry on (the OpenTelemetry SDK reads the rest itself:
 * OTEL_SERVICE_NAME, OTEL_RESOURCE_ATTRIBUTES, OTEL_EXPORTER_OTLP_PROTOCOL, OTEL_TRACES_SAMPLER,
 * OTEL_METRIC_EXPORT_INTERVAL...). Without any of them nothing is exported anywhere.
 */
export const telemetryEnvShape = {
  OTEL_SDK_DISABLED: z.string().optional(),
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url().optional(),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: z.url().optional(),
  OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: z.url().optional(),
  OTEL_TRACES_EXPORTER: z.string().optional(),
  OTEL_METRICS_EXPORTER: z.string().optional(),
};

/** Whether the environment asks for telemetry: an OTLP endpoint or an exporter named. */
export function telemetryRequested(env: {
  OTEL_SDK_DISABLED?: string | undefined;
  OTEL_EXPORTER_OTLP_ENDPOINT?: string | undefined;
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?: string | undefined;
  OTEL_EXPORTER_OTLP_METRICS_ENDPOINT?: string | undefined;
  OTEL_TRACES_EXPORTER?: string | undefined;
  OTEL_METRICS_EXPORTER?: string | undefined;
}): boolean {
  // the SDK's own reading: `true` in any case disables it
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return false;
  const named = (exporters: string | undefined) =>
    exporters !== undefined && exporters.trim() !== '' && exporters.trim() !== 'none';
  return Boolean(
    env.OTEL_EXPORTER_OTLP_ENDPOINT ||
    env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ||
    env.OTEL_EXPORTER_OTLP_METRICS_ENDPOINT ||
    named(env.OTEL_TRACES_EXPORTER) ||
    named(env.OTEL_METRICS_EXPORTER),
  );
}

export interface Telemetry {
  /** flushes what is not exported yet: the process is ending */
  shutdown(): Promise<void>;
}

/**
 * Starts the OpenTelemetry Node SDK (traces, metrics, the W3C propagator and the async context)
 * when `enabled`, its exporters chosen by the OTEL_* variables. Tests pass their own span
 * processors and metric readers instead, which starts it whatever the environment says. Null
 * when nothing is started: every span and instrument is then a no-op. The SDK is loaded only
 * then, so a process with telemetry off never pays for loading it.
 */
export async function startTelemetry({
  serviceName,
  enabled = false,
  spanProcessors,
  metricReaders,
}: {
  serviceName: string;
  enabled?: boolean;
  spanProcessors?: SpanProcessor[];
  metricReaders?: MetricReader[];
}): Promise<Telemetry | null> {
  const local = spanProcessors !== undefined || metricReaders !== undefined;
  if (!enabled && !local) return null;
  // seconds of module loading: only for the processes that export
  const [{ NodeSDK }, { defaultResource, resourceFromAttributes }, { ATTR_SERVICE_NAME }] =
    await Promise.all([
      import('@opentelemetry/sdk-node'),
      import('@opentelemetry/resources'),
      import('@opentelemetry/semantic-conventions'),
    ]);
  const sdk = new NodeSDK({
    // OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES, detected at start, take precedence
    resource: defaultResource().merge(resourceFromAttributes({ [ATTR_SERVICE_NAME]: serviceName })),
    // HTTP and SQL spans are the services' own (semantic conventions), not monkey-patching
    instrumentations: [],
    // given processors and readers replace the ones the environment would configure
    ...(local ? { spanProcessors: spanProcessors ?? [], metricReaders: metricReaders ?? [] } : {}),
    ...(local ? { logRecordProcessors: [] } : {}),
  });
  sdk.start();
  return { shutdown: () => sdk.shutdown() };
}

import type { ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { startTelemetry } from '../observability/telemetry.js';

/** One data point of a collected metric: its attributes and its value (a histogram's count). */
export interface CollectedPoint {
  attributes: Record<string, unknown>;
  value: number;
}

/**
 * Starts the OpenTelemetry SDK for a test process, exporting into memory: every finished span,
 * and the metrics collected on demand by name. Call it before the services start.
 */
export async function startTestTelemetry(serviceName = 'ordergraph-test') {
  // loaded here, not at the top: every test imports this folder, few of them export telemetry
  const [{ MetricReader }, { InMemorySpanExporter, SimpleSpanProcessor }] = await Promise.all([
    import('@opentelemetry/sdk-metrics'),
    import('@opentelemetry/sdk-trace-base'),
  ]);
  // a reader the test collects from when it asks, instead of on an interval
  class OnDemandMetricReader extends MetricReader {
    protected override async onForceFlush(): Promise<void> {}
    protected override async onShutdown(): Promise<void> {}
  }
  const spans = new InMemorySpanExporter();
  const reader = new OnDemandMetricReader();
  await startTelemetry({
    serviceName,
    spanProcessors: [new SimpleSpanProcessor(spans)],
    metricReaders: [reader],
  });
  return {
    spans,
    /** the data points of one metric, as the SDK would export them now */
    async metric(name: string): Promise<CollectedPoint[]> {
      const { resourceMetrics } = await reader.collect();
      return pointsOf(resourceMetrics, name);
    },
  };
}

function pointsOf(resourceMetrics: ResourceMetrics, name: string): CollectedPoint[] {
  return resourceMetrics.scopeMetrics
    .flatMap((scope) => scope.metrics)
    .filter((metric) => metric.descriptor.name === name)
    .flatMap((metric) =>
      (metric.dataPoints as { attributes: Record<string, unknown>; value: unknown }[]).map(
        (point) => ({
          attributes: point.attributes,
          value:
            typeof point.value === 'number'
              ? point.value
              : (point.value as { count: number }).count,
        }),
      ),
    );
}

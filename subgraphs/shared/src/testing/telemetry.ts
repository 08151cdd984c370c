import { MetricReader, type ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { startTelemetry } from '../observability/telemetry.js';

/** A reader the test collects from when it asks, instead of on an interval. */
class OnDemandMetricReader extends MetricReader {
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

/** One data point of a collected metric: its attributes and its value (a histogram's count). */
export interface CollectedPoint {
  attributes: Record<string, unknown>;
  value: number;
}

/**
 * Starts the OpenTelemetry SDK for a test process, exporting into memory: every finished span,
 * and the metrics collected on demand by name. Call it before the services start.
 */
export function startTestTelemetry(serviceName = 'ordergraph-test') {
  const spans = new InMemorySpanExporter();
  const reader = new OnDemandMetricReader();
  startTelemetry({
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

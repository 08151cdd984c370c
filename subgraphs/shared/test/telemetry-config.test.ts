import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readSubgraphConfig } from '../src/index.js';

const telemetryOf = (env: Record<string, string>) =>
  readSubgraphConfig({ name: 'catalog', defaultPort: 4002, env }).telemetry;

describe('telemetry from the standard OTEL_* variables', () => {
  it('is off without an endpoint or an exporter, and with OTEL_SDK_DISABLED', () => {
    assert.equal(telemetryOf({}), false);
    assert.equal(telemetryOf({ OTEL_TRACES_EXPORTER: 'none' }), false);
    assert.equal(
      telemetryOf({
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318',
        OTEL_SDK_DISABLED: 'TRUE',
      }),
      false,
    );
  });

  it('is on with an OTLP endpoint, for all signals or for one, or an exporter named', () => {
    assert.equal(telemetryOf({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }), true);
    assert.equal(
      telemetryOf({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://collector:4318/v1/traces' }),
      true,
    );
    assert.equal(telemetryOf({ OTEL_METRICS_EXPORTER: 'console' }), true);
  });

  it('refuses an endpoint that is not a URL, naming the variable', () => {
    assert.throws(
      () => telemetryOf({ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector' }),
      /OTEL_EXPORTER_OTLP_ENDPOINT/,
    );
  });
});

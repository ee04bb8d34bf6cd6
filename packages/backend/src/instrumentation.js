/*
 * OpenTelemetry for the example backend, as Backstage documents it: loaded
 * before the backend (`--require ./src/instrumentation.js`), and off unless
 * OTEL_EXPORTER_OTLP_ENDPOINT names an OTLP/HTTP receiver (a collector,
 * Jaeger, Grafana Tempo, …), e.g. http://localhost:4318. Then Glu's spans
 * and metrics, and those of other plugins, go there; the SDK reads the
 * other OTEL_* variables (OTEL_SERVICE_NAME, OTEL_EXPORTER_OTLP_HEADERS, …).
 */
'use strict';

const { isMainThread } = require('node:worker_threads');

// Once per process, not in worker threads; and only when asked for.
if (isMainThread && process.env.OTEL_EXPORTER_OTLP_ENDPOINT) {
  const { NodeSDK } = require('@opentelemetry/sdk-node');
  const {
    OTLPTraceExporter,
  } = require('@opentelemetry/exporter-trace-otlp-http');
  const {
    OTLPMetricExporter,
  } = require('@opentelemetry/exporter-metrics-otlp-http');
  const {
    PeriodicExportingMetricReader,
  } = require('@opentelemetry/sdk-metrics');

  const sdk = new NodeSDK({
    serviceName: process.env.OTEL_SERVICE_NAME ?? 'backstage',
    traceExporter: new OTLPTraceExporter(),
    metricReaders: [
      new PeriodicExportingMetricReader({ exporter: new OTLPMetricExporter() }),
    ],
  });
  sdk.start();
  process.once('SIGTERM', () => {
    sdk.shutdown().catch(() => {});
  });
}

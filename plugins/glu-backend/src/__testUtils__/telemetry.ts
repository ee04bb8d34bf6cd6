import { context, metrics, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  AggregationTemporality,
  DataPoint,
  Histogram,
  InMemoryMetricExporter,
  MeterProvider,
  MetricReader,
  PeriodicExportingMetricReader,
  PushMetricExporter,
} from '@opentelemetry/sdk-metrics';
import {
  InMemorySpanExporter,
  ReadableSpan,
  SimpleSpanProcessor,
  SpanProcessor,
  TracerProvider,
} from '@opentelemetry/sdk-trace';

/**
 * An OpenTelemetry SDK registered globally for a test, as an app's
 * instrumentation file registers one: a tracer provider, a meter provider
 * and the AsyncLocalStorage context manager. By default spans and metrics
 * stay in memory; other exporters may be given (OTLP to a receiver).
 */
export function installTelemetry(
  options: {
    spanProcessor?: SpanProcessor;
    metricExporter?: PushMetricExporter;
  } = {},
) {
  const spans = new InMemorySpanExporter();
  const metricExporter =
    options.metricExporter ??
    new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  const tracerProvider = new TracerProvider({
    spanProcessors: [
      options.spanProcessor ?? new SimpleSpanProcessor({ exporter: spans }),
    ],
  });
  const reader: MetricReader = new PeriodicExportingMetricReader({
    exporter: metricExporter,
    // Exported when the test asks (forceFlush), not on a clock.
    exportIntervalMillis: 3_600_000,
    exportTimeoutMillis: 10_000,
  });
  const meterProvider = new MeterProvider({ readers: [reader] });
  const contextManager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(contextManager);
  trace.setGlobalTracerProvider(tracerProvider);
  metrics.setGlobalMeterProvider(meterProvider);

  return {
    /** The spans ended so far. */
    spans: (): ReadableSpan[] => spans.getFinishedSpans(),
    /** Spans of a name, optionally with an attribute of a value. */
    spansNamed(name: string, attributes: Record<string, unknown> = {}) {
      return spans
        .getFinishedSpans()
        .filter(
          s =>
            s.name === name &&
            Object.entries(attributes).every(
              ([key, value]) => s.attributes[key] === value,
            ),
        );
    },
    /** Collects the metrics now: each metric's data points, by name. */
    async collect(): Promise<Map<string, DataPoint<unknown>[]>> {
      await reader.forceFlush();
      const byName = new Map<string, DataPoint<unknown>[]>();
      if (!(metricExporter instanceof InMemoryMetricExporter)) return byName;
      const last = metricExporter.getMetrics().at(-1);
      for (const scope of last?.scopeMetrics ?? []) {
        for (const metric of scope.metrics) {
          byName.set(metric.descriptor.name, [
            ...(byName.get(metric.descriptor.name) ?? []),
            ...(metric.dataPoints as DataPoint<unknown>[]),
          ]);
        }
      }
      return byName;
    },
    async flush() {
      await tracerProvider.forceFlush();
      await reader.forceFlush();
    },
    async uninstall() {
      await tracerProvider.shutdown().catch(() => {});
      await meterProvider.shutdown().catch(() => {});
      trace.disable();
      metrics.disable();
      context.disable();
    },
  };
}

/** The value of a counter's point, or the count of a histogram's. */
export function valueOf(point: DataPoint<unknown> | undefined): number {
  if (!point) return 0;
  const value = point.value as number | Histogram;
  return typeof value === 'number' ? value : value.count;
}

/** The points whose attributes include these. */
export function pointsWith(
  points: DataPoint<unknown>[] | undefined,
  attributes: Record<string, unknown>,
): DataPoint<unknown>[] {
  return (points ?? []).filter(p =>
    Object.entries(attributes).every(([k, v]) => p.attributes[k] === v),
  );
}

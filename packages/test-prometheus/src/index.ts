/**
 * For tests: a real Prometheus (Debian's `prometheus`) on a loopback port,
 * and an exporter whose counters per version tests set, for it to scrape.
 *
 * @packageDocumentation
 */
export { startPrometheus } from './prometheus';
export type { TestPrometheus, TestPrometheusOptions } from './prometheus';
export { startExporter } from './exporter';
export type { TestCounts, TestExporter, TestSeriesValue } from './exporter';

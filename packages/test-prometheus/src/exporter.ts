import http from 'node:http';
import { AddressInfo } from 'node:net';

/**
 * The counters of one version, as an application would count them.
 *
 * @public
 */
export interface TestCounts {
  /** Requests served by the version, in all. */
  requests: number;
  /** Of those, the ones that failed. */
  errors: number;
}

/**
 * A value a series has at a scrape: a number, or one computed from how many
 * scrapes there were (for counters that must keep growing, e.g. under
 * `irate`).
 *
 * @public
 */
export type TestSeriesValue = number | ((scrape: number) => number);

/**
 * An application's metrics endpoint, for Prometheus to scrape.
 *
 * @public
 */
export interface TestExporter {
  /** Where it listens, `127.0.0.1:PORT`: a scrape target. */
  host: string;
  /**
   * Sets the counters of a version: `glu_test_requests_total{version}` and
   * `glu_test_errors_total{version}`.
   */
  serve(version: string, counts: TestCounts): void;
  /**
   * Sets any other series, by metric name and labels, e.g. Istio's
   * `istio_requests_total{destination_service, response_code}`.
   */
  set(
    name: string,
    labels: Record<string, string>,
    value: TestSeriesValue,
  ): void;
  /** How many times `/metrics` was read. */
  readonly scrapes: number;
  /** Stops serving, closing open connections. */
  stop(): Promise<void>;
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** A label value in the text format: backslash, quote and newline escaped. */
function escapeLabel(value: string): string {
  return value
    .replace(/\\/g, '\\\\')
    .replace(/"/g, '\\"')
    .replace(/\n/g, '\\n');
}

function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}

/**
 * Starts an exporter on a free loopback port, serving `/metrics` in
 * Prometheus' text format (version 0.0.4).
 *
 * @public
 */
export async function startExporter(): Promise<TestExporter> {
  /** Series by metric name, then by their label set as the text writes it. */
  const series = new Map<string, Map<string, TestSeriesValue>>();
  let scrapes = 0;

  const set = (
    name: string,
    labels: Record<string, string>,
    value: TestSeriesValue,
  ) => {
    if (!METRIC_NAME.test(name)) {
      throw new Error(`${name} is not a Prometheus metric name`);
    }
    const pairs = Object.keys(labels)
      .sort()
      .map(key => {
        if (!LABEL_NAME.test(key)) {
          throw new Error(`${key} is not a Prometheus label name`);
        }
        return `${key}="${escapeLabel(labels[key])}"`;
      });
    if (!series.has(name)) series.set(name, new Map());
    series.get(name)!.set(pairs.length ? `{${pairs.join(',')}}` : '', value);
  };

  const render = (scrape: number) => {
    const lines: string[] = [];
    for (const [name, values] of series) {
      lines.push(`# TYPE ${name} counter`);
      for (const [labels, value] of values) {
        const number = typeof value === 'function' ? value(scrape) : value;
        lines.push(`${name}${labels} ${formatValue(number)}`);
      }
    }
    return `${lines.join('\n')}\n`;
  };

  const server = http.createServer((request, response) => {
    if (request.method !== 'GET' || request.url?.split('?')[0] !== '/metrics') {
      response.writeHead(404).end('not found\n');
      return;
    }
    scrapes += 1;
    response.writeHead(200, {
      'content-type': 'text/plain; version=0.0.4; charset=utf-8',
    });
    response.end(render(scrapes));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    host: `127.0.0.1:${port}`,
    serve(version, counts) {
      set('glu_test_requests_total', { version }, counts.requests);
      set('glu_test_errors_total', { version }, counts.errors);
    },
    set,
    get scrapes() {
      return scrapes;
    },
    stop() {
      return new Promise<void>(resolve => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

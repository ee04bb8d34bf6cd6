import { JsonObject } from '@backstage/types';
import { GluGateContext, GluGateResult } from '@glu-dev/plugin-glu-node';
import {
  startExporter,
  startPrometheus,
  TestExporter,
  TestPrometheus,
} from '@internal/glu-test-prometheus';
import {
  gateContext,
  gatesFor,
  minutes,
  nextCheck,
} from './__testUtils__/gates';

jest.setTimeout(90_000);

/** The error rate of the version the upstream phase holds. */
const QUERY =
  'sum(glu_test_errors_total{version="$version"}) / sum(glu_test_requests_total{version="$version"})';
const ratioOf = (version: string) => QUERY.replace(/\$version/g, version);

describe('the prometheus gate against a real Prometheus', () => {
  let exporter: TestExporter;
  let prometheus: TestPrometheus;

  beforeAll(async () => {
    exporter = await startExporter();
    prometheus = await startPrometheus({ targets: [exporter.host] });
  });

  afterAll(async () => {
    await prometheus?.stop();
    await exporter?.stop();
  });

  const gate = (timeouts?: JsonObject) =>
    gatesFor({
      gates: {
        prometheus: { servers: [{ name: 'main', url: prometheus.url }] },
      },
      ...(timeouts ? { timeouts } : {}),
    }).prometheus;

  const holding = (version: string): GluGateContext =>
    gateContext({ from: { ...gateContext().from, version } });

  const options = (extra: Record<string, unknown> = {}) => ({
    query: QUERY,
    condition: '< 0.01',
    name: 'error rate',
    ...extra,
  });

  it('passes a healthy version, and says for how long it has been', async () => {
    exporter.serve('1.2.0', { requests: 1000, errors: 2 });
    await prometheus.scraped(ratioOf('1.2.0'), v => v === 0.002);
    const prometheusGate = gate();
    expect(prometheusGate.validate!(options())).toEqual([]);

    let context = holding('1.2.0');
    const first = await prometheusGate.evaluate(options(), context);
    expect(first).toEqual({
      passed: true,
      reason: 'error rate 0.002 (< 0.01) for 0s',
      metrics: [
        {
          name: 'error rate',
          condition: '< 0.01',
          measurements: [
            {
              at: minutes(0).toISOString(),
              value: 0.002,
              outcome: 'successful',
            },
          ],
        },
      ],
    });
    context = nextCheck(context, first, minutes(4));
    const second = await prometheusGate.evaluate(options(), context);
    expect(second.passed).toBe(true);
    expect(second.reason).toBe('error rate 0.002 (< 0.01) for 4m');
    expect(second.metrics![0].measurements).toHaveLength(2);
  });

  it('fails a version whose error rate climbs, once past failureLimit', async () => {
    const prometheusGate = gate();
    exporter.serve('1.3.0', { requests: 1000, errors: 2 });
    await prometheus.scraped(ratioOf('1.3.0'), v => v === 0.002);
    let context = holding('1.3.0');
    const results: GluGateResult[] = [];
    const check = async (minute: number) => {
      if (results.length) {
        context = nextCheck(
          context,
          results[results.length - 1],
          minutes(minute),
        );
      }
      results.push(
        await prometheusGate.evaluate(options({ failureLimit: 1 }), context),
      );
      return results[results.length - 1];
    };
    expect((await check(0)).passed).toBe(true);

    exporter.serve('1.3.0', { requests: 2000, errors: 104 });
    await prometheus.scraped(ratioOf('1.3.0'), v => v === 0.052);
    expect(await check(1)).toMatchObject({
      passed: false,
      reason: 'error rate 0.052, not < 0.01 (1 failed measurement, 1 allowed)',
    });
    expect(results[1].failed).toBeUndefined();
    expect(await check(2)).toMatchObject({
      passed: false,
      failed: true,
      reason: 'error rate 0.052, not < 0.01 (2 failed measurements, 1 allowed)',
    });
    expect(results[2].metrics![0].measurements.map(m => m.outcome)).toEqual([
      'successful',
      'failed',
      'failed',
    ]);
  });

  it('waits on a version without data, or without traffic yet', async () => {
    const prometheusGate = gate();
    expect(
      await prometheusGate.evaluate(options(), holding('9.9.9')),
    ).toMatchObject({
      passed: false,
      reason: 'no data for error rate',
    });
    exporter.serve('1.4.0', { requests: 0, errors: 0 });
    await prometheus.scraped(ratioOf('1.4.0'), v => Number.isNaN(v));
    const idle = await prometheusGate.evaluate(options(), holding('1.4.0'));
    expect(idle).toMatchObject({
      passed: false,
      reason: 'error rate is NaN (e.g. no traffic yet)',
    });
    expect(idle.failed).toBeUndefined();
  });

  it('says to aggregate a query that answers several series', async () => {
    exporter.serve('1.5.0', { requests: 10, errors: 0 });
    exporter.serve('1.5.1', { requests: 10, errors: 0 });
    await prometheus.scraped('count(glu_test_requests_total)', v => v >= 2);
    const answer = await gate().evaluate(
      options({ query: 'glu_test_requests_total' }),
      holding('1.5.0'),
    );
    expect(answer.passed).toBe(false);
    expect(answer.reason).toMatch(
      /^the query answers \d+ series: aggregate them into one \(sum, max, avg, …\)$/,
    );
  });

  it('waits, never passing, while Prometheus is down', async () => {
    exporter.serve('1.6.0', { requests: 1000, errors: 1 });
    await prometheus.scraped(ratioOf('1.6.0'), v => v === 0.001);
    const prometheusGate = gate();
    let context = holding('1.6.0');
    const healthy = await prometheusGate.evaluate(options(), context);
    expect(healthy.passed).toBe(true);

    await prometheus.down();
    try {
      context = nextCheck(context, healthy, minutes(1));
      const down = await prometheusGate.evaluate(options(), context);
      expect(down).toMatchObject({
        passed: false,
        reason: 'Prometheus main did not answer: connection refused',
      });
      expect(down.failed).toBeUndefined();
      expect(down.metrics![0].measurements.map(m => m.outcome)).toEqual([
        'successful',
        'error',
      ]);
    } finally {
      await prometheus.up();
    }
    await prometheus.scraped(ratioOf('1.6.0'), v => v === 0.001);
  });

  it('waits while Prometheus does not answer in time', async () => {
    const prometheusGate = gate({ http: { seconds: 1 } });
    await prometheus.freeze();
    let answer: GluGateResult;
    try {
      answer = await prometheusGate.evaluate(options(), holding('1.2.0'));
    } finally {
      prometheus.thaw();
    }
    expect(answer).toMatchObject({
      passed: false,
      reason: 'Prometheus main did not answer: no answer within 1s',
      metrics: [
        {
          measurements: [
            {
              outcome: 'error',
              message: 'Prometheus main did not answer: no answer within 1s',
            },
          ],
        },
      ],
    });
    expect(answer.failed).toBeUndefined();
  });

  it('says what Prometheus says of a query it refuses', async () => {
    const answer = await gate().evaluate(
      options({ query: 'sum(glu_test_errors_total{version="$version"}' }),
      holding('1.2.0'),
    );
    expect(answer.passed).toBe(false);
    expect(answer.reason).toMatch(/^Prometheus main answered 400: bad_data: /);
  });
});

import { ConfigReader } from '@backstage/config';
import {
  GLU_GATE_MEASUREMENTS,
  GluGateMeasurement,
} from '@glu-dev/plugin-glu-node';
import {
  gateContext,
  gatesFor,
  minutes,
  nextCheck,
} from './__testUtils__/gates';
import { createPrometheusGates } from './module';
import { decideThreshold, measureAnswer } from './PrometheusGate';

const threshold = { op: '<' as const, value: 0.01 };
const at = (minute: number) => minutes(minute).toISOString();

describe('the prometheus gate', () => {
  const servers = [
    { name: 'main', url: 'http://prometheus.monitoring:9090' },
    {
      name: 'thanos',
      url: 'https://thanos.example.com',
      token: 'secret-token',
    },
  ];

  it('checks its options', () => {
    const { prometheus } = gatesFor({ gates: { prometheus: { servers } } });
    const query = 'sum(rate(errors{version="$version"}[5m]))';
    expect(
      prometheus.validate!({ query, condition: '< 0.01', server: 'main' }),
    ).toEqual([]);
    expect(prometheus.validate!({ query, condition: '< 0.01' })).toEqual([
      'server must name the Prometheus server, as several are configured (main, thanos)',
    ]);
    expect(
      prometheus.validate!({
        query: 'up{team="${labels.team}",x="$verison"}',
        condition: 'below 1',
        server: 'other',
        failureLimit: -1,
        extra: true,
      }),
    ).toEqual([
      '"extra" is not query, condition, server, failureLimit, name, soak, interval or rollback',
      'query names $verison, which is not $version, $digest, $phase, $pipeline or ${labels.<key>}',
      'condition must be like "< 0.01", "<= x", "> x", ">= x", "== x", "!= x" or "between x and y", not "below 1"',
      'failureLimit must be a whole number of failed measurements allowed, 0 or more, not -1',
      'server "other" is not a configured Prometheus server (main, thanos)',
    ]);
    const none = gatesFor({}).prometheus;
    expect(none.validate!({ query, condition: '< 1' })).toEqual([
      'no Prometheus server is configured (glu.gates.prometheus.servers in app-config)',
    ]);
  });

  it('takes one sample of an answer, or says why there is none', () => {
    const vector = (...values: number[]) => ({
      resultType: 'vector' as const,
      series: values.map(value => ({ labels: {}, value })),
    });
    expect(measureAnswer(vector(0.002), threshold, at(0))).toEqual({
      at: at(0),
      value: 0.002,
      outcome: 'successful',
    });
    expect(
      measureAnswer({ resultType: 'scalar', value: 0.5 }, threshold, at(0)),
    ).toEqual({
      at: at(0),
      value: 0.5,
      outcome: 'failed',
    });
    expect(measureAnswer(vector(), threshold, at(0))).toEqual({
      at: at(0),
      outcome: 'inconclusive',
      message: 'no data',
    });
    expect(measureAnswer(vector(1, 2), threshold, at(0))).toEqual({
      at: at(0),
      outcome: 'error',
      message:
        'the query answers 2 series: aggregate them into one (sum, max, avg, …)',
    });
    expect(measureAnswer(vector(NaN), threshold, at(0))).toEqual({
      at: at(0),
      outcome: 'inconclusive',
      message: 'NaN (e.g. no traffic yet)',
    });
    expect(
      measureAnswer({ resultType: 'matrix', values: [1] }, threshold, at(0))
        .message,
    ).toBe('the query answers a range vector, not one number');
  });

  it('decides from the measurements of the version', () => {
    const decide = (
      failureLimit: number,
      ...measurements: GluGateMeasurement[]
    ) =>
      decideThreshold({
        name: 'error rate',
        threshold,
        failureLimit,
        measurements,
        now: minutes(10),
      });
    const ok = (minute: number) => ({
      at: at(minute),
      value: 0.0021,
      outcome: 'successful' as const,
    });
    const bad = (minute: number) => ({
      at: at(minute),
      value: 0.052,
      outcome: 'failed' as const,
    });
    expect(decide(0, ok(6), ok(8), ok(10))).toMatchObject({
      passed: true,
      reason: 'error rate 0.0021 (< 0.01) for 4m',
    });
    expect(decide(1, ok(8), bad(10))).toMatchObject({
      passed: false,
      reason: 'error rate 0.052, not < 0.01 (1 failed measurement, 1 allowed)',
    });
    expect(decide(1, bad(8), bad(10))).toMatchObject({
      passed: false,
      failed: true,
      reason: 'error rate 0.052, not < 0.01 (2 failed measurements, 1 allowed)',
    });
    // Failed for good once over the limit, even if it recovers.
    expect(decide(0, bad(8), ok(10))).toMatchObject({
      passed: false,
      failed: true,
      reason: 'error rate failed: 1 failed measurement, 0 allowed',
    });
    expect(
      decide(0, ok(8), {
        at: at(10),
        outcome: 'inconclusive',
        message: 'no data',
      }),
    ).toMatchObject({ passed: false, reason: 'no data for error rate' });
    expect(
      decide(0, ok(8), {
        at: at(10),
        outcome: 'error',
        message: 'Prometheus main did not answer: no answer within 10s',
      }),
    ).toMatchObject({
      passed: false,
      reason: 'Prometheus main did not answer: no answer within 10s',
    });
  });

  it('fills placeholders escaped for PromQL and sends credentials to its server only', async () => {
    const requests: Array<{ url: string; headers: Headers }> = [];
    const { prometheus } = createPrometheusGates(
      new ConfigReader({ glu: { gates: { prometheus: { servers } } } }),
      {
        fetch: async (input, init) => {
          requests.push({
            url: String(input),
            headers: new Headers(init?.headers),
          });
          return Response.json({
            status: 'success',
            data: { resultType: 'scalar', result: [0, '0.001'] },
          });
        },
      },
    );
    const context = gateContext({
      labels: { team: 'pay"ments\\' },
      from: { ...gateContext().from, version: '1.2.0"} or vector(1) #' },
    });
    const answer = await prometheus.evaluate(
      {
        query:
          'sum(x{version="${version}",team="${labels.team}",p="$pipeline",ph="$phase",d="$digest"})',
        condition: '< 0.01',
        server: 'thanos',
        name: 'errors',
      },
      context,
    );
    expect(answer).toMatchObject({
      passed: true,
      reason: 'errors 0.001 (< 0.01) for 0s',
    });
    const url = new URL(requests[0].url);
    expect(url.origin + url.pathname).toBe(
      'https://thanos.example.com/api/v1/query',
    );
    expect(url.searchParams.get('query')).toBe(
      'sum(x{version="1.2.0\\"} or vector(1) #",team="pay\\"ments\\\\",p="checkout",ph="staging",d="sha256:1200"})',
    );
    expect(requests[0].headers.get('authorization')).toBe(
      'Bearer secret-token',
    );

    const missing = await prometheus.evaluate(
      { query: 'x{t="${labels.owner}"}', condition: '< 1', server: 'main' },
      context,
    );
    expect(missing.reason).toBe(
      'the pipeline has no label owner (${labels.owner})',
    );
    expect(requests[1]).toBeUndefined();
  });

  it(`keeps the measurements of the version, at most ${GLU_GATE_MEASUREMENTS}`, async () => {
    const { prometheus } = createPrometheusGates(
      new ConfigReader({
        glu: { gates: { prometheus: { servers: [servers[0]] } } },
      }),
      {
        fetch: async () =>
          Response.json({
            status: 'success',
            data: {
              resultType: 'vector',
              result: [{ metric: {}, value: [0, '0.001'] }],
            },
          }),
      },
    );
    const options = { query: 'errors', condition: '< 0.01' };
    let context = gateContext();
    let answer = await prometheus.evaluate(options, context);
    for (let i = 1; i <= GLU_GATE_MEASUREMENTS + 5; i++) {
      context = nextCheck(context, answer, minutes(i));
      answer = await prometheus.evaluate(options, context);
    }
    expect(answer.metrics).toHaveLength(1);
    expect(answer.metrics![0]).toMatchObject({
      name: 'errors',
      condition: '< 0.01',
    });
    expect(answer.metrics![0].measurements).toHaveLength(GLU_GATE_MEASUREMENTS);
    // Held since the first, though the oldest measurements were dropped.
    expect(answer.reason).toBe(`errors 0.001 (< 0.01) for 2h 5m`);
  });
});

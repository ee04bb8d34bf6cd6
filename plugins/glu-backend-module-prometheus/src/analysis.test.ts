import { ConfigReader } from '@backstage/config';
import { GluGateResult } from '@glu-dev/plugin-glu-node';
import { parse } from 'yaml';
import {
  ARGO_SUCCESS_RATE,
  gateContext,
  minutes,
  nextCheck,
} from './__testUtils__/gates';
import { judge } from './analysis';
import { parseCondition } from './conditions';
import { createPrometheusGates } from './module';

const expression = (text: string) => {
  const parsed = parseCondition(text);
  if ('problems' in parsed) throw new Error(parsed.problems.join('; '));
  return parsed.expression;
};

/**
 * A Prometheus API that answers the values a test gives it, one per query,
 * without a server: the evaluation logic alone, on explicit times.
 */
function answering(values: Array<number[] | 'down'>) {
  const queries: string[] = [];
  const fetch = (async (input: string | URL | Request) => {
    const url = new URL(String(input));
    queries.push(url.searchParams.get('query') ?? '');
    const next = values.shift();
    if (next === undefined || next === 'down') {
      throw new TypeError('fetch failed', {
        cause: Object.assign(new Error('connect ECONNREFUSED'), {
          code: 'ECONNREFUSED',
        }),
      });
    }
    return new Response(
      JSON.stringify({
        status: 'success',
        data: {
          resultType: 'vector',
          result: next.map(v => ({ metric: {}, value: [0, String(v)] })),
        },
      }),
      { headers: { 'content-type': 'application/json' } },
    );
  }) as typeof globalThis.fetch;
  const { analysis } = createPrometheusGates(
    new ConfigReader({
      glu: {
        gates: {
          prometheus: {
            servers: [
              {
                name: 'main',
                url: 'http://prometheus.monitoring:9090',
                addresses: ['http://prometheus.example.com:9090'],
              },
            ],
          },
        },
      },
    }),
    { fetch },
  );
  return { analysis, queries };
}

const ARGS = { 'service-name': 'checkout.$phase.svc.cluster.local' };

describe('judging a measurement, as Argo Rollouts does', () => {
  const success = expression('result[0] >= 0.95');
  const failure = expression('result[0] < 0.5');
  const at = '2026-03-02T10:00:00.000Z';

  it('with a successCondition only, fails what does not meet it', () => {
    expect(judge({ successCondition: success }, [0.97], at)).toEqual({
      at,
      value: 0.97,
      outcome: 'successful',
    });
    expect(judge({ successCondition: success }, [0.9], at).outcome).toBe(
      'failed',
    );
  });

  it('with a failureCondition only, passes what does not meet it', () => {
    expect(judge({ failureCondition: failure }, [0.9], at).outcome).toBe(
      'successful',
    );
    expect(judge({ failureCondition: failure }, [0.1], at).outcome).toBe(
      'failed',
    );
  });

  it('with both, is inconclusive when neither holds', () => {
    const both = { successCondition: success, failureCondition: failure };
    expect(judge(both, [0.97], at).outcome).toBe('successful');
    expect(judge(both, [0.1], at).outcome).toBe('failed');
    expect(judge(both, [0.7], at).outcome).toBe('inconclusive');
  });

  it('without conditions, succeeds; an empty result is no data', () => {
    expect(judge({}, [1, 2], at)).toEqual({
      at,
      outcome: 'successful',
      message: '[1,2]',
    });
    expect(judge({ successCondition: success }, [], at)).toEqual({
      at,
      outcome: 'error',
      message: 'no data: the query answered no series',
    });
  });
});

describe('the analysis gate over time', () => {
  const template = parse(ARGO_SUCCESS_RATE);

  it("measures the documentation's template every 5m and passes while it is successful", async () => {
    const { analysis, queries } = answering([[0.99], [0.97]]);
    let context = gateContext();
    const first = await analysis.evaluate({ template, args: ARGS }, context);
    expect(first).toEqual({
      passed: true,
      reason: 'success-rate: success-rate 0.99 (result[0] >= 0.95) for 0s',
      metrics: [
        {
          name: 'success-rate',
          condition: 'result[0] >= 0.95',
          measurements: [
            {
              at: minutes(0).toISOString(),
              value: 0.99,
              outcome: 'successful',
            },
          ],
        },
      ],
    });
    expect(queries[0]).toContain(
      'destination_service=~"checkout.staging.svc.cluster.local"',
    );

    // Two minutes on: nothing is due, the answer stands.
    context = nextCheck(context, first, minutes(2));
    const second = await analysis.evaluate({ template, args: ARGS }, context);
    expect(queries).toHaveLength(1);
    expect(second.passed).toBe(true);
    expect(second.reason).toBe(
      'success-rate: success-rate 0.99 (result[0] >= 0.95) for 2m',
    );

    context = nextCheck(context, second, minutes(5));
    const third = await analysis.evaluate({ template, args: ARGS }, context);
    expect(queries).toHaveLength(2);
    expect(third.metrics![0].measurements.map(m => m.value)).toEqual([
      0.99, 0.97,
    ]);
  });

  it('fails once failed measurements pass failureLimit (3)', async () => {
    const { analysis } = answering([[0.9], [0.9], [0.9], [0.9]]);
    let context = gateContext();
    let answer: GluGateResult | undefined;
    const reasons: string[] = [];
    for (let i = 0; i < 4; i++) {
      if (answer) context = nextCheck(context, answer, minutes(5 * i));
      answer = await analysis.evaluate({ template, args: ARGS }, context);
      reasons.push(answer.reason);
      expect(answer.failed ?? false).toBe(i === 3);
      expect(answer.passed).toBe(false);
    }
    expect(reasons[0]).toBe(
      'success-rate 0.9, not result[0] >= 0.95 (1 failed measurement, 3 allowed)',
    );
    expect(reasons[3]).toBe(
      'success-rate failed: 0.9, not result[0] >= 0.95 (4 failed measurements, 3 allowed)',
    );
  });

  it('waits while Prometheus does not answer, and never passes on errors', async () => {
    const { analysis, queries } = answering(['down', [0.99]]);
    let context = gateContext();
    const down = await analysis.evaluate({ template, args: ARGS }, context);
    expect(down).toMatchObject({
      passed: false,
      reason:
        'success-rate could not be measured: Prometheus main did not answer: connection refused',
    });
    expect(down.failed).toBeUndefined();
    // An error is retried at the next check, whatever the interval.
    context = nextCheck(context, down, minutes(1));
    const up = await analysis.evaluate({ template, args: ARGS }, context);
    expect(queries).toHaveLength(2);
    expect(up.passed).toBe(true);
  });

  it('holds an inconclusive version for a person', async () => {
    const inconclusive = {
      ...template,
      spec: {
        ...template.spec,
        metrics: [
          {
            ...template.spec.metrics[0],
            failureCondition: 'result[0] < 0.5',
            count: 2,
            failureLimit: 0,
          },
        ],
      },
    };
    const { analysis, queries } = answering([[0.7]]);
    let context = gateContext();
    const answer = await analysis.evaluate(
      { template: inconclusive, args: ARGS },
      context,
    );
    expect(answer).toMatchObject({
      passed: false,
      reason:
        'success-rate is inconclusive (1 inconclusive measurement, 0 allowed): a person decides, Glu does not promote this version',
    });
    context = nextCheck(context, answer, minutes(60));
    const later = await analysis.evaluate(
      { template: inconclusive, args: ARGS },
      context,
    );
    expect(queries).toHaveLength(1);
    expect(later.reason).toBe(answer.reason);
  });

  it('passes once count measurements are done, then measures no more', async () => {
    const counted = {
      ...template,
      spec: {
        ...template.spec,
        metrics: [
          {
            ...template.spec.metrics[0],
            count: 2,
            failureLimit: 0,
            initialDelay: '1m',
          },
        ],
      },
    };
    const { analysis, queries } = answering([[0.99], [0.98]]);
    let context = gateContext();
    let answer = await analysis.evaluate(
      { template: counted, args: ARGS },
      context,
    );
    expect(answer.reason).toBe('success-rate is measured in 1m (initialDelay)');
    context = nextCheck(context, answer, minutes(1));
    answer = await analysis.evaluate(
      { template: counted, args: ARGS },
      context,
    );
    expect(answer).toMatchObject({
      passed: false,
      reason:
        'success-rate 0.99 (result[0] >= 0.95) for 0s, 1 of 2 measurements',
    });
    context = nextCheck(context, answer, minutes(6));
    answer = await analysis.evaluate(
      { template: counted, args: ARGS },
      context,
    );
    expect(answer).toMatchObject({
      passed: true,
      reason:
        'success-rate: success-rate 0.98 (result[0] >= 0.95), 2 of 2 measurements',
    });
    context = nextCheck(context, answer, minutes(30));
    await analysis.evaluate({ template: counted, args: ARGS }, context);
    expect(queries).toHaveLength(2);
  });

  it("reads a template from the upstream phase's repository, and waits when it cannot", async () => {
    const { analysis } = answering([[0.99]]);
    const readFile = jest.fn(async (path: string) =>
      path === 'deploy/analysis.yaml' ? ARGO_SUCCESS_RATE : undefined,
    );
    expect(
      await analysis.evaluate(
        { template: 'deploy/analysis.yaml', args: ARGS },
        gateContext({ readFile }),
      ),
    ).toMatchObject({ passed: true });
    expect(
      await analysis.evaluate(
        { template: 'deploy/other.yaml', args: ARGS },
        gateContext({
          readFile,
          from: { ...gateContext().from, revision: 'abcdef1234567890' },
        }),
      ),
    ).toEqual({
      passed: false,
      reason: "staging's repository has no deploy/other.yaml at abcdef1",
    });
    expect(
      await analysis.evaluate(
        { template: 'deploy/analysis.yaml', args: ARGS },
        gateContext(),
      ),
    ).toEqual({
      passed: false,
      reason:
        "the analysis gate reads deploy/analysis.yaml from staging's Git repository, and staging has none: give the template inline",
    });
    const job = ARGO_SUCCESS_RATE.replace(
      /provider:[\s\S]*$/,
      'provider:\n      job: {}\n',
    );
    expect(
      await analysis.evaluate(
        { template: 'deploy/analysis.yaml', args: ARGS },
        gateContext({ readFile: async () => job }),
      ),
    ).toEqual({
      passed: false,
      reason:
        'deploy/analysis.yaml cannot be evaluated: metric success-rate: provider job is not supported: Glu evaluates prometheus and web metrics',
    });
  });
});

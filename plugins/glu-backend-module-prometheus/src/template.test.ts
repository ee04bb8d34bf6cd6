import { parse } from 'yaml';
import { ARGO_SUCCESS_RATE, gatesFor } from './__testUtils__/gates';
import { parseJsonPath } from './providers';
import { readTemplateFile } from './template';

const servers = [
  {
    name: 'main',
    url: 'http://127.0.0.1:9090',
    addresses: ['http://prometheus.example.com:9090'],
  },
];

const { analysis } = gatesFor({
  gates: {
    prometheus: { servers },
    http: { allow: [{ host: 'status.example.com', paths: ['/api/'] }] },
  },
});

/** A template with one metric, its fields overridden. */
function template(
  metric: Record<string, unknown>,
  spec: Record<string, unknown> = {},
) {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'AnalysisTemplate',
    metadata: { name: 'checks' },
    spec: {
      metrics: [
        {
          name: 'error-rate',
          successCondition: 'result[0] < 0.01',
          provider: {
            prometheus: {
              address: 'http://prometheus.example.com:9090',
              query: 'sum(rate(errors[5m]))',
            },
          },
          ...metric,
        },
      ],
      ...spec,
    },
  };
}

describe('AnalysisTemplates', () => {
  it("accepts the documentation's template, unchanged, on a server that lists its address", () => {
    expect(
      analysis.validate!({
        template: parse(ARGO_SUCCESS_RATE),
        args: { 'service-name': 'checkout.default.svc.cluster.local' },
      }),
    ).toEqual([]);
  });

  it('needs a value for every arg without a default, and no other args', () => {
    expect(analysis.validate!({ template: parse(ARGO_SUCCESS_RATE) })).toEqual([
      "arg service-name has no value: give it in the gate's args, e.g. args: { service-name: … }",
    ]);
    expect(
      analysis.validate!({
        template: parse(ARGO_SUCCESS_RATE),
        args: { 'service-name': 'checkout', other: 'x' },
      }),
    ).toEqual([
      'args.other is not an arg of the template (its args: service-name)',
    ]);
    expect(
      analysis.validate!({
        template: template(
          { successCondition: 'result[0] < {{args.limit}}' },
          { args: [{ name: 'limit', value: '0.05' }] },
        ),
      }),
    ).toEqual([]);
    expect(
      analysis.validate!({
        template: template({ successCondition: 'result[0] < {{args.limit}}' }),
      }),
    ).toEqual([
      "metric error-rate: {{args.limit}} cannot be resolved: only {{args.<name>}} of the template's args",
    ]);
  });

  it('takes numbers from args, as Argo does', () => {
    expect(
      analysis.validate!({
        template: template(
          { count: '{{args.count}}', interval: '1m' },
          { args: [{ name: 'count' }] },
        ),
        args: { count: 3 },
      }),
    ).toEqual([]);
    expect(
      analysis.validate!({
        template: template(
          { count: '{{args.count}}', interval: '1m' },
          { args: [{ name: 'count' }] },
        ),
        args: { count: 'three' },
      }),
    ).toEqual([
      'metric error-rate: count must be a whole number of measurements',
    ]);
  });

  it('refuses by name what Glu does not evaluate', () => {
    const problems = (metric: Record<string, unknown>, spec = {}) =>
      analysis.validate!({ template: template(metric, spec) });
    expect(problems({ provider: { job: { spec: {} } } })).toEqual([
      'metric error-rate: provider job is not supported: Glu evaluates prometheus and web metrics',
    ]);
    for (const provider of [
      'datadog',
      'newRelic',
      'wavefront',
      'kayenta',
      'cloudWatch',
      'graphite',
      'influxdb',
      'skywalking',
      'plugin',
    ]) {
      expect(problems({ provider: { [provider]: {} } })).toEqual([
        `metric error-rate: provider ${provider} is not supported: Glu evaluates prometheus and web metrics`,
      ]);
    }
    expect(problems({ consecutiveErrorLimit: 4 })).toEqual([
      'metric error-rate: consecutiveErrorLimit is not supported: Glu waits while a metric cannot be measured, and never turns errors into a failure',
    ]);
    expect(problems({}, { dryRun: [{ metricName: 'error-rate' }] })).toEqual([
      'dryRun is not supported: every metric of the template decides the gate',
    ]);
    expect(problems({}, { measurementRetention: [] })).toEqual([
      'measurementRetention is not supported: Glu keeps the last measurements of each metric itself',
    ]);
    expect(
      problems(
        {},
        {
          args: [
            {
              name: 'key',
              valueFrom: { secretKeyRef: { name: 's', key: 'k' } },
            },
          ],
        },
      ),
    ).toEqual([
      "arg key: valueFrom is not supported: Glu reads no Kubernetes secrets or fields; give the value in the gate's args",
    ]);
    const prometheus = (extra: Record<string, unknown>) =>
      problems({
        provider: {
          prometheus: {
            address: 'http://prometheus.example.com:9090',
            query: 'up',
            ...extra,
          },
        },
      });
    expect(prometheus({ authentication: { sigv4: { region: 'eu' } } })).toEqual(
      [
        'metric error-rate: prometheus authentication is not supported: credentials come from app-config (glu.gates.prometheus.servers), not from the template',
      ],
    );
    expect(
      prometheus({ headers: [{ key: 'X-Scope-OrgID', value: 't' }] }),
    ).toEqual([
      'metric error-rate: prometheus headers is not supported: credentials come from app-config (glu.gates.prometheus.servers), not from the template',
    ]);
    expect(prometheus({ insecure: true })).toEqual([
      'metric error-rate: prometheus insecure is not supported: Glu verifies the server; configure it in glu.gates.prometheus.servers',
    ]);
    const web = (extra: Record<string, unknown>) =>
      problems({
        provider: {
          web: { url: 'https://status.example.com/api/health', ...extra },
        },
      });
    expect(web({ insecure: true })).toEqual([
      'metric error-rate: web insecure is not supported: Glu verifies TLS',
    ]);
    expect(
      web({
        headers: [{ key: 'Authorization', valueFrom: { secretKeyRef: {} } }],
      }),
    ).toEqual([
      'metric error-rate: web header Authorization: valueFrom is not supported: Glu reads no Kubernetes secrets',
    ]);
    expect(problems({ tolerance: 3 })).toEqual([
      'metric error-rate: "tolerance" is not a field of a metric that Glu reads',
    ]);
    expect(problems({ successCondition: 'all(result, # > 0)' })).toEqual([
      expect.stringMatching(
        /^metric error-rate: successCondition "all\(result, # > 0\)": /,
      ),
    ]);
  });

  it('asks only configured servers and allowed addresses', () => {
    expect(
      analysis.validate!({
        template: template({
          provider: {
            prometheus: { address: 'http://thanos.example.com', query: 'up' },
          },
        }),
      }),
    ).toEqual([
      'metric error-rate: prometheus address http://thanos.example.com is not a configured Prometheus server: add it to the addresses of one in glu.gates.prometheus.servers',
    ]);
    expect(
      analysis.validate!({
        template: template({
          provider: {
            prometheus: { address: 'http://127.0.0.1:9090/', query: 'up' },
          },
        }),
      }),
    ).toEqual([]);
    expect(
      analysis.validate!({
        template: template({
          provider: { web: { url: 'https://status.example.com/private' } },
        }),
      }),
    ).toEqual([
      'metric error-rate: web url: the platform does not let Glu ask status.example.com/private (glu.gates.http.allow)',
    ]);
  });

  it('checks counts, limits and durations as Argo does', () => {
    const problems = (metric: Record<string, unknown>) =>
      analysis.validate!({ template: template(metric) });
    expect(problems({ count: 3 })).toEqual([
      'metric error-rate: interval must be given when count is more than 1',
    ]);
    expect(problems({ count: 2, interval: '1m', failureLimit: 3 })).toEqual([
      'metric error-rate: count (2) must be at least failureLimit',
    ]);
    expect(problems({ interval: 'often' })).toEqual([
      'metric error-rate: interval must be a duration like 30s or 5m, not "often"',
    ]);
    expect(problems({ failureLimit: -1 })).toEqual([
      'metric error-rate: failureLimit -1 (no limit) needs consecutiveSuccessLimit, which Glu does not support',
    ]);
    expect(problems({ count: 500, interval: '1m' })).toEqual([
      'metric error-rate: count must be at most 120: Glu keeps that many measurements of a metric',
    ]);
    expect(
      problems({ interval: '1m30s', initialDelay: '2m', count: 3 }),
    ).toEqual([]);
  });

  it('checks the shape of the template and the gate', () => {
    expect(
      analysis.validate!({
        template: { ...template({}), apiVersion: 'v1', kind: 'ConfigMap' },
      }),
    ).toEqual([
      'apiVersion must be argoproj.io/v1alpha1',
      'kind must be AnalysisTemplate or ClusterAnalysisTemplate',
    ]);
    expect(analysis.validate!({ template: '../secrets.yaml' })).toEqual([
      'template ../secrets.yaml must not climb out of the repository (..)',
    ]);
    expect(
      analysis.validate!({ template: 'deploy/analysis.yaml', extra: 1 }),
    ).toEqual(['"extra" is not template, args, soak, interval or rollback']);
    expect(analysis.validate!({ template: 'deploy/analysis.yaml' })).toEqual(
      [],
    );
    expect(analysis.validate!('deploy/analysis.yaml')).toEqual([
      expect.stringContaining('must be an object of options'),
    ]);
  });

  it('reads the one template of a file', () => {
    expect(readTemplateFile(ARGO_SUCCESS_RATE, 'a.yaml')).toEqual({
      template: parse(ARGO_SUCCESS_RATE),
    });
    expect(
      readTemplateFile(`kind: ConfigMap\n---\n${ARGO_SUCCESS_RATE}`, 'a.yaml'),
    ).toEqual({ template: parse(ARGO_SUCCESS_RATE) });
    expect(readTemplateFile('kind: ConfigMap', 'a.yaml')).toEqual({
      problem: 'a.yaml holds no AnalysisTemplate',
    });
    expect(
      readTemplateFile(
        `${ARGO_SUCCESS_RATE}---\n${ARGO_SUCCESS_RATE}`,
        'a.yaml',
      ),
    ).toEqual({
      problem: 'a.yaml holds 2 AnalysisTemplates: keep one per file',
    });
    expect(readTemplateFile('a: [', 'a.yaml')).toEqual({
      problem: expect.stringMatching(/^a.yaml is not YAML: /),
    });
    const bomb = [
      'a: &a [x, x, x, x, x, x, x, x, x, x]',
      ...Array.from(
        { length: 8 },
        (_, i) =>
          `${String.fromCharCode(98 + i)}: &${String.fromCharCode(
            98 + i,
          )} [${Array(10)
            .fill(`*${String.fromCharCode(97 + i)}`)
            .join(', ')}]`,
      ),
    ].join('\n');
    expect(readTemplateFile(bomb, 'bomb.yaml')).toEqual({
      problem: expect.stringMatching(/^bomb.yaml is not YAML: .*alias/i),
    });
  });

  it("reads jsonPath in Argo's form", () => {
    expect(parseJsonPath('{$}')).toEqual([]);
    expect(parseJsonPath('{$.data.ok}')).toEqual(['data', 'ok']);
    expect(parseJsonPath('{.items[0].value}')).toEqual(['items', 0, 'value']);
    expect(parseJsonPath("{$['a.b'][2]}")).toEqual(['a.b', 2]);
    expect(parseJsonPath('{$.items[*].value}')).toBeUndefined();
    expect(parseJsonPath('{$.items[?(@.ok)]}')).toBeUndefined();
    expect(parseJsonPath('$.data')).toBeUndefined();
  });
});

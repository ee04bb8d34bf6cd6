import { JsonObject } from '@backstage/types';
import {
  startExporter,
  startPrometheus,
  TestExporter,
  TestPrometheus,
} from '@internal/glu-test-prometheus';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import { parse } from 'yaml';
import {
  ARGO_SUCCESS_RATE,
  gateContext,
  gatesFor,
  minutes,
  nextCheck,
} from './__testUtils__/gates';

jest.setTimeout(90_000);

/** Istio's request counters of a service, growing at every scrape. */
function istio(
  exporter: TestExporter,
  service: string,
  perScrape: { ok: number; failed: number },
) {
  const labels = { reporter: 'source', destination_service: service };
  exporter.set(
    'istio_requests_total',
    { ...labels, response_code: '200' },
    scrape => scrape * perScrape.ok,
  );
  exporter.set(
    'istio_requests_total',
    { ...labels, response_code: '503' },
    scrape => scrape * perScrape.failed,
  );
}

/** The documentation's query, for one service, as Argo would resolve it. */
function successRateOf(service: string): string {
  const template = parse(ARGO_SUCCESS_RATE);
  return template.spec.metrics[0].provider.prometheus.query.replace(
    /\{\{args\.service-name\}\}/g,
    service,
  );
}

describe('the analysis gate against a real Prometheus', () => {
  let exporter: TestExporter;
  let prometheus: TestPrometheus;
  let status: http.Server;
  let statusHost: string;
  const statusRequests: string[] = [];

  beforeAll(async () => {
    exporter = await startExporter();
    prometheus = await startPrometheus({ targets: [exporter.host] });
    status = http.createServer((request, response) => {
      statusRequests.push(request.url ?? '');
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(
        JSON.stringify({
          data: { version: request.url?.split('/').pop(), successRate: 0.99 },
        }),
      );
    });
    await new Promise<void>(resolve =>
      status.listen(0, '127.0.0.1', () => resolve()),
    );
    statusHost = `127.0.0.1:${(status.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await prometheus?.stop();
    await exporter?.stop();
    status?.closeAllConnections();
    await new Promise(resolve => status?.close(resolve));
  });

  /** The gates, with the documentation's address meaning the test's server. */
  const gates = (allow: JsonObject[] = []) =>
    gatesFor({
      gates: {
        prometheus: {
          servers: [
            {
              name: 'main',
              url: prometheus.url,
              addresses: ['http://prometheus.example.com:9090'],
            },
          ],
        },
        http: { allow },
      },
    });

  it("runs the documentation's AnalysisTemplate, unchanged, from the repository", async () => {
    const service = 'checkout.default.svc.cluster.local';
    istio(exporter, service, { ok: 99, failed: 1 });
    await prometheus.scraped(successRateOf(service), v => v > 0.95);

    const { analysis } = gates();
    const readFile = jest.fn(async () => ARGO_SUCCESS_RATE);
    const options = {
      template: 'deploy/analysis.yaml',
      args: { 'service-name': 'checkout.default.svc.cluster.local' },
    };
    expect(analysis.validate!(options)).toEqual([]);
    const answer = await analysis.evaluate(options, gateContext({ readFile }));
    expect(readFile).toHaveBeenCalledWith('deploy/analysis.yaml');
    expect(answer).toEqual({
      passed: true,
      reason: 'success-rate: success-rate 0.99 (result[0] >= 0.95) for 0s',
      metrics: [
        {
          name: 'success-rate',
          condition: 'result[0] >= 0.95',
          measurements: [
            {
              at: minutes(0).toISOString(),
              value: expect.closeTo(0.99, 5),
              outcome: 'successful',
            },
          ],
        },
      ],
    });
  });

  it('counts failed measurements against failureLimit, inline', async () => {
    const service = 'cart.default.svc.cluster.local';
    istio(exporter, service, { ok: 80, failed: 20 });
    await prometheus.scraped(successRateOf(service), v => v < 0.9);

    const { analysis } = gates();
    const options = {
      template: parse(ARGO_SUCCESS_RATE),
      args: { 'service-name': service },
    };
    expect(analysis.validate!(options)).toEqual([]);
    let context = gateContext();
    let answer = await analysis.evaluate(options, context);
    expect(answer).toMatchObject({
      passed: false,
      reason:
        'success-rate 0.8, not result[0] >= 0.95 (1 failed measurement, 3 allowed)',
    });
    for (let i = 1; i <= 3; i++) {
      context = nextCheck(context, answer, minutes(5 * i));
      answer = await analysis.evaluate(options, context);
    }
    expect(answer).toMatchObject({
      passed: false,
      failed: true,
      reason:
        'success-rate failed: 0.8, not result[0] >= 0.95 (4 failed measurements, 3 allowed)',
    });
  });

  it('waits while the server does not answer', async () => {
    const { analysis } = gates();
    const options = {
      template: parse(ARGO_SUCCESS_RATE),
      args: { 'service-name': 'checkout.default.svc.cluster.local' },
    };
    await prometheus.down();
    let answer;
    try {
      answer = await analysis.evaluate(options, gateContext());
    } finally {
      await prometheus.up();
    }
    expect(answer).toMatchObject({
      passed: false,
      reason:
        'success-rate could not be measured: Prometheus main did not answer: connection refused',
    });
    expect(answer.failed).toBeUndefined();
  });

  it('asks a web metric at an address the platform allows, and only there', async () => {
    const template = {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'AnalysisTemplate',
      metadata: { name: 'status' },
      spec: {
        args: [{ name: 'version' }],
        metrics: [
          {
            name: 'status',
            successCondition: 'result >= 0.95',
            provider: {
              web: {
                url: `http://${statusHost}/status/{{args.version}}`,
                headers: [{ key: 'X-Team', value: 'checkout' }],
                jsonPath: '{$.data.successRate}',
              },
            },
          },
        ],
      },
    };
    const options = { template, args: { version: '$version' } };

    const allowed = gates([{ host: statusHost, paths: ['/status/'] }]).analysis;
    expect(allowed.validate!(options)).toEqual([]);
    expect(await allowed.evaluate(options, gateContext())).toMatchObject({
      passed: true,
      reason: 'status: status 0.99 (result >= 0.95)',
    });
    expect(statusRequests).toEqual(['/status/1.2.0']);

    const refused = gates().analysis;
    const problem = `metric status: web url: the platform does not let Glu ask ${statusHost}/status/1.0.0 (glu.gates.http.allow)`;
    expect(refused.validate!(options)).toEqual([problem]);
    expect(await refused.evaluate(options, gateContext())).toMatchObject({
      passed: false,
      reason: `the template cannot be evaluated: ${problem.replace(
        '1.0.0',
        '1.2.0',
      )}`,
    });
    expect(statusRequests).toEqual(['/status/1.2.0']);
  });
});

import { TestDatabases } from '@backstage/backend-test-utils';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { BatchSpanProcessor } from '@opentelemetry/sdk-trace';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import request from 'supertest';
import {
  ciAuthorization,
  eventually,
  startGlu,
} from '../__testUtils__/backend';
import { createGitFixture, GitFixture } from '../__testUtils__/git';
import { ledgerPipeline } from '../__testUtils__/pipelines';
import { installTelemetry } from '../__testUtils__/telemetry';

jest.setTimeout(120_000);

/**
 * The exporter's HTTP transport loads Node's http module with a dynamic
 * import when it first sends, which the test runner cannot do without
 * experimental flags: it is handed that module up front instead. Everything
 * else is the exporter's own: serialization, headers, the requests.
 */
function withNodeHttp<T extends object>(exporter: T): T {
  const seen = new Set<unknown>();
  const visit = (value: any) => {
    if (!value || typeof value !== 'object' || seen.has(value)) return;
    seen.add(value);
    if (typeof value._loadUtils === 'function' && value._utils === null) {
      value._utils = { agent: new http.Agent(), request: http.request };
    }
    for (const key of Object.keys(value)) visit(value[key]);
  };
  visit(exporter);
  return exporter;
}

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

const CI_TRACE = '0af7651916cd43dd8448eb211c80319c';
const TRACEPARENT = `00-${CI_TRACE}-b7ad6b7169203331-01`;

/** An OTLP/HTTP receiver on loopback that keeps what it is sent, as JSON. */
async function startReceiver() {
  const received: Array<{ path: string; body: any; type?: string }> = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', chunk => chunks.push(chunk));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        body = undefined;
      }
      received.push({
        path: req.url ?? '',
        body,
        type: req.headers['content-type'],
      });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{}');
    });
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    spans: () =>
      received
        .filter(r => r.path === '/v1/traces')
        .flatMap(r => r.body?.resourceSpans ?? [])
        .flatMap((rs: any) => rs.scopeSpans ?? [])
        .flatMap((ss: any) => ss.spans ?? []),
    metricNames: () =>
      received
        .filter(r => r.path === '/v1/metrics')
        .flatMap(r => r.body?.resourceMetrics ?? [])
        .flatMap((rm: any) => rm.scopeMetrics ?? [])
        .flatMap((sm: any) => sm.metrics ?? [])
        .map((m: any) => m.name),
    stop: () => new Promise(resolve => server.close(resolve)),
  };
}

describe('telemetry exported over OTLP', () => {
  let repo: GitFixture;

  beforeEach(async () => {
    repo = await createGitFixture({ 'VERSION.yaml': 'version: 1.0.0\n' });
  });

  afterEach(() => repo.cleanup());

  it('reaches a real OTLP/HTTP receiver: the publish and the promotion in CI’s trace, and the metrics', async () => {
    const receiver = await startReceiver();
    const telemetry = installTelemetry({
      spanProcessor: new BatchSpanProcessor({
        exporter: withNodeHttp(
          new OTLPTraceExporter({ url: `${receiver.url}/v1/traces` }),
        ),
      }),
      metricExporter: withNodeHttp(
        new OTLPMetricExporter({ url: `${receiver.url}/v1/metrics` }),
      ),
    });
    const glu = await startGlu({
      knex: await databases.init('SQLITE_3'),
      entities: [ledgerPipeline({ repository: repo.url })],
      pipeline: 'ledger',
      config: { refreshInterval: { hours: 1 } },
      waitFor: ['staging'],
    });
    try {
      await request(glu.server)
        .post('/api/glu/pipelines/default/ledger/phases/build/versions')
        .set('authorization', ciAuthorization())
        .set('traceparent', TRACEPARENT)
        .send({ version: '3.1.0' })
        .expect(200);
      await eventually(
        async () =>
          (await repo.show('VERSION.yaml')).includes('3.1.0') || undefined,
        'the automatic promotion',
      );
      const spans = await eventually(async () => {
        await telemetry.flush();
        const all = receiver.spans();
        return all.some(
          (s: any) =>
            s.name === 'glu.promotion' &&
            s.attributes.some(
              (a: any) =>
                a.key === 'cicd.pipeline.result' &&
                a.value.stringValue === 'success',
            ),
        )
          ? all
          : undefined;
      }, 'the promotion span at the receiver');
      expect(
        receiver.received.every(r => r.type?.startsWith('application/json')),
      ).toBe(true);
      const inTrace = spans.filter((s: any) => s.traceId === CI_TRACE);
      expect(inTrace.map((s: any) => s.name)).toEqual(
        expect.arrayContaining([
          'glu.publish',
          'glu.promotion',
          'glu.promotion.write',
          'glu.git.push',
        ]),
      );
      const promotion = inTrace.find((s: any) => s.name === 'glu.promotion');
      const attribute = (key: string) =>
        promotion.attributes.find((a: any) => a.key === key)?.value.stringValue;
      expect(attribute('cicd.pipeline.name')).toBe('pipeline:default/ledger');
      expect(attribute('glu.to')).toBe('staging');
      expect(attribute('glu.version')).toBe('3.1.0');

      const names = await eventually(async () => {
        await telemetry.flush();
        const all = receiver.metricNames();
        return all.includes('glu.promotions') ? all : undefined;
      }, 'the metrics at the receiver');
      expect(names).toEqual(
        expect.arrayContaining([
          'glu.promotions',
          'glu.promotion.duration',
          'glu.git.operation.duration',
          'glu.phases.behind',
        ]),
      );
    } finally {
      await glu.stop();
      await telemetry.uninstall();
      await receiver.stop();
    }
  });
});

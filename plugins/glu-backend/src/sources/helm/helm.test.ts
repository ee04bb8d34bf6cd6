import { mockCredentials, TestDatabases } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { stringify } from 'yaml';
import { eventually, startGlu } from '../../__testUtils__/backend';
import { watchDocumentWork } from '../../__testUtils__/documentWork';
import { MAIN_THREAD_SIZE } from '../../documents/DocumentThreads';
import { createGitFixture, GitFixture } from '../../__testUtils__/git';
import { startTestRegistry } from '../../__testUtils__/registry';
import { OciRegistryClient } from '../oci/OciRegistryClient';
import { createHelmSource } from './helmSource';
import { ConfigReader } from '@backstage/config';
import { gluLimits } from '@glu-dev/plugin-glu-node';

jest.mock('../../documents/tasks', () =>
  require('../../__testUtils__/documentWork').watchedTasks(),
);

jest.setTimeout(120_000);

/**
 * A chart repository as `helm repo index` makes one: chart archives and an
 * index.yaml, served over HTTP on loopback, with ETags.
 */
async function startChartRepository() {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'glu-charts-'));
  const entries: Record<string, object[]> = {};
  let requests = 0;
  let notModified = 0;
  const server = http.createServer(async (req, res) => {
    requests++;
    const file = path.join(root, path.basename(req.url ?? ''));
    const body = await fs.readFile(file).catch(() => undefined);
    if (!body) {
      res.writeHead(404).end();
      return;
    }
    const etag = `"${createHash('sha1').update(body).digest('hex')}"`;
    if (req.headers['if-none-match'] === etag) {
      notModified++;
      res.writeHead(304, { etag }).end();
      return;
    }
    res.writeHead(200, { etag }).end(body);
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    stats: () => ({ requests, notModified }),
    async publish(chart: string, version: string) {
      const dir = path.join(root, 'src', chart);
      await fs.mkdir(dir, { recursive: true });
      await fs.writeFile(
        path.join(dir, 'Chart.yaml'),
        `apiVersion: v2\nname: ${chart}\nversion: ${version}\n`,
      );
      const archive = `${chart}-${version}.tgz`;
      execFileSync('tar', [
        'czf',
        path.join(root, archive),
        '-C',
        path.join(root, 'src'),
        chart,
      ]);
      const digest = createHash('sha256')
        .update(await fs.readFile(path.join(root, archive)))
        .digest('hex');
      entries[chart] = [
        {
          apiVersion: 'v2',
          name: chart,
          version,
          digest,
          urls: [`${url}/${archive}`],
        },
        ...(entries[chart] ?? []),
      ];
      await fs.writeFile(
        path.join(root, 'index.yaml'),
        stringify({
          apiVersion: 'v1',
          entries,
          generated: new Date().toISOString(),
        }),
      );
      return `sha256:${digest}`;
    },
    async stop() {
      await new Promise(resolve => server.close(resolve));
      await fs.rm(root, { recursive: true, force: true });
    },
  };
}

describe('the helm source', () => {
  let charts: Awaited<ReturnType<typeof startChartRepository>>;

  beforeEach(async () => {
    charts = await startChartRepository();
  });

  afterEach(() => charts.stop());

  it('reports the highest chart version in the range, and reads the index only when it changed', async () => {
    await charts.publish('ledger', '1.0.0');
    const v14 = await charts.publish('ledger', '1.4.0');
    await charts.publish('ledger', '2.0.0');
    const helm = createHelmSource(new OciRegistryClient({ registries: [] }));
    const phase = {
      pipelineRef: 'pipeline:default/ledger',
      phase: 'charts',
      config: {
        type: 'helm',
        repository: charts.url,
        chart: 'ledger',
        semver: '~1',
      },
    };
    expect(await helm.observe!([phase])).toEqual([
      { fields: { chart: 'ledger', version: '1.4.0', digest: v14 } },
    ]);
    await helm.observe!([phase]);
    expect(charts.stats().notModified).toBe(1);

    const v15 = await charts.publish('ledger', '1.5.0');
    expect(await helm.observe!([phase])).toEqual([
      { fields: { chart: 'ledger', version: '1.5.0', digest: v15 } },
    ]);
    const [missing] = await helm.observe!([
      { ...phase, config: { ...phase.config, chart: 'nope' } },
    ]);
    expect(missing).toMatchObject({
      name: 'RegistryError',
      message: `The chart repository ${charts.url} has no chart nope`,
    });

    // A repository that is gone could not be reached: not an answer.
    await charts.stop();
    const [gone] = await helm.observe!([phase]);
    expect(gone).toMatchObject({
      name: 'ServiceUnavailableError',
      message: expect.stringContaining(
        `The chart repository ${charts.url} cannot be reached`,
      ),
    });
  });

  it('reads charts stored in an OCI registry', async () => {
    const registry = await startTestRegistry();
    try {
      await registry.pushChart('charts/ledger', '1.0.0');
      const digest = await registry.pushChart('charts/ledger', '1.2.0+build.7');
      await registry.pushChart('charts/ledger', '2.0.0');
      const helm = createHelmSource(
        new OciRegistryClient({
          registries: [{ host: registry.host, insecure: true }],
        }),
      );
      const [observation] = await helm.observe!([
        {
          pipelineRef: 'pipeline:default/ledger',
          phase: 'charts',
          config: {
            type: 'helm',
            repository: `oci://${registry.host}/charts`,
            chart: 'ledger',
            semver: '^1',
          },
        },
      ]);
      expect(observation).toEqual({
        fields: { chart: 'ledger', version: '1.2.0+build.7', digest },
      });
    } finally {
      await registry.stop();
    }
  });

  describe('in a pipeline', () => {
    const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
    let repo: GitFixture;

    beforeEach(async () => {
      repo = await createGitFixture({
        'helmrelease.yaml': `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: ledger
spec:
  chart:
    spec:
      chart: ledger
      version: "1.0.0" # Glu keeps this up to date
`,
      });
    });

    afterEach(() => repo.cleanup());

    it('drives a Git phase through automatic promotion', async () => {
      await charts.publish('ledger', '1.0.0');
      const entity: Entity = {
        apiVersion: 'glu.dev/v1alpha1',
        kind: 'Pipeline',
        metadata: { name: 'ledger', namespace: 'default' },
        spec: {
          owner: 'group:default/team-ledger',
          phases: [
            {
              name: 'charts',
              source: {
                type: 'helm',
                repository: charts.url,
                chart: 'ledger',
                semver: '^1',
              },
            },
            {
              name: 'staging',
              source: {
                type: 'git',
                repository: repo.url,
                path: 'helmrelease.yaml',
                format: { type: 'yaml-path', key: 'spec.chart.spec.version' },
              },
              promotion: { from: 'charts', auto: true },
            },
          ],
        },
      };
      const glu = await startGlu({
        knex: await databases.init('SQLITE_3'),
        entities: [entity],
        pipeline: 'ledger',
      });
      try {
        await charts.publish('ledger', '1.1.0');
        await eventually(async () => {
          const file = await repo.show('helmrelease.yaml');
          return file.includes('version: "1.1.0" # Glu keeps this up to date')
            ? true
            : undefined;
        }, 'the chart version in Git');
        const view = await eventually(async () => {
          const res = await request(glu.server)
            .get('/api/glu/pipelines/default/ledger')
            .set(
              'authorization',
              mockCredentials.user.header('user:default/alice'),
            );
          return res.body.edges[0].status === 'up-to-date'
            ? res.body
            : undefined;
        }, 'staging to be up to date');
        expect(view.phases.map((p: any) => p.state.version)).toEqual([
          '1.1.0',
          '1.1.0',
        ]);
      } finally {
        await glu.stop();
      }
    });
  });
});

/**
 * A chart repository that serves an index.yaml made up for each test: as
 * it is given, or (`endless`) without end and without a length, written as
 * long as it is read. `closed` resolves once an endless answer's
 * connection is closed.
 */
async function startIndexServer() {
  let index = '';
  let endless = false;
  let closed!: () => void;
  const endlessClosed = new Promise<void>(resolve => (closed = resolve));
  const server = http.createServer((_req, res) => {
    if (!endless) {
      res
        .writeHead(200, { 'content-length': Buffer.byteLength(index) })
        .end(index);
      return;
    }
    res.writeHead(200);
    res.write('apiVersion: v1\nentries:\n');
    let chart = 0;
    const more = () => {
      while (!res.destroyed && res.write(`  chart-${chart++}: []\n`));
    };
    res.on('drain', more);
    res.on('close', () => closed());
    more();
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    serve(text: string) {
      index = text;
      endless = false;
    },
    serveEndless() {
      endless = true;
    },
    endlessClosed,
    stop: () =>
      new Promise<void>(resolve => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** An index of `charts` charts of `versions` versions each, as Helm writes one. */
function largeIndex(charts: number, versions: number): string {
  const lines = ['apiVersion: v1', 'entries:'];
  for (let c = 0; c < charts; c++) {
    lines.push(`  chart-${c}:`);
    for (let v = versions - 1; v >= 0; v--) {
      lines.push(
        '  - apiVersion: v2',
        `    created: "2024-01-01T00:00:0${v % 10}Z"`,
        `    description: The chart number ${c}, for the tests.`,
        `    digest: ${String(c).padStart(32, '0')}${String(v).padStart(
          32,
          '0',
        )}`,
        `    name: chart-${c}`,
        '    urls:',
        `    - https://charts.example.com/chart-${c}-1.${v}.0.tgz`,
        `    version: 1.${v}.0`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

describe('chart repositories, within limits', () => {
  let index: Awaited<ReturnType<typeof startIndexServer>>;
  const limits = gluLimits(new ConfigReader({}));
  const phase = (repository: string, chart: string) => ({
    pipelineRef: 'pipeline:default/ledger',
    phase: 'charts',
    config: { type: 'helm', repository, chart },
  });

  beforeEach(async () => {
    index = await startIndexServer();
  });

  afterEach(() => index.stop());

  it('reads a large index in a worker thread, never on the event loop', async () => {
    const text = largeIndex(1500, 10);
    expect(text.length).toBeGreaterThan(4 * 1024 * 1024);
    index.serve(text);
    const helm = createHelmSource(new OciRegistryClient({ registries: [] }));
    const { result, largestOnMainThread, largestInWorkers } =
      await watchDocumentWork(() =>
        helm.observe!([phase(index.url, 'chart-1499')]),
      );
    expect(result).toEqual([
      {
        fields: {
          chart: 'chart-1499',
          version: '1.9.0',
          digest: `sha256:${'0'.repeat(28)}1499${'0'.repeat(31)}9`,
        },
      },
    ]);
    expect(largestInWorkers).toBe(Buffer.byteLength(text));
    expect(largestOnMainThread).toBeLessThanOrEqual(MAIN_THREAD_SIZE);
  });

  it('stops reading an index over glu.limits.chartIndexBytes, endless or said to be, and closes its connection', async () => {
    const helm = createHelmSource(new OciRegistryClient({ registries: [] }), {
      limits: { ...limits, chartIndexBytes: 1024 * 1024 },
    });
    index.serve(largeIndex(500, 10));
    const [declared] = await helm.observe!([phase(index.url, 'chart-0')]);
    expect((declared as Error).message).toMatch(
      /^The chart repository http:\/\/127\.0\.0\.1:\d+: the answer of 127\.0\.0\.1:\d+\/index\.yaml is 1\.\d MB, over glu\.limits\.chartIndexBytes \(1 MB\)$/,
    );
    index.serveEndless();
    const [endless] = await helm.observe!([phase(index.url, 'chart-0')]);
    expect((endless as Error).message).toContain(
      '/index.yaml is longer than 1 MB, over glu.limits.chartIndexBytes (1 MB)',
    );
    await index.endlessClosed;
  });

  it('refuses an index nested deeper than glu.limits.yamlDepth', async () => {
    index.serve(
      `apiVersion: v1\nentries:\n  deep: ${'['.repeat(200)}${']'.repeat(
        200,
      )}\n`,
    );
    const helm = createHelmSource(new OciRegistryClient({ registries: [] }));
    const [observation] = await helm.observe!([phase(index.url, 'deep')]);
    expect((observation as Error).message).toBe(
      `The chart repository ${index.url}: the index nests deeper than glu.limits.yamlDepth (100 levels)`,
    );
  });

  it("reads a chart whose list is another's through an alias, and leaves an alias bomb unexpanded", async () => {
    let bomb =
      '  a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n';
    let previous = 'a';
    for (const name of 'bcdefghi') {
      bomb += `  ${name}: &${name} [${Array(9)
        .fill(`*${previous}`)
        .join(',')}]\n`;
      previous = name;
    }
    index.serve(
      `apiVersion: v1\nentries:\n  ledger: &ledger\n  - version: 1.2.0\n  - version: 1.3.0\n  books: *ledger\n${bomb}`,
    );
    const helm = createHelmSource(new OciRegistryClient({ registries: [] }));
    const [books, i] = await helm.observe!([
      phase(index.url, 'books'),
      phase(index.url, 'i'),
    ]);
    expect(books).toEqual({ fields: { chart: 'books', version: '1.3.0' } });
    expect((i as Error).message).toBe(
      `No version of the chart i in ${index.url} matches *`,
    );
  });
});

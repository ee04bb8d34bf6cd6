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
import { createGitFixture, GitFixture } from '../../__testUtils__/git';
import { startTestRegistry } from '../../__testUtils__/registry';
import { OciRegistryClient } from '../oci/OciRegistryClient';
import { createHelmSource } from './helmSource';

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

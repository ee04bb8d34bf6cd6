import { mockCredentials, TestDatabases } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { JsonObject } from '@backstage/types';
import request from 'supertest';
import { parse } from 'yaml';
import {
  ciAuthorization,
  eventually,
  startGlu,
} from '../__testUtils__/backend';
import { createGitFixture, GitFixture } from '../__testUtils__/git';
import { ledgerPipeline } from '../__testUtils__/pipelines';
import { startTestRegistry, TestRegistry } from '../__testUtils__/registry';

jest.setTimeout(180_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_18', 'SQLITE_3'] });

/** A kustomization as people keep them: lists at both indentations, `{}`, comments, two documents. */
const kustomization = (registry: string) => `# Staging overlay
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
- ../../base   # the list at the key's own indentation
commonLabels: {}
images:
  - name: postgres
    newTag: "16"
  - name: checkout # the service
    newName: ${registry}/acme/checkout
    newTag: 1.0.0
patches: []
configMapGenerator:
- name: settings
  literals:
    - LOG_LEVEL=info
---
# A second document, left alone
apiVersion: v1
kind: ConfigMap
metadata: { name: extra, annotations: {} }
data: {}
`;

/** A Helm values file with a digest key configured but not there yet. */
const values = (registry: string) => `# Values for staging
replicaCount: 2
image:
  repository: ${registry}/acme/checkout
  tag: "1.0.0"
  pullPolicy: IfNotPresent
podAnnotations: {}
resources: {}
tolerations:
- key: dedicated
  operator: Exists
ingress:
  hosts:
    - host: checkout.example.com
      paths: []
`;

/** Two workloads; the container `app` is in the second one only. */
const workloads = (registry: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  template:
    spec:
      containers:
        - name: api
          image: ${registry}/acme/api:2.0.0
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: worker
spec:
  template:
    spec:
      containers:
        - name: sidecar
          image: envoyproxy/envoy:v1.30.1
        - name: app
          image: ${registry}/acme/checkout:1.0.0
`;

function pipeline(registry: string, repository: string): Entity {
  const phase = (name: string, path: string, format: JsonObject) => ({
    name,
    source: { type: 'git', repository, path, format },
    promotion: { from: 'build', auto: true },
  });
  return {
    apiVersion: 'glu.dev/v1alpha1',
    kind: 'Pipeline',
    metadata: { name: 'checkout', namespace: 'default' },
    spec: {
      owner: 'group:default/team-checkout',
      phases: [
        {
          name: 'build',
          source: {
            type: 'oci',
            repository: `${registry}/acme/checkout`,
            semver: '^1.0.0',
          },
        },
        phase('kustomize', 'kustomization.yaml', {
          type: 'kustomize',
          image: 'checkout',
        }),
        phase('values', 'values.yaml', {
          type: 'helm-values',
          digestKey: 'image.digest',
        }),
        phase('workloads', 'workloads.yaml', {
          type: 'kubernetes',
          container: 'app',
        }),
      ],
    },
  };
}

describe('a promotion into real-world files', () => {
  let registry: TestRegistry;
  let repo: GitFixture;

  beforeEach(async () => {
    registry = await startTestRegistry();
    repo = await createGitFixture({
      'kustomization.yaml': kustomization(registry.host),
      'values.yaml': values(registry.host),
      'workloads.yaml': workloads(registry.host),
      'flags.yaml': 'feature:\n  version: "0.1" # quoted by hand\n',
    });
  });

  afterEach(async () => {
    await registry.stop();
    await repo.cleanup();
  });

  it('changes only the lines that carry the version, also when a key is added', async () => {
    await registry.push('acme/checkout', '1.0.0');
    const glu = await startGlu({
      knex: await databases.init('SQLITE_3'),
      entities: [pipeline(registry.host, repo.url)],
      config: { registries: [{ host: registry.host, insecure: true }] },
    });
    try {
      const digest = await registry.push('acme/checkout', '1.1.0', {
        content: 'checkout 1.1.0',
      });
      const image = `${registry.host}/acme/checkout`;
      const expected: Record<string, string> = {
        'kustomization.yaml': kustomization(registry.host).replace(
          '    newTag: 1.0.0\n',
          `    newTag: 1.1.0\n    digest: ${digest}\n`,
        ),
        'values.yaml': values(registry.host).replace(
          '  tag: "1.0.0"\n  pullPolicy: IfNotPresent\n',
          `  tag: "1.1.0"\n  pullPolicy: IfNotPresent\n  digest: ${digest}\n`,
        ),
        // The container named alone is found in the second workload.
        'workloads.yaml': workloads(registry.host).replace(
          `image: ${image}:1.0.0`,
          `image: ${image}:1.1.0@${digest}`,
        ),
      };
      const show = repo.show;
      for (const [file, content] of Object.entries(expected)) {
        await eventually(
          async () => ((await show(file)) === content ? true : undefined),
          `${file} to change`,
        ).catch(async error => {
          throw new Error(`${error.message}; it is:\n${await show(file)}`);
        });
      }
      // Every commit of Glu's changed at most the tag and digest lines of
      // each file: nothing was re-indented or re-rendered on the way.
      const commits = (await repo.log()).filter(c =>
        c.subject.startsWith('glu:'),
      );
      expect(commits.length).toBeGreaterThan(0);
      for (const commit of commits) {
        for (const change of await repo.numstat(commit.sha)) {
          expect(change.removed).toBeLessThanOrEqual(2);
          expect(change.added).toBeLessThanOrEqual(2);
        }
      }
    } finally {
      await glu.stop();
    }
  });

  it('quotes a value that YAML 1.1 tools would read as a number or a boolean', async () => {
    const glu = await startGlu({
      knex: await databases.init('SQLITE_3'),
      entities: [
        ledgerPipeline({
          repository: repo.url,
          phase: 'config',
          path: 'flags.yaml',
          key: 'feature.version',
        }),
      ],
      pipeline: 'ledger',
      waitFor: ['config'],
    });
    const ci = ciAuthorization();
    const show = repo.show;
    try {
      for (const version of ['1e3', 'yes', '1.2.0']) {
        await request(glu.server)
          .post('/api/glu/pipelines/default/ledger/phases/build/versions')
          .set('authorization', ci)
          .send({ version });
        const content = await eventually(async () => {
          const file = await show('flags.yaml');
          return parse(file).feature.version === version ? file : undefined;
        }, `${version} in the file`);
        // Read back as the same string by YAML 1.1 and 1.2 alike.
        expect(parse(content, { version: '1.1' }).feature.version).toBe(
          version,
        );
        expect(content).toMatch(/ # quoted by hand\n$/);
      }
    } finally {
      await glu.stop();
    }
  });
});

describe('a write that the format would not read back', () => {
  let repo: GitFixture;

  beforeEach(async () => {
    repo = await createGitFixture({
      'values.yaml': 'image:\n  ref: "1.0.0"\n',
    });
  });

  afterEach(() => repo.cleanup());

  it.each(databases.eachSupportedId())(
    'is refused, in the dry run and the write, and nothing is committed, on %p',
    async databaseId => {
      // Repository and tag at one key: a write of both leaves only the tag.
      const glu = await startGlu({
        knex: await databases.init(databaseId),
        entities: [
          ledgerPipeline({
            repository: repo.url,
            path: 'values.yaml',
            format: {
              type: 'helm-values',
              repositoryKey: 'image.ref',
              tagKey: 'image.ref',
            },
            promotion: { from: 'build' },
          }),
        ],
        pipeline: 'ledger',
        waitFor: ['staging'],
      });
      const alice = mockCredentials.user.header('user:default/alice');
      const base = '/api/glu/pipelines/default/ledger';
      const problem =
        'the helm-values format would read repository back as "1.1.0", not "registry.example.com/acme/checkout"';
      try {
        const commits = await repo.log();
        const published = await request(glu.server)
          .post(`${base}/phases/build/versions`)
          .set('authorization', ciAuthorization())
          .send({
            fields: {
              repository: 'registry.example.com/acme/checkout',
              tag: '1.1.0',
            },
          });
        expect(published.status).toBe(200);
        const dryRun = await request(glu.server)
          .post(`${base}/promotions`)
          .set('authorization', alice)
          .send({ phase: 'staging', dryRun: true });
        expect(dryRun.body).toMatchObject({
          status: 'blocked',
          reasons: [`values.yaml cannot be written: ${problem}`],
          diff: '',
        });
        const promoted = await request(glu.server)
          .post(`${base}/promotions`)
          .set('authorization', alice)
          .send({ phase: 'staging' });
        expect(promoted.status).toBe(409);
        expect(promoted.body.error).toMatchObject({
          name: 'ConflictError',
          message: `Could not write values.yaml on main: ${problem}`,
        });
        expect(await repo.log()).toEqual(commits);
        expect(await repo.show('values.yaml')).toBe('image:\n  ref: "1.0.0"\n');
      } finally {
        await glu.stop();
      }
    },
  );
});

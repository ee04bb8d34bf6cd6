import { mockCredentials, TestDatabases } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import request from 'supertest';
import { eventually, startGlu } from '../__testUtils__/backend';
import {
  createGitFixture,
  deploymentManifest,
  GitFixture,
} from '../__testUtils__/git';
import { startTestRegistry, TestRegistry } from '../__testUtils__/registry';

jest.setTimeout(180_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_18', 'SQLITE_3'] });

/**
 * One image, one digest, seen by three pipelines under different names: the
 * tag `latest` and the tag `1.2.1` of one repository, and `1.2.1` of a
 * mirror. Each pipeline promotes it from its registry phase into its own
 * file of one GitOps repository.
 */
describe('what a phase holds', () => {
  let registry: TestRegistry;
  let repo: GitFixture;

  beforeEach(async () => {
    registry = await startTestRegistry();
    repo = await createGitFixture({
      'latest/deployment.yaml': deploymentManifest('latest', '1.0.0'),
      'release/deployment.yaml': deploymentManifest('release', '1.0.0'),
      'mirror/deployment.yaml': deploymentManifest('mirror', '1.0.0'),
    });
  });

  afterEach(async () => {
    await registry.stop();
    await repo.cleanup();
  });

  function pipeline(
    name: string,
    build: Record<string, unknown>,
    file: string,
  ): Entity {
    return {
      apiVersion: 'glu.dev/v1alpha1',
      kind: 'Pipeline',
      metadata: { name, namespace: 'default' },
      spec: {
        owner: 'group:default/team-checkout',
        phases: [
          { name: 'build', source: { type: 'oci', ...build } },
          {
            name: 'staging',
            source: {
              type: 'git',
              repository: repo.url,
              path: file,
              format: 'kubernetes',
            },
            promotion: { from: 'build', auto: true },
          },
        ],
      },
    };
  }

  it.each(databases.eachSupportedId())(
    'is exactly what its own source saw, when other pipelines see the same digest under other names, on %p',
    async databaseId => {
      // The same image content, so the same digest, under three names.
      const digest = await registry.push('acme/checkout', 'latest', {
        content: 'checkout 1.2.1',
      });
      expect(
        await registry.push('acme/checkout', '1.2.1', {
          content: 'checkout 1.2.1',
        }),
      ).toBe(digest);
      expect(
        await registry.push('mirror/checkout', '1.2.1', {
          content: 'checkout 1.2.1',
        }),
      ).toBe(digest);
      const repository = `${registry.host}/acme/checkout`;
      const mirror = `${registry.host}/mirror/checkout`;

      const glu = await startGlu({
        knex: await databases.init(databaseId),
        entities: [
          pipeline(
            'latest',
            { repository, tag: 'latest' },
            'latest/deployment.yaml',
          ),
          pipeline(
            'release',
            { repository, semver: '^1.0.0' },
            'release/deployment.yaml',
          ),
          pipeline(
            'mirror',
            { repository: mirror, semver: '^1.0.0' },
            'mirror/deployment.yaml',
          ),
        ],
        pipeline: 'mirror',
        config: { registries: [{ host: registry.host, insecure: true }] },
      });
      try {
        const expected = {
          'latest/deployment.yaml': `${repository}:latest@${digest}`,
          'release/deployment.yaml': `${repository}:1.2.1@${digest}`,
          'mirror/deployment.yaml': `${mirror}:1.2.1@${digest}`,
        };
        const show = repo.show;
        for (const [file, image] of Object.entries(expected)) {
          await eventually(
            async () =>
              (await show(file)).includes(`image: ${image}\n`)
                ? true
                : undefined,
            `${file} to hold ${image}`,
          ).catch(async error => {
            throw new Error(`${error.message}; it holds:\n${await show(file)}`);
          });
        }
        for (const [name, tag, source] of [
          ['latest', 'latest', repository],
          ['release', '1.2.1', repository],
          ['mirror', '1.2.1', mirror],
        ]) {
          const view = await eventually(async () => {
            const res = await request(glu.server)
              .get(`/api/glu/pipelines/default/${name}`)
              .set(
                'authorization',
                mockCredentials.user.header('user:default/alice'),
              );
            return res.body.edges[0].status === 'up-to-date' ? res : undefined;
          }, `${name} to be up to date`);
          for (const phase of view.body.phases) {
            expect(phase.state).toMatchObject({
              digest,
              version: tag,
              fields: { repository: source, tag, digest },
            });
          }
        }
      } finally {
        await glu.stop();
      }
    },
  );
});

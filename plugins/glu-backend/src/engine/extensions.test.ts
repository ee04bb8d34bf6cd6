import { createBackendModule } from '@backstage/backend-plugin-api';
import { mockCredentials, TestDatabases } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { gluFormatsExtensionPoint } from '@glu-dev/plugin-glu-node';
import request from 'supertest';
import { startGlu } from '../__testUtils__/backend';
import { createGitFixture, GitFixture } from '../__testUtils__/git';

jest.setTimeout(120_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

/**
 * A separate backend module that adds a format for plain `VERSION` files,
 * registered through the same extension point as the built-in formats.
 */
const versionFileModule = createBackendModule({
  pluginId: 'glu',
  moduleId: 'version-file',
  register(env) {
    env.registerInit({
      deps: { formats: gluFormatsExtensionPoint },
      async init({ formats }) {
        formats.addFormat({
          type: 'version-file',
          async read({ content }) {
            const version = content.trim();
            if (!version) throw new Error('the VERSION file is empty');
            return { version };
          },
          async write({ fields }) {
            return `${fields.version}\n`;
          },
        });
      },
    });
  },
});

function pipeline(repository: string): Entity {
  const phase = (name: string, from?: string) => ({
    name,
    source: {
      type: 'git',
      repository,
      path: `${name}/VERSION`,
      format: 'version-file',
    },
    ...(from ? { promotion: { from } } : {}),
  });
  return {
    apiVersion: 'glu.dev/v1alpha1',
    kind: 'Pipeline',
    metadata: { name: 'ledger', namespace: 'default' },
    spec: {
      owner: 'group:default/team-ledger',
      phases: [
        phase('staging'),
        phase('production-eu', 'staging'),
        phase('production-us', 'staging'),
      ],
    },
  };
}

describe('a format from another module', () => {
  let repo: GitFixture;

  beforeEach(async () => {
    repo = await createGitFixture({
      'staging/VERSION': '2.0.0\n',
      'production-eu/VERSION': '1.9.0\n',
      'production-us/VERSION': '1.9.0\n',
    });
  });

  afterEach(() => repo.cleanup());

  it('runs a pipeline, and promotions that happen together share one commit', async () => {
    const glu = await startGlu({
      knex: await databases.init('SQLITE_3'),
      entities: [pipeline(repo.url)],
      pipeline: 'ledger',
      features: [versionFileModule],
    });
    try {
      const before = await repo.log();
      const responses = await Promise.all(
        ['production-eu', 'production-us'].map(phase =>
          request(glu.server)
            .post('/api/glu/pipelines/default/ledger/promotions')
            .set(
              'authorization',
              mockCredentials.user.header('user:default/alice'),
            )
            .send({ phase }),
        ),
      );
      expect(responses.map(r => [r.status, r.body.status])).toEqual([
        [200, 'succeeded'],
        [200, 'succeeded'],
      ]);
      // Fan-out into two phases of one repository: one fetch, one commit, one push.
      expect(responses[0].body.commitSha).toBe(responses[1].body.commitSha);
      const commits = await repo.log();
      expect(commits).toHaveLength(before.length + 1);
      expect(commits[0].subject).toBe('glu: 2 changes');
      expect(await repo.show('production-eu/VERSION')).toBe('2.0.0\n');
      expect(await repo.show('production-us/VERSION')).toBe('2.0.0\n');
    } finally {
      await glu.stop();
    }
  });
});

import { TestDatabases } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import request from 'supertest';
import {
  ciAuthorization,
  eventually,
  startGlu,
} from '../__testUtils__/backend';
import { createGitFixture, GitFixture } from '../__testUtils__/git';

jest.setTimeout(120_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

/** `build` fanned out into three regions, each automatic, in one repository. */
function fannedOut(repository: string): Entity {
  const region = (name: string) => ({
    name,
    source: {
      type: 'git',
      repository,
      path: `${name}/values.yaml`,
      format: { type: 'yaml-path', key: 'version' },
    },
    promotion: { from: 'build', auto: true },
  });
  return {
    apiVersion: 'glu.dev/v1alpha1',
    kind: 'Pipeline',
    metadata: { name: 'ledger', namespace: 'default' },
    spec: {
      owner: 'group:default/team-ledger',
      phases: [
        { name: 'build', source: { type: 'api' } },
        region('eu'),
        region('us'),
        region('ap'),
      ],
    },
  };
}

describe('automatic promotion', () => {
  let repo: GitFixture;

  beforeEach(async () => {
    repo = await createGitFixture({
      'eu/values.yaml': 'version: 1.0.0\n',
      'us/values.yaml': 'version: 1.0.0\n',
      'ap/values.yaml': 'version: 1.0.0\n',
    });
  });

  afterEach(() => repo.cleanup());

  it('promotes the edges of a fan-out that are due together in one commit', async () => {
    const glu = await startGlu({
      knex: await databases.init('SQLITE_3'),
      entities: [fannedOut(repo.url)],
      pipeline: 'ledger',
      waitFor: ['eu', 'us', 'ap'],
      // The commit waits for all three, however long each takes to plan on
      // a busy machine.
      config: {
        refreshInterval: { hours: 1 },
        git: { gathering: { window: { minutes: 10 } } },
      },
    });
    try {
      const before = await repo.log();
      const published = await request(glu.server)
        .post('/api/glu/pipelines/default/ledger/phases/build/versions')
        .set('authorization', ciAuthorization())
        .send({ version: '2.0.0' });
      expect(published.status).toBe(200);
      await eventually(async () => {
        const shown = await Promise.all(
          ['eu', 'us', 'ap'].map(r => repo.show(`${r}/values.yaml`)),
        );
        return shown.every(v => v === 'version: 2.0.0\n') || undefined;
      }, 'every region to take 2.0.0');
      const commits = await repo.log();
      expect(commits).toHaveLength(before.length + 1);
      expect(commits[0].subject).toBe('glu: 3 changes');
    } finally {
      await glu.stop();
    }
  });
});

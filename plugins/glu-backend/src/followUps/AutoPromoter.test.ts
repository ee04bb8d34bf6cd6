import { mockCredentials, TestDatabases } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import request from 'supertest';
import {
  ciAuthorization,
  eventually,
  LogRecord,
  startGlu,
} from '../__testUtils__/backend';
import { createGitFixture, GitFixture } from '../__testUtils__/git';
import { ledgerPipeline } from '../__testUtils__/pipelines';

jest.setTimeout(120_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_18', 'SQLITE_3'] });

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

describe('automatic promotion of an older version', () => {
  let repo: GitFixture;

  beforeEach(async () => {
    repo = await createGitFixture({ 'VERSION.yaml': 'version: 3.0.0\n' });
  });

  afterEach(() => repo.cleanup());

  it.each(databases.eachSupportedId())(
    'leaves the newer version in place, says why on the edge, and lets a person downgrade, on %p',
    async databaseId => {
      const logs: LogRecord[] = [];
      const glu = await startGlu({
        knex: await databases.init(databaseId),
        entities: [ledgerPipeline({ repository: repo.url })],
        pipeline: 'ledger',
        // Polls far apart: what moves here is each publish.
        config: { refreshInterval: { hours: 1 } },
        waitFor: ['staging'],
        logs,
      });
      const alice = mockCredentials.user.header('user:default/alice');
      const publish = (version: string) =>
        request(glu.server)
          .post('/api/glu/pipelines/default/ledger/phases/build/versions')
          .set('authorization', ciAuthorization())
          .send({ version });
      const view = async () =>
        (
          await request(glu.server)
            .get('/api/glu/pipelines/default/ledger')
            .set('authorization', alice)
        ).body;
      try {
        expect((await publish('3.1.0')).status).toBe(200);
        await eventually(
          async () =>
            (await repo.show('VERSION.yaml')).includes('3.1.0')
              ? true
              : undefined,
          'the automatic promotion of 3.1.0',
        );
        const commits = (await repo.log()).length;

        expect((await publish('3.0.5')).status).toBe(200);
        const declined =
          "build's 3.0.5 is older than the 3.1.0 that staging holds; promote by hand to downgrade";
        // The automatic promotion that the publish sets off, declining.
        await eventually(
          async () =>
            logs.some(l => l.message.includes(declined)) ? true : undefined,
          'automatic promotion to decline 3.0.5',
        );
        expect(await repo.show('VERSION.yaml')).toBe('version: 3.1.0\n');
        expect(await repo.log()).toHaveLength(commits);
        const [edge] = (await view()).edges;
        expect(edge).toMatchObject({
          from: 'build',
          to: 'staging',
          auto: true,
          status: 'promotable',
          autoDeclined: declined,
        });

        // By hand, it is a downgrade on purpose.
        const promoted = await request(glu.server)
          .post('/api/glu/pipelines/default/ledger/promotions')
          .set('authorization', alice)
          .send({ phase: 'staging', from: 'build' });
        expect(promoted.status).toBe(200);
        expect(promoted.body.status).toBe('succeeded');
        expect(await repo.show('VERSION.yaml')).toBe('version: 3.0.5\n');
        const [after] = (await view()).edges;
        expect(after.status).toBe('up-to-date');
        expect(after).not.toHaveProperty('autoDeclined');
      } finally {
        await glu.stop();
      }
    },
  );
});

describe('automatic promotion of a fan-out', () => {
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

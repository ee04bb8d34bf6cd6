import { mockCredentials, TestDatabases } from '@backstage/backend-test-utils';
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

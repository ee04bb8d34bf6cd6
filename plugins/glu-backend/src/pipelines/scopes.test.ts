import { mockCredentials, TestDatabases } from '@backstage/backend-test-utils';
import request from 'supertest';
import {
  ciAuthorization,
  eventually,
  startGlu,
} from '../__testUtils__/backend';
import { createGitFixture, GitFixture } from '../__testUtils__/git';
import { ledgerPipeline } from '../__testUtils__/pipelines';

jest.setTimeout(120_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_18', 'SQLITE_3'] });

/**
 * A pipeline whose definition reached Glu although it writes outside the
 * write scopes of its owner: no catalog module refused it (or the scopes
 * changed since). Glu refuses every write there all the same.
 */
describe('a pipeline that points outside its write scope', () => {
  let repo: GitFixture;

  beforeEach(async () => {
    repo = await createGitFixture({
      'teams/team-ledger/VERSION.yaml': 'version: 1.0.0\n',
      'teams/team-payments/VERSION.yaml': 'version: 1.0.0\n',
    });
  });

  afterEach(() => repo.cleanup());

  it.each(databases.eachSupportedId())(
    'is refused at every write, and its edge says why, on %p',
    async databaseId => {
      const glu = await startGlu({
        knex: await databases.init(databaseId),
        // Owned by team-ledger, pointed at team-payments' file.
        entities: [
          ledgerPipeline({
            repository: repo.url,
            path: 'teams/team-payments/VERSION.yaml',
          }),
        ],
        pipeline: 'ledger',
        waitFor: ['staging'],
        config: {
          // One rule for every team: its own folder.
          writeScopes: [
            {
              repository: repo.url,
              branches: ['main'],
              paths: ['teams/{owner}/**'],
            },
          ],
        },
      });
      const alice = mockCredentials.user.header('user:default/alice');
      const base = '/api/glu/pipelines/default/ledger';
      try {
        const commits = await repo.log();
        await request(glu.server)
          .post(`${base}/phases/build/versions`)
          .set('authorization', ciAuthorization())
          .send({ version: '6.6.6' });
        const view = await eventually(async () => {
          const res = await request(glu.server)
            .get(base)
            .set('authorization', alice);
          return res.body.phases[0].state?.version === '6.6.6'
            ? res.body
            : undefined;
        }, 'the published version');
        const outside = `teams/team-payments/VERSION.yaml on main of ${repo.url} is outside the write scopes of group:default/team-ledger (glu.writeScopes)`;
        expect(view.edges[0]).toMatchObject({
          status: 'blocked',
          reasons: [outside],
        });
        expect(view.phases[1].writable).toBe(true);

        const promote = await request(glu.server)
          .post(`${base}/promotions`)
          .set('authorization', alice)
          .send({ phase: 'staging' });
        expect(promote.status).toBe(403);
        expect(promote.body.error.message).toBe(
          `The pipeline pipeline:default/ledger may not write into staging: ${outside}`,
        );
        const history = await request(glu.server)
          .get(`${base}/phases/staging/history`)
          .set('authorization', alice);
        const rollback = await request(glu.server)
          .post(`${base}/phases/staging/rollback`)
          .set('authorization', alice)
          .send({ historyId: history.body.items[0].id });
        expect(rollback.status).toBe(403);

        // Neither the automatic promotion nor anyone wrote there.
        await request(glu.server)
          .post(`${base}/refresh`)
          .set('authorization', alice);
        expect(await repo.log()).toEqual(commits);
        expect(await repo.show('teams/team-payments/VERSION.yaml')).toBe(
          'version: 1.0.0\n',
        );
      } finally {
        await glu.stop();
      }
    },
  );
});

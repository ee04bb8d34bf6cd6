import { mockCredentials, TestDatabases } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
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

const FILE = 'teams/team-ledger/VERSION.yaml';

function entity(
  kind: 'Group' | 'User',
  name: string,
  namespace = 'default',
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind,
    metadata: { name, namespace },
    spec: kind === 'Group' ? { type: 'team', children: [] } : {},
  };
}

/** The pipeline of team-ledger, promoted automatically into its own file. */
const ledger = (repository: string, owner = 'group:default/team-ledger') => {
  const pipeline = ledgerPipeline({ repository, path: FILE });
  return { ...pipeline, spec: { ...pipeline.spec, owner } };
};

/**
 * What the catalog holds once the pipeline was accepted and then changed (or
 * its owner removed), and why Glu may no longer write for it.
 */
const cases: Array<
  [string, (repository: string) => Entity[], (repository: string) => string]
> = [
  [
    'its definition names an owner that is not in the catalog',
    repository => [
      ledger(repository, 'group:evil/team-ledger'),
      entity('Group', 'team-ledger'),
    ],
    () =>
      'its owner group:evil/team-ledger is not in the catalog: it owns nothing',
  ],
  [
    "its definition names an owner of the team's name that is not the team",
    repository => [
      ledger(repository, 'user:default/team-ledger'),
      entity('Group', 'team-ledger'),
      entity('User', 'team-ledger'),
    ],
    repository =>
      `${FILE} on main of ${repository} is outside the write scopes of user:default/team-ledger (glu.writeScopes): teams/{owner}/** covers groups of the default namespace only, and user:default/team-ledger is not one (name {owner.kind} in it to cover such owners)`,
  ],
  [
    'its owner leaves the catalog',
    repository => [ledger(repository)],
    () =>
      'its owner group:default/team-ledger is not in the catalog: it owns nothing',
  ],
];

/**
 * A pipeline that the catalog accepted, and that wrote into its team's
 * folder, whose owner then stops being that team in the catalog: Glu
 * refuses every write for it from the next sync on, whatever the catalog
 * module did meanwhile.
 */
describe('a pipeline whose owner is no longer its team', () => {
  let repo: GitFixture;

  beforeEach(async () => {
    repo = await createGitFixture({ [FILE]: 'version: 1.0.0\n' });
  });

  afterEach(() => repo.cleanup());

  it.each(
    databases.eachSupportedId().flatMap(([databaseId]) =>
      cases.map(([what, catalog, reason]) => ({
        databaseId,
        what,
        catalog,
        reason,
      })),
    ),
  )(
    'is refused at every write once $what, and its edge says why, on $databaseId',
    async ({ databaseId, catalog, reason }) => {
      const glu = await startGlu({
        knex: await databases.init(databaseId),
        entities: [ledger(repo.url)],
        pipeline: 'ledger',
        waitFor: ['staging'],
        config: {
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
      const publish = (version: string) =>
        request(glu.server)
          .post(`${base}/phases/build/versions`)
          .set('authorization', ciAuthorization())
          .send({ version });
      const promote = (dryRun: boolean) =>
        request(glu.server)
          .post(`${base}/promotions`)
          .set('authorization', alice)
          .send({ phase: 'staging', dryRun });
      try {
        // Accepted: it writes into its team's folder.
        expect((await publish('1.1.0')).status).toBe(200);
        await eventually(
          async () =>
            (await repo.show(FILE)) === 'version: 1.1.0\n' ? true : undefined,
          'the automatic promotion of 1.1.0',
        );

        glu.setCatalog(catalog(repo.url));
        const refusal = `The pipeline pipeline:default/ledger may not write into staging: ${reason(
          repo.url,
        )}`;
        // The dry run says so as soon as a sync has learned it.
        const dryRun = await eventually(async () => {
          const res = await promote(true);
          return res.status === 403 ? res : undefined;
        }, 'the dry run to be refused');
        expect(dryRun.body.error.message).toBe(refusal);

        const commits = await repo.log();
        expect((await publish('6.6.6')).status).toBe(200);
        const view = await eventually(async () => {
          const res = await request(glu.server)
            .get(base)
            .set('authorization', alice);
          return res.body.phases[0].state?.version === '6.6.6'
            ? res.body
            : undefined;
        }, 'the published version');
        expect(view.edges[0]).toMatchObject({
          status: 'blocked',
          reasons: [reason(repo.url)],
        });

        const promotion = await promote(false);
        expect(promotion.status).toBe(403);
        expect(promotion.body.error.message).toBe(refusal);
        const history = await request(glu.server)
          .get(`${base}/phases/staging/history`)
          .set('authorization', alice);
        const rollback = await request(glu.server)
          .post(`${base}/phases/staging/rollback`)
          .set('authorization', alice)
          .send({ historyId: history.body.items[1].id });
        expect(rollback.status).toBe(403);
        expect(rollback.body.error.message).toBe(refusal);

        // Neither the automatic promotion nor anyone wrote there.
        await request(glu.server)
          .post(`${base}/refresh`)
          .set('authorization', alice);
        expect(await repo.log()).toEqual(commits);
        expect(await repo.show(FILE)).toBe('version: 1.1.0\n');
      } finally {
        await glu.stop();
      }
    },
  );
});

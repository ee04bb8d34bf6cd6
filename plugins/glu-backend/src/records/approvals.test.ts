import { mockCredentials, TestDatabases } from '@backstage/backend-test-utils';
import request from 'supertest';
import { ciAuthorization, startGlu } from '../__testUtils__/backend';
import { createGitFixture, GitFixture } from '../__testUtils__/git';
import { stagedPipeline } from '../__testUtils__/pipelines';

jest.setTimeout(120_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_18', 'SQLITE_3'] });

describe('an approval into a phase with several edges', () => {
  let repo: GitFixture;

  beforeEach(async () => {
    repo = await createGitFixture({
      'staging.yaml': 'version: 1.0.0\n',
      'production.yaml': 'version: 1.0.0\n',
    });
  });

  afterEach(() => repo.cleanup());

  it.each(databases.eachSupportedId())(
    'is refused until it names the edge in "from", as a promotion is, on %p',
    async databaseId => {
      // Production is fed by staging and, for hotfixes, by build itself.
      const approvals = { approvals: 1 };
      const glu = await startGlu({
        knex: await databases.init(databaseId),
        entities: [
          stagedPipeline(repo.url, {
            production: [
              { from: 'staging', gates: [approvals] },
              { from: 'build', gates: [approvals] },
            ],
          }),
        ],
        pipeline: 'checkout',
        waitFor: ['staging', 'production'],
      });
      const base = '/api/glu/pipelines/default/checkout';
      const alice = mockCredentials.user.header('user:default/alice');
      const approve = (body: object) =>
        request(glu.server)
          .post(`${base}/phases/production/approvals`)
          .set('authorization', alice)
          .send(body);
      try {
        await request(glu.server)
          .post(`${base}/phases/build/versions`)
          .set('authorization', ciAuthorization())
          .send({ version: '2.0.0' });

        const ambiguous = await approve({});
        expect(ambiguous.status).toBe(400);
        expect(ambiguous.body.error).toMatchObject({
          name: 'InputError',
          message:
            'The phase production promotes from staging, build; say which one in "from"',
        });
        const unknown = await approve({ from: 'qa' });
        expect(unknown.status).toBe(400);
        expect(unknown.body.error.message).toBe(
          'The phase production does not promote from "qa"',
        );

        const named = await approve({ from: 'build' });
        expect(named.status).toBe(200);
        expect(named.body).toMatchObject({
          version: '2.0.0',
          approvers: ['user:default/alice'],
        });
      } finally {
        await glu.stop();
      }
    },
  );
});

describe('an approval into a phase whose edge has no approvals gate', () => {
  let repo: GitFixture;

  beforeEach(async () => {
    repo = await createGitFixture({
      'staging.yaml': 'version: 1.0.0\n',
      'production.yaml': 'version: 1.0.0\n',
    });
  });

  afterEach(() => repo.cleanup());

  it.each(databases.eachSupportedId())(
    'is refused with a 400 that says the edge has no approvals gate, on %p',
    async databaseId => {
      // Production promotes from staging with no gates at all.
      const glu = await startGlu({
        knex: await databases.init(databaseId),
        entities: [stagedPipeline(repo.url)],
        pipeline: 'checkout',
        waitFor: ['staging', 'production'],
      });
      const base = '/api/glu/pipelines/default/checkout';
      try {
        const res = await request(glu.server)
          .post(`${base}/phases/production/approvals`)
          .set(
            'authorization',
            mockCredentials.user.header('user:default/alice'),
          )
          .send({});
        expect(res.status).toBe(400);
        expect(res.body.error).toMatchObject({
          name: 'InputError',
          message:
            'The promotion from staging into production has no approvals gate: there is nothing to approve',
        });
        const audited = glu.auditEvents.filter(e => e.eventId === 'approval');
        expect(audited.map(e => e.outcome)).toEqual(['fail']);
      } finally {
        await glu.stop();
      }
    },
  );
});

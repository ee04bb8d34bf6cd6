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

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

describe('gates on an edge', () => {
  let repo: GitFixture;

  beforeEach(async () => {
    repo = await createGitFixture({ 'VERSION.yaml': 'version: 1.0.0\n' });
  });

  afterEach(() => repo.cleanup());

  it('block a promotion and say why, then let it through once they pass', async () => {
    const glu = await startGlu({
      knex: await databases.init('SQLITE_3'),
      entities: [
        ledgerPipeline({
          repository: repo.url,
          phase: 'production',
          promotion: { from: 'build', gates: [{ soak: '3s' }] },
        }),
      ],
      pipeline: 'ledger',
      waitFor: ['production'],
    });
    const alice = mockCredentials.user.header('user:default/alice');
    const base = '/api/glu/pipelines/default/ledger';
    try {
      await request(glu.server)
        .post(`${base}/phases/build/versions`)
        .set('authorization', ciAuthorization())
        .send({ version: '1.1.0' });

      const blocked = (
        await request(glu.server).get(base).set('authorization', alice)
      ).body.edges[0];
      expect(blocked.status).toBe('blocked');
      expect(blocked.gates).toEqual([
        {
          type: 'soak',
          passed: false,
          reason: expect.stringMatching(
            /^build has held 1\.1\.0 for \d+s of 3s$/,
          ),
        },
      ]);
      expect(blocked.reasons[0]).toMatch(/^soak: build has held 1\.1\.0 for/);
      const refused = await request(glu.server)
        .post(`${base}/promotions`)
        .set('authorization', alice)
        .send({ phase: 'production' });
      expect(refused.status).toBe(409);
      expect(refused.body.error.message).toMatch(
        /^The promotion of build into production is blocked: soak: build has held 1\.1\.0 for/,
      );
      // Held back, nothing tried: no record to name.
      expect(refused.body.error).not.toHaveProperty('promotionId');

      await eventually(async () => {
        const edge = (
          await request(glu.server).get(base).set('authorization', alice)
        ).body.edges[0];
        return edge.status === 'promotable' ? edge : undefined;
      }, 'the soak time to pass');
      const promoted = await request(glu.server)
        .post(`${base}/promotions`)
        .set('authorization', alice)
        .send({ phase: 'production' });
      expect(promoted.body.status).toBe('succeeded');
      expect(await repo.show('VERSION.yaml')).toBe('version: 1.1.0\n');
    } finally {
      await glu.stop();
    }
  });

  it('wait for enough approvals of the version, from distinct people', async () => {
    const glu = await startGlu({
      knex: await databases.init('SQLITE_3'),
      entities: [
        ledgerPipeline({
          repository: repo.url,
          phase: 'production',
          promotion: { from: 'build', gates: [{ approvals: 2 }] },
        }),
      ],
      pipeline: 'ledger',
      waitFor: ['production'],
    });
    const base = '/api/glu/pipelines/default/ledger';
    const as = (user: string) =>
      mockCredentials.user.header(`user:default/${user}`);
    const approve = (user: string) =>
      request(glu.server)
        .post(`${base}/phases/production/approvals`)
        .set('authorization', as(user))
        .send({});
    const edge = async () =>
      (await request(glu.server).get(base).set('authorization', as('alice')))
        .body.edges[0];
    try {
      await request(glu.server)
        .post(`${base}/phases/build/versions`)
        .set('authorization', ciAuthorization())
        .send({ version: '2.0.0' });
      expect((await edge()).reasons).toEqual([
        'approvals: 0 of 2 approvals for 2.0.0',
      ]);

      expect((await approve('alice')).body).toMatchObject({
        version: '2.0.0',
        approvers: ['user:default/alice'],
      });
      // The same person twice is still one approval.
      await approve('alice');
      expect((await edge()).status).toBe('blocked');

      expect((await approve('carol')).body.approvers).toEqual([
        'user:default/alice',
        'user:default/carol',
      ]);
      const open = await edge();
      expect(open.status).toBe('promotable');
      expect(open.gates).toEqual([
        {
          type: 'approvals',
          passed: true,
          reason:
            '2 of 2 approvals for 2.0.0 (user:default/alice, user:default/carol)',
        },
      ]);
    } finally {
      await glu.stop();
    }
  });
});

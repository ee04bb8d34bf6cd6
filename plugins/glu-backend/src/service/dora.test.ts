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

describe('the DORA endpoints', () => {
  let repo: GitFixture;

  beforeEach(async () => {
    repo = await createGitFixture({ 'VERSION.yaml': 'version: 1.0.0\n' });
  });

  afterEach(() => repo.cleanup());

  it('count what reached production, for a pipeline and for its owner, to those who may read it', async () => {
    const glu = await startGlu({
      knex: await databases.init('SQLITE_3'),
      entities: [ledgerPipeline({ repository: repo.url })],
      pipeline: 'ledger',
      waitFor: ['staging'],
      // bob may read no pipeline.
      denied: (permission, caller) =>
        caller === 'user:default/bob' && permission === 'glu.pipeline.read',
    });
    const alice = mockCredentials.user.header('user:default/alice');
    const bob = mockCredentials.user.header('user:default/bob');
    const base = '/api/glu/pipelines/default/ledger';
    try {
      await request(glu.server)
        .post(`${base}/phases/build/versions`)
        .set('authorization', ciAuthorization())
        .send({ version: '1.1.0', message: 'feat: faster ledgers' });
      // Staging, which nothing promotes from, is its production.
      const report = await eventually(async () => {
        const res = await request(glu.server)
          .get(`${base}/dora`)
          .set('authorization', alice);
        return res.body.figures?.deployments === 1 ? res.body : undefined;
      }, 'the automatic promotion to count');
      expect(report).toMatchObject({
        pipelineRef: 'pipeline:default/ledger',
        production: ['staging'],
        failureWindow: '1d',
        figures: {
          deployments: 1,
          failedDeployments: 0,
          changeFailureRate: 0,
          medianLeadTimeSeconds: expect.any(Number),
        },
        deployments: [
          { phase: 'staging', version: '1.1.0', failed: false, fix: false },
        ],
      });
      expect(report.days).toBeUndefined();
      expect(report.figures.days).toHaveLength(31);

      const team = await request(glu.server)
        .get('/api/glu/dora')
        .query({ owner: 'group:default/team-ledger' })
        .set('authorization', alice);
      expect(team.status).toBe(200);
      expect(team.body.figures.deployments).toBe(1);
      expect(team.body.pipelines.map((p: any) => p.pipelineRef)).toEqual([
        'pipeline:default/ledger',
      ]);
      // Someone who may read no pipeline learns nothing of this one, and
      // is told that they may read none.
      const hidden = await request(glu.server)
        .get('/api/glu/dora')
        .query({ owner: 'group:default/team-ledger' })
        .set('authorization', bob);
      expect(hidden.status).toBe(403);
      expect(hidden.body.error.message).toBe(
        'user:default/bob may not read any pipeline (glu.pipeline.read)',
      );
      expect(
        (
          await request(glu.server)
            .get(`${base}/dora`)
            .set('authorization', bob)
        ).status,
      ).toBe(404);

      // A period the caller must fix is a 400 that says how.
      const backwards = await request(glu.server)
        .get(`${base}/dora`)
        .query({ from: '2026-12-02T00:00:00Z', to: '2026-12-01T00:00:00Z' })
        .set('authorization', alice);
      expect(backwards.status).toBe(400);
      expect(backwards.body.error.message).toMatch(/must end after it starts/);
      const noOwner = await request(glu.server)
        .get('/api/glu/dora')
        .set('authorization', alice);
      expect(noOwner.status).toBe(400);
      const notADate = await request(glu.server)
        .get(`${base}/dora?from=yesterday`)
        .set('authorization', alice);
      expect(notADate.status).toBe(400);
    } finally {
      await glu.stop();
    }
  });
});

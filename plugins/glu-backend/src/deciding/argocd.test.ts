import { mockCredentials, TestDatabases } from '@backstage/backend-test-utils';
import { FakeArgoCd } from '@internal/glu-argocd-fake';
import gluModuleArgocd from '@glu-dev/plugin-glu-backend-module-argocd';
import request from 'supertest';
import {
  ciAuthorization,
  eventually,
  startGlu,
} from '../__testUtils__/backend';
import { createGitFixture, GitFixture } from '../__testUtils__/git';
import { healthGatedPipeline } from '../__testUtils__/pipelines';

// What every gate that observes goes through (soak, rollback, outage) is
// in gateScenarios.test.ts; here, what only the argocd gate does.

jest.setTimeout(120_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

describe('the argocd gate in the engine', () => {
  let repo: GitFixture;
  let argocd: FakeArgoCd;

  beforeEach(async () => {
    repo = await createGitFixture({
      'staging.yaml': 'version: 1.0.0\n',
      'production.yaml': 'version: 1.0.0\n',
    });
    argocd = await FakeArgoCd.start();
  });

  afterEach(async () => {
    const violations = [...argocd.violations];
    await argocd.stop();
    await repo.cleanup();
    if (violations.length > 0) {
      throw new Error(`Not as Argo CD describes:\n${violations.join('\n')}`);
    }
  });

  it('promotes once the upstream application is Synced and Healthy at a later commit that holds Glu’s', async () => {
    const glu = await startGlu({
      knex: await databases.init('SQLITE_3'),
      entities: [
        healthGatedPipeline(repo.url, {
          argocd: { application: 'checkout-staging' },
        }),
      ],
      waitFor: ['staging', 'production'],
      features: [gluModuleArgocd],
      config: { gates: { checkInterval: { seconds: 1 } } },
      rootConfig: {
        argocd: {
          appLocatorMethods: [
            { type: 'config', instances: [argocd.instance('argocd-main')] },
          ],
        },
      },
    });
    const alice = mockCredentials.user.header('user:default/alice');
    const base = '/api/glu/pipelines/default/checkout';
    const productionEdge = async () =>
      (
        await request(glu.server).get(base).set('authorization', alice)
      ).body.edges.find((e: any) => e.to === 'production');
    try {
      // Argo CD still runs what staging held before Glu's commit.
      const before = (await repo.log())[0].sha;
      argocd.setApplication('checkout-staging', { revision: before });
      await request(glu.server)
        .post(`${base}/phases/build/versions`)
        .set('authorization', ciAuthorization())
        .send({ version: '1.1.0' });
      await eventually(
        async () =>
          (await repo.show('staging.yaml')) === 'version: 1.1.0\n' || undefined,
        'staging to take 1.1.0',
      );
      const glus = (await repo.log())[0].sha;
      const waiting = await eventually(async () => {
        const edge = await productionEdge();
        return edge.gates[0].reason.includes('does not hold')
          ? edge
          : undefined;
      }, 'the check of the old revision');
      expect(waiting.status).toBe('blocked');
      expect(waiting.gates[0].failed).toBeUndefined();

      // Someone commits another file after Glu; Argo CD syncs that commit,
      // which holds Glu's: the gate passes and production follows.
      const later = await repo.commit({ 'README.md': '# gitops\n' }, 'docs');
      await request(glu.server)
        .post(`${base}/refresh`)
        .set('authorization', alice);
      argocd.setApplication('checkout-staging', { revision: later });
      await eventually(
        async () =>
          (await repo.show('production.yaml')) === 'version: 1.1.0\n' ||
          undefined,
        'production to take 1.1.0 once staging is Synced and Healthy',
      );
      expect(glus).not.toBe(later);
      expect((await productionEdge()).gates[0]).toMatchObject({
        passed: true,
        reason: `checkout-staging is Synced and Healthy at ${later.slice(
          0,
          7,
        )}, which holds Glu's ${glus.slice(0, 7)}`,
      });
      // The token went to Argo CD, never elsewhere.
      expect(argocd.requests.length).toBeGreaterThan(0);
    } finally {
      await glu.stop();
    }
  });
});
